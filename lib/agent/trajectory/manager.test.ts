import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  AGENT_TRAJECTORY_KEY,
  exportTrajectory,
  TrajectoryManager,
  trajectoryExportLineSchema,
  trajectorySessionSchema,
  tokenKindsOf,
  type ExplainedSample,
  type TrajectorySession,
} from ".";

const sessions = fs
  .readFileSync(path.join(__dirname, "fixtures", "sessions.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((l) => trajectorySessionSchema.parse(JSON.parse(l)));
const byName = (prefix: string) => sessions.find((s) => s.name!.startsWith(prefix))!;

function load(s: TrajectorySession, sid = "s"): TrajectoryManager {
  const mgr = new TrajectoryManager({ forkThresholdTokens: s.fork_threshold_tokens });
  for (const t of s.turns) mgr.recordTurn(sid, { turn: t, promptMessages: t.prompt_messages, responseMessage: t.response_message, metadata: t.metadata });
  return mgr;
}
const opts = (s: TrajectorySession) => ({ baseSample: s.base_sample, reward: s.reward, extraMetadata: s.extra_metadata, maxSampleTokens: s.max_sample_tokens });
const kindsAt = (e: ExplainedSample) => tokenKindsOf(e.spans, e.sample.tokens.length);

describe("preview and finish", () => {
  it("preview is what finish returns, and changes nothing", () => {
    for (const s of sessions) {
      const mgr = load(s);
      if (!mgr.hasSession("s")) continue;
      const a = mgr.preview("s", opts(s))!;
      const b = mgr.preview("s", opts(s))!;
      expect(b.samples).toStrictEqual(a.samples);
      expect(mgr.hasSession("s")).toBe(true);
      expect(mgr.finish("s", opts(s))).toStrictEqual(a.samples);
      expect(mgr.hasSession("s")).toBe(false);
      expect(mgr.getTrajectory("s", opts(s))).toEqual([]);
    }
  });

  it("explains every token, consistent with the loss mask", () => {
    let checked = 0;
    for (const s of sessions) {
      const mgr = load(s);
      for (const e of mgr.finish("s", opts(s))) {
        const { tokens, loss_mask, response_length } = e.sample;
        const kinds = kindsAt(e);
        expect(kinds.every((k) => k !== undefined), s.name).toBe(true);
        for (let i = 1; i < e.spans.length; i++) expect(e.spans[i]!.start).toBe(e.spans[i - 1]!.end);
        const start = tokens.length - Math.max(0, response_length);
        kinds.forEach((k, i) => {
          if (i < start) expect(k, `${s.name} @${i}`).toBe("prompt");
          else expect(k === "trained", `${s.name} @${i}`).toBe(loss_mask[i - start] === 1);
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });
});

describe("the tree and its branch points", () => {
  const view = (prefix: string) => {
    const s = byName(prefix);
    return load(s).preview("s", opts(s))!;
  };

  it("a new system prompt at the root is a sub-agent; a new conversation under the same one is a compaction", () => {
    expect(view("sub-agent").tree.branches.map((b) => [b.kind, b.node_id])).toEqual([["sub-agent", 0]]);
    const c = view("compaction").tree;
    const sys = c.nodes.find((n) => n.role === "system")!;
    expect(c.branches).toEqual([{ kind: "compaction", node_id: sys.id, children: sys.children }]);
  });

  it("a shared turn trains in the first leaf and is re-emitted as context in the next", () => {
    const { tree, samples } = view("tool fork");
    const shared = tree.nodes.find((n) => n.turn_index === 1)!;
    expect(shared.trained_in).toEqual([0]);
    expect(shared.context_in).toEqual([1]);
    expect(tree.branches).toEqual([{ kind: "history-fork", node_id: shared.id, children: shared.children }]);
    expect(samples[1]!.spans.filter((sp) => sp.kind === "context").map((sp) => sp.turn_index)).toEqual([1]);
    expect(kindsAt(samples[1]!)).toContain("tool_output");
  });

  it("a merged rewrite is marked with the turn it abandoned", () => {
    const { tree } = view("rewrite merge: a short");
    const merged = tree.nodes.find((n) => n.merged_rewrite)!;
    expect(merged).toMatchObject({ generated: false, role: "assistant", merged_rewrite: { abandoned_turn_index: 1, abandoned_response_tokens: 2 } });
    expect(tree.branches).toEqual([{ kind: "rewrite-merged", node_id: merged.id, merged_rewrite: merged.merged_rewrite }]);
  });

  it("a drift fork opens a new Sample at the drift boundary; a realign heals in place", () => {
    const fork = view("drift fork boundary");
    const p1 = byName("drift fork boundary").turns[0]!.prompt_ids.length;
    expect(fork.samples[1]!.forked_by).toMatchObject({ kind: "fork", turn_index: 2, at: p1 - 1 });
    expect(fork.tree.branches.map((b) => b.kind)).toEqual(["drift-fork"]);

    const heal = view("drift realign boundary");
    expect(heal.samples).toHaveLength(1);
    expect(heal.tree.heals).toEqual([expect.objectContaining({ kind: "realign", turn_index: 2, at: p1, response_start: p1 })]);
    const kinds = kindsAt(heal.samples[0]!);
    const out1 = byName("drift realign boundary").turns[0]!.output_ids.length;
    expect(kinds.slice(p1, p1 + out1).every((k) => k === "healed")).toBe(true);
    expect(kinds.slice(p1 + out1)).toContain("tool_output");
  });
});

describe("recordTurn", () => {
  const turn = { prompt_ids: [1, 2], output_ids: [3, 4], finish_reason: "stop", output_log_probs: [-0.5], ill_formed: false };
  it("refuses logprobs that do not match the output, as slime's assertion does", () => {
    const mgr = new TrajectoryManager();
    const r = mgr.recordTurn("s", { turn, promptMessages: [{ role: "user", content: "x" }], responseMessage: null });
    expect(r).toEqual({ ok: false, error: { code: "bad_request:turn", message: "turn.output_log_probs length 1 != turn.output_ids length 2", field: "output_log_probs" } });
    expect(mgr.hasSession("s")).toBe(false);
  });

  it("skips an empty prompt, counts turns per session, and drops", () => {
    const mgr = new TrajectoryManager();
    const t = { ...turn, output_log_probs: [] };
    expect(mgr.recordTurn("s", { turn: t, promptMessages: [], responseMessage: null })).toEqual({ ok: true, value: { recorded: false, reason: "empty_prompt_messages" } });
    const r = mgr.recordTurn("s", { turn: t, promptMessages: [{ role: "user", content: "x" }], responseMessage: null });
    expect(r.ok && r.value).toMatchObject({ recorded: true, turnIndex: 1, mountDepth: 0 });
    mgr.recordTurn("other", { turn: t, promptMessages: [{ role: "user", content: "x" }], responseMessage: null });
    expect([mgr.turnCount("s"), mgr.turnCount("other"), mgr.sessionIds()]).toEqual([1, 1, ["s", "other"]]);
    mgr.dropSession("s");
    expect(mgr.hasSession("s")).toBe(false);
  });
});

describe("export", () => {
  it("writes each Sample as get_trajectory returns it, plus its provenance, and reads back through the schema", () => {
    let lines = 0;
    for (const s of sessions) {
      const want = load(s).getTrajectory("s", opts(s));
      const mgr = load(s);
      const done = mgr.finishWithTree("s", opts(s));
      expect(mgr.hasSession("s")).toBe(false);
      if (!done) continue;
      const out = exportTrajectory("sess-1", done).map((l) => JSON.parse(JSON.stringify(l)) as Record<string, unknown>);
      expect(out.map(({ [AGENT_TRAJECTORY_KEY]: _, ...sample }) => sample)).toStrictEqual(JSON.parse(JSON.stringify(want)));
      for (const l of out) {
        const parsed = trajectoryExportLineSchema.parse(l);
        expect(parsed.agent_trajectory.tree.nodes.length).toBe(done.tree.nodes.length);
        lines++;
      }
    }
    expect(lines).toBeGreaterThan(200);
  });

  it("keeps message previews short and names tool calls", () => {
    const s = byName("clean multi-turn");
    const [first] = exportTrajectory("x", load(s).finishWithTree("s", opts(s))!);
    const previews = first!.agent_trajectory.tree.nodes.map((n) => n.preview);
    expect(previews).toContain("→ python()");
    expect(previews).toContain("compute six times seven");
  });
});
