import { describe, expect, it } from "vitest";
import {
  EMPTY_CODE_OBSERVATION,
  INVALID_ACTION_TEXT,
  countObservations,
  formatCodeAction,
  formatObservation,
  formatToolCall,
  observationSpans,
  splitAssistantTurns,
} from "./codec";
import { tracePredictions } from "./parse";

// slime's literals (examples/retool/generate_with_retool.py), typed out here so a change to the codec shows.
const SLIME_INVALID =
  "\nMy previous action is invalid. If I want to execute code, I should put the code between <code> and </code>. If I want to give the final answer, I should use the format 'Answer: \\boxed{answer}'. Let me try again.\n";

describe("ReTool codec", () => {
  it("writes observations and the invalid-action text byte for byte as slime does", () => {
    expect(formatObservation("Output:\n42")).toBe("\n\n<interpreter>\nOutput:\n42\n</interpreter>\n\n");
    expect(EMPTY_CODE_OBSERVATION).toBe("\n\n<interpreter>\nError: No Python code found\n</interpreter>\n\n");
    expect(INVALID_ACTION_TEXT).toBe(SLIME_INVALID);
  });

  it("splits a response the loop wrote back into its turns, whatever separates them", () => {
    const turns = ["Let me compute.\n<code>\nprint(1)\n</code>", "Hmm, no action here.", "", "Answer: \\boxed{1}"];
    const response =
      turns[0] + formatObservation("Output:\n1") + turns[1] + INVALID_ACTION_TEXT + turns[2] + EMPTY_CODE_OBSERVATION + turns[3];
    expect(splitAssistantTurns(response)).toEqual(turns);
    // A response that ends on an observation has no empty last turn.
    expect(splitAssistantTurns(turns[0] + formatObservation("x"))).toEqual([turns[0]]);
    // Tags without slime's blank lines are not a loop separator.
    expect(splitAssistantTurns("a<interpreter>x</interpreter>b")).toEqual(["a<interpreter>x</interpreter>b"]);
  });

  it("finds tagged observations leniently and counts them as slime counts tool calls", () => {
    const response = "a" + formatObservation("one") + "b<interpreter>two</interpreter>c";
    const spans = observationSpans(response);
    expect(spans.map((s) => s.result)).toEqual(["one", "two"]);
    expect(response.slice(spans[1]!.start, spans[1]!.end)).toBe("<interpreter>two</interpreter>");
    expect(countObservations(response)).toBe(2);
    expect(countObservations(EMPTY_CODE_OBSERVATION)).toBe(1);
    expect(countObservations(INVALID_ACTION_TEXT)).toBe(0);
  });

  it("writes code actions that slime's parser reads back to the same code", () => {
    const code = 'print("a\\nb")\nx = {"k": 1}';
    for (const source of ["tool_call", "code_tag", "python_block"] as const) {
      const t = tracePredictions(`Try this.\n${formatCodeAction(source, code)}`);
      expect(t.source).toBe(source);
      expect(t.content.trim()).toBe(code);
    }
    expect(formatToolCall("code_interpreter", { code: "1" })).toBe('<tool_call>\n{"name":"code_interpreter","arguments":{"code":"1"}}\n</tool_call>');
  });
});
