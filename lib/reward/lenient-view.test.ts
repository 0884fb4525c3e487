import { describe, expect, it } from "vitest";
import { computeReward, lenientCheck, rewardView } from "./index";

describe("lenientCheck is separate from slime's verdict", () => {
  it("accepts equivalent forms that slime's strict check rejects", async () => {
    const response = "so Answer: \\boxed{0.5}";
    const slime = await computeReward("retool", { response, label: "\\frac{1}{2}", tool_call_count: 2 });
    expect(slime).toMatchObject({ ok: true, value: { score: -1, acc: false, pred: "0.5" } });
    expect(lenientCheck(response, "\\frac{1}{2}")).toMatchObject({ equivalent: true, pred: "0.5" });
  });
  it("falls back to the last Answer: line and reports what it judged", () => {
    expect(lenientCheck("Answer: 42 dollars", "42")).toMatchObject({ equivalent: true, pred: "42 dollars" });
    expect(lenientCheck("no answer here", "42")).toEqual({ equivalent: false, pred: null, reason: "no \\boxed{} or 'Answer:' found" });
    expect(lenientCheck("\\boxed{41}", "42").equivalent).toBe(false);
  });
});

describe("rewardView shows the text the reward read and the box it found", () => {
  it("retool: last 300 code points of prompt + response, span of the last box", () => {
    const prompt = "P".repeat(400);
    const response = "😀".repeat(50) + "Answer: \\boxed{42}.";
    const v = rewardView("retool", { prompt, response, label: "42" });
    expect(Array.from(v.text)).toHaveLength(300);
    expect(v.text.slice(v.span!.start, v.span!.end)).toBe("\\boxed{42}");
    expect(v.pred).toBe("42");
  });
  it("retool: a box outside the last 100 characters is not found", () => {
    const v = rewardView("retool", { response: "\\boxed{42}" + "x".repeat(100), label: "42" });
    expect(v.span).toBeNull();
    expect(v.pred).toBeNull();
  });
  it("dapo: the Answer: capture", () => {
    const v = rewardView("dapo", { response: "work\nAnswer: 12 apples", label: "12" });
    expect(v.text.slice(v.span!.start, v.span!.end)).toBe("12 apples");
  });
  it("math/deepscaler: the last \\boxed{} (deepscaler only after </think>)", () => {
    const v = rewardView("deepscaler", { response: "\\boxed{1}</think>so \\boxed{2}", label: "2" });
    expect(v.text.slice(v.span!.start, v.span!.end)).toBe("\\boxed{2}");
  });
});
