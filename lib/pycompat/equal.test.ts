import { describe, expect, it } from "vitest";
import { pyEquals, pyTruthy } from "./equal";

describe("pyEquals (Python == over JSON values)", () => {
  it("ignores dict key order, compares values", () => {
    expect(pyEquals({ a: 1, b: [1, { c: "x" }] }, { b: [1, { c: "x" }], a: 1 })).toBe(true);
    expect(pyEquals({ a: 1 }, { a: 2 })).toBe(false);
    expect(pyEquals({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(pyEquals([1, 2], [2, 1])).toBe(false);
  });
  it("treats bool as int and int as float, but not strings or null as numbers", () => {
    expect([pyEquals(true, 1), pyEquals(false, 0), pyEquals(1, 1.0), pyEquals(false, -0)]).toEqual([true, true, true, true]);
    expect([pyEquals(true, 2), pyEquals("1", 1), pyEquals(null, 0), pyEquals([], {}), pyEquals(null, undefined)]).toEqual([false, false, false, false, false]);
  });
});

it("pyTruthy is Python's bool()", () => {
  expect([null, false, 0, "", [], {}].map(pyTruthy)).toEqual([false, false, false, false, false, false]);
  expect([true, 1, "x", [0], { a: null }, NaN].map(pyTruthy)).toEqual([true, true, true, true, true, true]);
});
