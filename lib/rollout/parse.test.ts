import { describe, expect, it } from "vitest";
import { postprocessPredictions, postprocessResponses, tracePredictions } from "./parse";

const call = (code: string) => `<tool_call>\n{"name": "code_interpreter", "arguments": {"code": ${JSON.stringify(code)}}}\n</tool_call>`;

describe("postprocessPredictions priority and edge cases", () => {
  it("answer > tool_call > <code> > ```python", () => {
    const all = "```python\np()\n```" + "<code>c()</code>" + call("t()") + "Answer: \\boxed{1}";
    expect(postprocessPredictions(all)).toEqual({ action: "answer", content: "1" });
    expect(postprocessPredictions(all.replace("Answer: \\boxed{1}", ""))).toEqual({ action: "code", content: "t()" });
    expect(postprocessPredictions("```python\np()\n```<code>c()</code>")).toEqual({ action: "code", content: "c()" });
    expect(postprocessPredictions("```python\np()\n```")).toEqual({ action: "code", content: "p()" });
  });

  it("keeps tool-call code unstripped but strips <code> and ```python bodies", () => {
    expect(postprocessPredictions(call("  x = 1  ")).content).toBe("  x = 1  ");
    expect(postprocessPredictions("<code>\n  x = 1  \n</code>").content).toBe("x = 1");
  });

  it("explains why a tool call was not used", () => {
    expect(tracePredictions('<tool_call>{"name": "search", "arguments": {}}</tool_call>')).toMatchObject({
      action: null,
      toolCallRejected: 'tool name is "search", only code_interpreter runs',
    });
    expect(tracePredictions("<tool_call>{\n\"name\": \"code_interpreter\"}</tool_call>").toolCallRejected).toMatch(/invalid JSON/);
  });

  it("reports the span of the match for highlighting", () => {
    const text = "think... <code>print(1)</code> more";
    const t = tracePredictions(text);
    expect(text.slice(...t.span!)).toBe("<code>print(1)</code>");
  });

  it("the answer pattern allows exactly one level of nested braces", () => {
    expect(postprocessPredictions("Answer: \\boxed{\\frac{1}{2}}").action).toBe("answer");
    expect(postprocessPredictions("Answer: \\boxed{\\frac{\\sqrt{3}}{2}}").action).toBe(null);
  });
});

describe("postprocessResponses", () => {
  it("cuts after the last complete tool call, the first </code>, the last python block, the last answer", () => {
    expect(postprocessResponses(call("a") + " x " + call("b") + " tail")).toBe(call("a") + " x " + call("b"));
    expect(postprocessResponses("<code>a</code> b <code>c</code>")).toBe("<code>a</code>");
    expect(postprocessResponses("```python\na\n``` b ```python\nc\n``` d")).toBe("```python\na\n``` b ```python\nc\n```");
    expect(postprocessResponses("Answer: \\boxed{1} Answer: \\boxed{2} bye")).toBe("Answer: \\boxed{1} Answer: \\boxed{2}");
    expect(postprocessResponses("nothing to cut")).toBe("nothing to cut");
  });
});
