import { describe, expect, it } from "vitest";
import { codeCells, detectTurnTags, parseTurnTags, searchR1Tags, segmentResponse } from "./segments";

// search-r1's rollouts: <search> query </search>, the retriever's <information> docs </information>,
// then <answer> … </answer>, the way its generation manager concatenates them.
const searchR1 =
  "<think>I need the capital first.</think>\n<search> capital of France </search>\n\n" +
  "<information>Doc 1(Title: Paris) Paris is the capital of France.\nDoc 2(Title: Lyon) ...</information>\n\n" +
  "<think>Now its population.</think>\n<search>population of Paris</search>\n\n<information>Doc 1(Title: Paris) 2.1 million</information>\n\n" +
  "<think>Done.</think>\n<answer> 2.1 million </answer>";

describe("tag-pair turns", () => {
  it("splits search-r1 responses into turns like ReTool's, detected without settings", () => {
    expect(detectTurnTags(searchR1)).toEqual(searchR1Tags);
    const turns = segmentResponse(searchR1);
    expect(turns.map((t) => t.segments.map((s) => s.kind))).toEqual([
      ["text", "code", "interpreter"],
      ["text", "code", "interpreter"],
      ["text", "answer"],
    ]);
    expect(turns[0]!.segments[1]).toEqual({ kind: "code", text: "capital of France", lang: "search" });
    expect(turns[0]!.segments[2]!.text).toMatch(/^Doc 1\(Title: Paris\)[\s\S]*Lyon\) \.\.\.$/);
    expect(turns[2]!.segments[1]).toEqual({ kind: "answer", text: "2.1 million" });
    // A search query is not a code cell: re-execution must not run it.
    expect(codeCells(turns)).toEqual([]);
  });

  it("leaves ReTool responses to the ReTool rules, even when they mention <search>", () => {
    const retool = "I could <search> but will compute.\n<code>\nprint(1)\n</code>\n\n<interpreter>\nOutput:\n1\n</interpreter>\n\nAnswer: \\boxed{1}";
    expect(detectTurnTags(retool)).toBeNull();
    expect(segmentResponse(retool).map((t) => t.segments.map((s) => s.kind))).toEqual([["text", "code", "interpreter"], ["answer"]]);
  });

  it("splits on any tag pair given in settings", () => {
    const tags = parseTurnTags("tool/result/final");
    expect(tags).toEqual({ action: "tool", observation: "result", answer: "final" });
    const turns = segmentResponse("plan\n<tool>ls /</tool>\n<result>bin etc</result>\n<final>bin</final>", tags);
    expect(turns.map((t) => t.segments)).toEqual([
      [{ kind: "text", text: "plan" }, { kind: "code", text: "ls /", lang: "tool" }, { kind: "interpreter", text: "bin etc", lang: "result" }],
      [{ kind: "answer", text: "bin" }],
    ]);
    // null forces ReTool's rules even on a search-r1 response.
    expect(segmentResponse(searchR1, null).flatMap((t) => t.segments.map((s) => s.kind))).not.toContain("interpreter");
  });

  it("refuses malformed tag settings", () => {
    expect(parseTurnTags("<search>/<information>")).toEqual({ action: "search", observation: "information" });
    for (const bad of ["search", "a b/c", "x/(y)", "a/b/c/d", "/info"]) expect(parseTurnTags(bad), bad).toBeNull();
  });

  it("keeps an unclosed observation as text of the last turn", () => {
    const turns = segmentResponse("<search>q</search>\n<information>cut off", searchR1Tags);
    expect(turns).toHaveLength(1);
    expect(turns[0]!.segments.map((s) => s.kind)).toEqual(["code", "text"]);
  });
});
