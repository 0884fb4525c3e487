import { describe, expect, it } from "vitest";
import { chatSample, slimeSample } from "./testing/fixtures";
import { compareOutput, printedText, reexecVerdict } from "./compare-output";
import { codeCells, segmentResponse } from "./segments";
import { normalizeRecord } from "./normalize";

describe("printedText", () => {
  it("takes off slime's Output: prefix", () => {
    expect(printedText("Output:\n38024")).toBe("38024");
    expect(printedText("Output:\n38024\n")).toBe("38024");
    expect(printedText("Output:")).toBe("");
  });
  it("takes off <interpreter> tags", () => {
    expect(printedText("<interpreter>\nOutput:\n38024\n</interpreter>")).toBe("38024");
  });
  it("reads the output field of a JSON tool message", () => {
    expect(printedText('{"output": "38024\\n", "exit_code": 0}')).toBe("38024");
  });
  it("keeps what the program printed, including an Errors: section and a printed 'Output:' later on", () => {
    expect(printedText("Output:\n1\n\nErrors:\nwarn")).toBe("1\n\nErrors:\nwarn");
    expect(printedText("Output:\nOutput:\n2")).toBe("Output:\n2");
    expect(printedText("Error: Process exited with code 1\nboom")).toBe("Error: Process exited with code 1\nboom");
  });
});

describe("compareOutput", () => {
  it("a plain SFT tool message matches slime's live output", () => {
    expect(compareOutput("38024", "Output:\n38024")).toEqual({ match: true, recorded: "38024", live: "38024" });
  });
  it("still reports a real difference", () => {
    const c = compareOutput("Output:\n31", "Output:\n30");
    expect(c.match).toBe(false);
    expect(c).toMatchObject({ recorded: "31", live: "30" });
  });
  it("an empty recorded output does not match a printed value", () => {
    expect(compareOutput("", "Output:\n5").match).toBe(false);
  });
  it("matches every cell of the fixtures' chat rows (tool content 'Output:\\n16\\n') against a plain live output", () => {
    const s = normalizeRecord("chat", chatSample(2), { row: 0, line: 1 });
    const cells = codeCells(segmentResponse(s.response));
    expect(cells).toHaveLength(1);
    expect(compareOutput(cells[0]!.recorded!, "Output:\n16").match).toBe(true);
    expect(compareOutput(cells[0]!.recorded!, "16").match).toBe(true);
  });
  it("a slime fixture's recorded cell matches the live text slime's wrapper prints", () => {
    const cells = codeCells(segmentResponse(slimeSample(0).response as string));
    expect(compareOutput(cells[0]!.recorded!, "Output:\n30").match).toBe(true);
  });
});

describe("reexecVerdict", () => {
  it("no code cells is nothing to run, not reproduced", () => {
    expect(reexecVerdict({ cells: 0, mismatches: 0, errors: 0 })).toBe("empty");
  });
  it("errors win over mismatches; otherwise mismatch or match", () => {
    expect(reexecVerdict({ cells: 2, mismatches: 1, errors: 1 })).toBe("error");
    expect(reexecVerdict({ cells: 2, mismatches: 1, errors: 0 })).toBe("mismatch");
    expect(reexecVerdict({ cells: 2, mismatches: 0, errors: 0 })).toBe("match");
  });
});
