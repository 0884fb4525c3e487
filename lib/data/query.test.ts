import { describe, expect, it } from "vitest";
import { compileSearch, parseRowQuery, rowQuerySchema, writeRowQuery } from "./query";

describe("row query in the URL", () => {
  it("round-trips through URLSearchParams, omitting defaults", () => {
    const q = rowQuerySchema.parse({ status: "completed,aborted", rmin: 0.5, tcmax: 3, err: true, q: "x+", re: true, sort: "reward", desc: true });
    const p = writeRowQuery(q, new URLSearchParams("file=a.jsonl"));
    expect(p.toString()).toBe("file=a.jsonl&status=completed%2Caborted&rmin=0.5&tcmax=3&err=1&q=x%2B&re=1&sort=reward&desc=1");
    expect(parseRowQuery(p)).toEqual(q);
  });
  it("drops invalid values and keeps the rest", () => {
    const q = parseRowQuery(new URLSearchParams("rmin=abc&sort=nope&status=completed"));
    expect(q.rmin).toBeUndefined();
    expect(q.sort).toBeUndefined();
    expect(q.status).toBe("completed");
  });
  it("compiles text and regex searches", () => {
    expect(compileSearch({ q: "a.b", re: false, cs: false }).regex!.test("A.B")).toBe(true);
    expect(compileSearch({ q: "a.b", re: false, cs: false }).regex!.test("axb")).toBe(false);
    expect(compileSearch({ q: "a.b", re: true, cs: true }).regex!.test("axb")).toBe(true);
    expect(compileSearch({ q: "(", re: true, cs: false }).error).toMatch(/Invalid regular expression/);
  });
});
