import { describe, expect, it } from "vitest";
import { mergeNewestFirst } from "./order";

const row = (id: string, time: number) => ({ id, time });

describe("mergeNewestFirst", () => {
  it("puts a slow call that finished last where its start time belongs, not on top", () => {
    const rows = [row("c", 300), row("b", 200), row("a", 100)];
    // A call that started at 150 and finished after c.
    expect(mergeNewestFirst(rows, [row("d", 150)], 10).map((r) => r.id)).toEqual(["c", "b", "d", "a"]);
  });

  it("orders a batch in any order, ties by id (later finish first), and keeps the newest max", () => {
    const out = mergeNewestFirst([row("b", 200)], [row("x1", 100), row("x3", 400), row("x2", 400)], 3);
    expect(out.map((r) => r.id)).toEqual(["x3", "x2", "b"]);
  });

  it("a snapshot in finish order comes out in start order", () => {
    const finished = [row("1", 50), row("2", 10), row("3", 40), row("4", 30)];
    expect(mergeNewestFirst([], finished, 10).map((r) => r.time)).toEqual([50, 40, 30, 10]);
  });
});
