// npm run bench:trajectory — what the trajectory manager costs per agent turn (the proxy records
// every answered turn, and the Agents page previews the session after each).
//  - recordTurn: routing the turn's messages into the tree (Python == over the whole history).
//  - preview: linearizing the whole session into Samples + the tree view (what finish does too).
// A session of TURNS tool turns whose prompt grows to about 32k tokens (Qwen3-sized ids), one chain,
// plus the same with a sub-agent and a tool fork every 25 turns.
// Env: BENCH_TRAJ_TURNS (320), BENCH_TRAJ_PREVIEWS (20).
import os from "node:os";
import { TrajectoryManager, type ChatMessage } from "@/lib/agent/trajectory";
import { pct } from "./stats";

const TURNS = Number(process.env.BENCH_TRAJ_TURNS ?? 320);
const PREVIEWS = Number(process.env.BENCH_TRAJ_PREVIEWS ?? 20);
const OUT = 60;
const TAIL = 40;

function run(branchy: boolean) {
  const mgr = new TrajectoryManager();
  const sys = { role: "system", content: "You are a coding agent. ".repeat(150) };
  let msgs: ChatMessage[] = [sys, { role: "user", content: "Fix the failing test. ".repeat(80) }];
  let held = Array.from({ length: 1000 }, (_, i) => 10_000 + i);
  const record: number[] = [];
  for (let k = 0; k < TURNS; k++) {
    const out = Array.from({ length: OUT }, (_, i) => 100_000 + ((k * OUT + i) % 50_000));
    const call = { type: "function", function: { name: "bash", arguments: { cmd: `pytest -k t${k}` } } };
    const reply: ChatMessage = { role: "assistant", content: `step ${k} `.repeat(20), tool_calls: [call] };
    // The harness resends the whole history each turn as fresh objects, as JSON off the wire is.
    const prompt = JSON.parse(JSON.stringify(msgs)) as ChatMessage[];
    const t0 = performance.now();
    const r = mgr.recordTurn("s", {
      turn: { prompt_ids: held, output_ids: out, output_log_probs: out.map(() => -0.25), finish_reason: "tool_calls", ill_formed: false },
      promptMessages: prompt,
      responseMessage: reply,
    });
    record.push(performance.now() - t0);
    if (!r.ok) throw new Error(r.error.message);
    if (branchy && k % 25 === 24) {
      // a sub-agent's first turn and a tool fork off the last reply
      mgr.recordTurn("s", { turn: { prompt_ids: [1, 2, 3], output_ids: [4, 5], output_log_probs: [], finish_reason: "stop", ill_formed: false }, promptMessages: [{ role: "system", content: `sub-agent ${k}` }, { role: "user", content: "look" }], responseMessage: { role: "assistant", content: "ok" } });
      mgr.recordTurn("s", { turn: { prompt_ids: [...held, ...out, 7], output_ids: [8], output_log_probs: [], finish_reason: "stop", ill_formed: false }, promptMessages: [...prompt, reply, { role: "tool", content: "other" }], responseMessage: { role: "assistant", content: "alt" } });
    }
    msgs = [...msgs, reply, { role: "tool", content: `result ${k} `.repeat(30) }];
    held = [...held, ...out, ...Array.from({ length: TAIL }, (_, i) => 60_000 + i)];
  }
  const base = { baseSample: { index: 0, group_index: 0, rollout_id: null, prompt: "", label: null } };
  const preview: number[] = [];
  let samples = 0;
  for (let i = 0; i < PREVIEWS; i++) {
    const t0 = performance.now();
    samples = mgr.preview("s", base)!.samples.length;
    preview.push(performance.now() - t0);
  }
  return { record, preview, samples, tokens: held.length, turns: mgr.turnCount("s") };
}

const rows: string[][] = [];
for (const branchy of [false, true]) {
  const r = run(branchy);
  const name = branchy ? "with sub-agents + tool forks" : "one chain";
  rows.push([`recordTurn, ${name}`, String(r.turns), String(r.tokens), (pct(r.record, 50)).toFixed(3), (pct(r.record, 99)).toFixed(3), ""]);
  rows.push([`preview, ${name}`, String(r.turns), String(r.tokens), (pct(r.preview, 50)).toFixed(1), (pct(r.preview, 99)).toFixed(1), String(r.samples)]);
}
console.log(`${os.cpus().length} CPUs, node ${process.version}; load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}\n`);
const header = ["operation", "turns", "final prompt tokens", "p50 ms", "p99 ms", "samples"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ") + " |";
console.log(line(header));
console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
for (const r of rows) console.log(line(r));
