import { describe, expect, it } from "vitest";
import { codeCells, normalizeOutput, responseUpToTurn, segmentResponse } from "./segments";

const retool =
  "Let me compute.\n<code>\nprint(6*7)\n</code>\n\n<interpreter>\nOutput:\n42\n</interpreter>\n\n" +
  'Now check with a tool call.\n<tool_call>\n{"name": "code_interpreter", "arguments": {"code": "print(1)"}}\n</tool_call>\n\n<interpreter>\nOutput:\n2\n</interpreter>\n\n' +
  "So the answer is $42$.\n\nAnswer: \\boxed{\\frac{84}{2}}";

describe("segmentResponse", () => {
  it("splits model text, code, interpreter output and answer per turn", () => {
    const turns = segmentResponse(retool);
    expect(turns.map((t) => t.segments.map((s) => s.kind))).toEqual([
      ["text", "code", "interpreter"],
      ["text", "code", "interpreter"],
      ["text", "answer"],
    ]);
    expect(turns[0]!.segments[1]).toMatchObject({ kind: "code", text: "print(6*7)", lang: "python", cell: 0 });
    expect(turns[1]!.segments[1]).toMatchObject({ kind: "code", text: "print(1)", lang: "code_interpreter", cell: 1 });
    expect(turns[0]!.segments[2]!.text).toBe("Output:\n42");
    // One level of nested braces, as slime's answer pattern allows.
    expect(turns[2]!.segments[1]!.text).toBe("\\frac{84}{2}");
  });

  it("keeps text without any action as one text turn", () => {
    expect(segmentResponse("just thinking")).toEqual([{ index: 0, segments: [{ kind: "text", text: "just thinking" }] }]);
    expect(segmentResponse("")).toEqual([]);
  });

  it("lists code cells with the output recorded after each", () => {
    const cells = codeCells(segmentResponse(retool));
    expect(cells).toEqual([
      { cell: 0, turn: 0, code: "print(6*7)", recorded: "Output:\n42" },
      { cell: 1, turn: 1, code: "print(1)", recorded: "Output:\n2" },
    ]);
    expect(codeCells(segmentResponse("<code>x=1</code>"))).toEqual([{ cell: 0, turn: 0, code: "x=1", recorded: null }]);
  });

  it("cuts the response after a turn's observation", () => {
    expect(responseUpToTurn(retool, 0)).toBe("Let me compute.\n<code>\nprint(6*7)\n</code>\n\n<interpreter>\nOutput:\n42\n</interpreter>");
    expect(responseUpToTurn(retool, 1).match(/<interpreter>/g)).toHaveLength(2);
    expect(responseUpToTurn(retool, 2)).toBe(retool);
  });

  it("compares outputs ignoring trailing whitespace only", () => {
    expect(normalizeOutput("Output:\r\n42  \n\n")).toBe(normalizeOutput("Output:\n42"));
    expect(normalizeOutput("Output:\n 42")).not.toBe(normalizeOutput("Output:\n42"));
  });
});
