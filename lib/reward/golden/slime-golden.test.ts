// Golden cases: every expected value was produced by running slime's own Python functions
// (postprocess_predictions/_responses, the ReTool reward_func, and rm_hub's dapo, math,
// deepscaler, f1 and boxed_ dispatch) under CPython 3.11, sympy 1.14, pylatexenc 2.10; the f1 ones
// were re-checked against THUDM/slime's rm_hub/f1.py at 624b824. 177 cases: 44 parse, 133 score.
// Where slime raises, `expected` is {"error": "<Python exception type>"}.
import { describe, expect, it } from "vitest";
import { postprocessPredictions, postprocessResponses } from "@/lib/rollout/parse";
import { computeReward, type RewardInput } from "@/lib/reward";
import cases from "./slime-cases.json";

type Expected = { error: string } | Record<string, unknown>;
type Case =
  | { name: string; kind: "parse"; text: string; expected: Expected }
  | { name: string; kind: "score"; rm: string; input: RewardInput; expected: Expected };

const all = cases as Case[];

describe("parse: slime's postprocess_predictions / postprocess_responses", () => {
  for (const c of all.filter((c) => c.kind === "parse")) {
    it(c.name, () => {
      if (c.kind !== "parse") return;
      const { action, content } = postprocessPredictions(c.text);
      expect({ action, content, trimmed: postprocessResponses(c.text) }).toEqual(c.expected);
    });
  }
});

describe("score: slime's reward functions", () => {
  for (const c of all.filter((c) => c.kind === "score")) {
    it(`${c.kind === "score" ? c.rm : ""}: ${c.name}`, async () => {
      if (c.kind !== "score") return;
      const r = await computeReward(c.rm, c.input);
      if ("error" in c.expected) {
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.message.split(":")[0]).toBe(c.expected.error);
      } else {
        expect(r.ok, r.ok ? "" : r.error.message).toBe(true);
        if (r.ok) expect(r.value).toEqual(c.expected);
      }
    });
  }
});

it("holds the 177 cases the README counts", () => {
  expect([all.length, all.filter((c) => c.kind === "parse").length]).toEqual([177, 44]);
});

it("covers every reward type and both parse functions", () => {
  const rms = new Set(all.flatMap((c) => (c.kind === "score" ? [c.rm] : [])));
  for (const t of ["retool", "dapo", "math", "deepscaler", "f1", "boxed_dapo", "boxed_f1", "boxed_math"]) {
    expect(rms.has(t), t).toBe(true);
  }
  expect(all.filter((c) => c.kind === "parse").length).toBeGreaterThan(30);
});
