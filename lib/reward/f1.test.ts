import { describe, expect, it } from "vitest";
import { f1Score } from "./f1";

// Values from slime's rm_hub/f1.py (THUDM/slime 624b824) run under CPython.
describe("f1Score (slime's f1.py)", () => {
  it("scores token overlap after SQuAD normalisation", () => {
    expect(f1Score("The Eiffel Tower, Paris!", "eiffel tower")).toEqual([0.8, 2 / 3, 1]);
    expect(f1Score("an apple", "the apple")).toEqual([1, 1, 1]);
  });
  it("yes/no/noanswer must match exactly; None scores 0; no overlap scores 0", () => {
    expect(f1Score("yes", "yes it is")).toEqual([0, 0, 0]);
    expect(f1Score("no", "no")).toEqual([1, 1, 1]);
    expect(f1Score(null, "x")).toEqual([0, 0, 0]);
    expect(f1Score("a b", "c d")).toEqual([0, 0, 0]);
  });
  it("a non-string ground truth raises like Python's .lower()", () => {
    expect(() => f1Score("x", 5)).toThrow(/AttributeError/);
  });
});
