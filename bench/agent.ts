// npm run bench:agent — the agent proxy (/agent/v1/chat/completions) over a scripted SGLang server
// (real HTTP, real Qwen3 token ids, answers at once), so what is measured is the proxy itself.
// 1. Added latency per turn: a growing agent session at about 1k, 8k and 32k tokens of history;
//    each turn is timed through the proxy and as a direct POST of the same input_ids to the
//    upstream; added = proxy − direct. The first turn of a session (nothing cached) is shown apart.
// 2. 64 concurrent sessions, 8 turns each: failures and latency.
// 3. The Agents page following a 500-turn session in Chromium: long tasks (> 50 ms) while turns
//    arrive. Needs a production build in NEXT_DIST_DIR (skipped when there is none);
//    BENCH_AGENT_PAGE_ONLY=1 runs only this part.
// The proxy runs in this process behind a real HTTP server (lib/service/core/testing/route-server),
// as bench:api does; set BENCH_AGENT_SERVER=next for `next start` on the build in NEXT_DIST_DIR.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pct } from "./stats";

const stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-bench-agent-"));
process.env.PLAYGROUND_STATE_DIR ??= stateDir;
process.env.PLAYGROUND_TRAFFIC_LOG ??= "memory";
process.env.PLAYGROUND_AGENT_MAX_CONTEXT ??= "0";

const MODE = process.env.BENCH_AGENT_SERVER ?? "inproc";
const TURNS = Number(process.env.BENCH_AGENT_TURNS ?? 30);

type Msg = { role: string; content: string | null; tool_calls?: unknown[]; tool_call_id?: string };
const tools = [{ type: "function", function: { name: "bash", description: "Run a shell command.", parameters: { type: "object", properties: { cmd: { type: "string" } } } } }];

/** A tool result of about `n` tokens (code-like lines, as an agent reads files). */
function toolOutput(seed: number, approxTokens: number): string {
  const lines: string[] = [];
  for (let i = 0; lines.length * 14 < approxTokens; i++) lines.push(`def f_${seed}_${i}(x, y=${i}):\n    return x * ${seed} + y  # line ${i}`);
  return lines.join("\n");
}

function step(messages: Msg[], i: number, tokensPerStep: number): void {
  const id = `call_${i}`;
  messages.push({ role: "assistant", content: null, tool_calls: [{ id, type: "function", function: { name: "bash", arguments: JSON.stringify({ cmd: `cat f${i}.py` }) } }] });
  messages.push({ role: "tool", tool_call_id: id, content: toolOutput(i, tokensPerStep) });
}

/** `Server-Timing: a;dur=1.2, b;dur=3` → {a: 1.2, b: 3}. */
function serverTiming(h: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of (h ?? "").matchAll(/([\w-]+);dur=([\d.]+)/g)) out[m[1]!] = Number(m[2]);
  return out;
}

async function main() {
  const { embeddedTokenizer } = await import("@/lib/rollout/tokens");
  const { startScriptedSglang } = await import("@/lib/service/agent-proxy/testing/scripted-sglang");
  const t = await embeddedTokenizer();
  if (!t.ok) throw new Error(t.error.message);
  const tok = t.value;
  // Answers a tool call at once: the upstream costs the same on both paths.
  const upstream = await startScriptedSglang(tok, { responder: () => ({ text: '<tool_call>\n{"name": "bash", "arguments": {"cmd": "ls"}}\n</tool_call>' }) });
  process.env.PLAYGROUND_AGENT_UPSTREAM = upstream.url;

  let base: string;
  let stop: () => Promise<void>;
  if (MODE === "next") {
    const { startNextServer } = await import("@/lib/service/core/testing/next-server");
    const s = await startNextServer({
      port: Number(process.env.PORT ?? 3160),
      distDir: process.env.NEXT_DIST_DIR ?? ".next-bench",
      env: { PLAYGROUND_AGENT_UPSTREAM: upstream.url, PLAYGROUND_TRAFFIC_LOG: "memory", PLAYGROUND_STATE_DIR: stateDir, PLAYGROUND_AGENT_MAX_CONTEXT: "0" },
    });
    base = s.url;
    stop = s.stop;
  } else {
    const { startRouteServer } = await import("@/lib/service/core/testing/route-server");
    const chat = await import("@/app/(service)/agent/v1/chat/completions/route");
    const s = await startRouteServer({ "/agent/v1/chat/completions": { POST: chat.POST } });
    base = s.url;
    stop = s.close;
  }

  const post = async (sid: string, messages: Msg[]) => {
    const t0 = performance.now();
    const res = await fetch(`${base}/agent/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${sid}` },
      body: JSON.stringify({ model: "qwen3", messages, tools }),
    });
    const body = await res.text();
    return { ms: performance.now() - t0, ok: res.ok, body, timing: serverTiming(res.headers.get("server-timing")) };
  };
  const direct = async (ids: number[]) => {
    const t0 = performance.now();
    const res = await fetch(`${upstream.url}/generate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ rid: "bench", input_ids: ids, sampling_params: { max_new_tokens: 64 }, return_logprob: true }),
    });
    await res.text();
    return performance.now() - t0;
  };

  // Warm-up: the tokenizer and the routes load once per process.
  await post("warmup", [{ role: "user", content: "hi" }]);
  if (process.env.BENCH_AGENT_PAGE_ONLY) {
    await stop();
    await pageBench(process.env.NEXT_DIST_DIR ?? ".next-bench", upstream.url);
    await upstream.close();
    return;
  }

  console.log(`\nAdded latency per turn (proxy − direct upstream call with the same input_ids), ${TURNS} turns per size, server: ${MODE}, load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs`);
  console.log("| target | prompt tokens (last turn) | first turn (cold) added | p50 added | p95 added | p50 proxy | p50 direct | p50 render + tokenize | p50 rest of the turn | p50 HTTP + Next |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const target of (process.env.BENCH_AGENT_SIZES ?? "2048,8192,32768").split(",").map(Number)) {
    const sid = `bench-${target}-${Date.now()}`;
    const messages: Msg[] = [
      { role: "system", content: "You are a coding agent." },
      { role: "user", content: "Read the code base and fix the failing test." },
    ];
    const perStep = 200;
    let i = 0;
    // Grow the history to the target (the agent's earlier turns), then time TURNS more turns.
    const grow = (limit: number) => {
      while (tok.count(JSON.stringify(messages)) < limit) step(messages, i++, perStep);
    };
    grow(target - 220 * TURNS);
    const added: number[] = [];
    const proxied: number[] = [];
    const directs: number[] = [];
    // From the reply's Server-Timing: render + tokenize; the rest of the handler's turn besides the
    // model call (reply, record); and what is left of the wall time outside the handler (the HTTP
    // exchange, Next's routing, reading and parsing the body).
    const prepare: number[] = [];
    const rest: number[] = [];
    const outside: number[] = [];
    let cold = NaN;
    let promptTokens = 0;
    for (let k = 0; k < TURNS; k++) {
      step(messages, i++, perStep / 2);
      const before = upstream.calls.length;
      const p = await post(sid, messages);
      if (!p.ok) throw new Error(`proxy turn failed: ${p.body.slice(0, 300)}`);
      const ids = upstream.calls[before]!.input_ids;
      promptTokens = ids.length;
      const d = await direct(ids);
      if (k === 0) cold = p.ms - d;
      else {
        added.push(p.ms - d);
        proxied.push(p.ms);
        directs.push(d);
        if (p.timing.proxy !== undefined && p.timing.prepare !== undefined && p.timing.upstream !== undefined) {
          prepare.push(p.timing.prepare);
          rest.push(p.timing.proxy - p.timing.prepare - p.timing.upstream);
          outside.push(p.ms - p.timing.proxy);
        }
      }
    }
    const f = (x: number) => x.toFixed(1);
    console.log(`| ~${target / 1024}k, ${messages.length} messages | ${promptTokens} | ${f(cold)} ms | ${f(pct(added, 50))} ms | ${f(pct(added, 95))} ms | ${f(pct(proxied, 50))} ms | ${f(pct(directs, 50))} ms | ${f(pct(prepare, 50))} ms | ${f(pct(rest, 50))} ms | ${f(pct(outside, 50))} ms |`);
  }

  await stages(tok);
  if (process.env.BENCH_AGENT_QUICK) {
    await stop();
    await upstream.close();
    return;
  }

  // 64 sessions at once.
  const SESSIONS = 64;
  const PER = 8;
  const lat: number[] = [];
  const failures = new Map<string, number>();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: SESSIONS }, async (_, s) => {
      const messages: Msg[] = [
        { role: "system", content: "You are a coding agent." },
        { role: "user", content: `Task ${s}: fix the bug.` },
      ];
      for (let k = 0; k < PER; k++) {
        const r = await post(`bench-conc-${s}-${Date.now()}`, messages).catch((e: unknown) => ({ ms: 0, ok: false, body: String(e) }));
        lat.push(r.ms);
        if (!r.ok) failures.set(r.body.slice(0, 80), (failures.get(r.body.slice(0, 80)) ?? 0) + 1);
        step(messages, k, 300);
      }
    }),
  );
  const wall = performance.now() - t0;
  const nFail = [...failures.values()].reduce((a, b) => a + b, 0);
  console.log(`\n${SESSIONS} concurrent sessions × ${PER} turns (~300 new tokens a turn)`);
  console.log("| turns | failures | p50 | p95 | max | turns/s |");
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: |");
  console.log(`| ${lat.length} | ${nFail} | ${pct(lat, 50).toFixed(1)} ms | ${pct(lat, 95).toFixed(1)} ms | ${Math.max(...lat).toFixed(1)} ms | ${(lat.length / (wall / 1000)).toFixed(1)} |`);
  for (const [k, v] of failures) console.log(`  failure ×${v}: ${k}`);

  await stop();

  // The page, in Chromium, following a 500-turn session.
  const dist = process.env.NEXT_DIST_DIR ?? ".next-bench";
  if (!existsSync(path.join(dist, "BUILD_ID"))) {
    console.log(`\nAgents page: skipped (no production build in ${dist}; run NEXT_DIST_DIR=${dist} npx next build first).`);
  } else {
    await pageBench(dist, upstream.url);
  }
  await upstream.close();
  rmSync(stateDir, { recursive: true, force: true });
}

/**
 * The proxy's own work per turn at a ~32k-token history, stage by stage and in this process (no
 * HTTP, no upstream), beside what a full re-tokenization would cost: the figure the ≤ 5 ms goal is
 * about, and less sensitive than wall-clock HTTP times to a busy machine.
 */
async function stages(tok: import("@/lib/rollout/tokens").TokenCounter) {
  const { promptEncoder } = await import("@/lib/service/agent-proxy/prompt");
  const { openAiWire } = await import("@/lib/service/agent-proxy/openai");
  const { parseModelOutput } = await import("@/lib/service/agent-proxy/parse-output");
  const { TrajectoryManager } = await import("@/lib/agent/trajectory");
  const enc = await promptEncoder();
  if (!enc.ok) throw new Error(enc.error.message);
  const e = enc.value;
  const messages: Msg[] = [
    { role: "system", content: "You are a coding agent." },
    { role: "user", content: "Read the code base and fix the failing test." },
  ];
  let i = 0;
  while (tok.count(JSON.stringify(messages)) < 32768 - 220 * TURNS) step(messages, i++, 200);
  const mgr = new TrajectoryManager();
  const names = ["JSON body", "translate", "render (template)", "tokenize (cached)", "decode + parse output", "record turn", "total"] as const;
  const times = new Map<string, number[]>(names.map((n) => [n, []]));
  const full: number[] = [];
  let promptTokens = 0;
  for (let k = 0; k < TURNS + 1; k++) {
    step(messages, i++, 100);
    const raw = JSON.stringify({ model: "qwen3", messages, tools });
    const lap: number[] = [performance.now()];
    const body = JSON.parse(raw) as Record<string, unknown>;
    lap.push(performance.now());
    const tr = openAiWire.translate(body);
    if ("code" in tr) throw new Error(tr.message);
    lap.push(performance.now());
    const text = e.render(tr.messages, tr.tools, true);
    if (!text.ok) throw new Error(text.error.message);
    lap.push(performance.now());
    const ids = e.encode(text.value);
    lap.push(performance.now());
    const out = tok.encode!('<tool_call>\n{"name": "bash", "arguments": {"cmd": "ls"}}\n</tool_call><|im_end|>');
    const parsed = parseModelOutput(e.decode(out), tr.tools, e.endTokens);
    lap.push(performance.now());
    mgr.recordTurn("bench", { turn: { prompt_ids: ids, output_ids: out, output_log_probs: out.map(() => -0.1), finish_reason: "stop", ill_formed: parsed.ill_formed }, promptMessages: tr.messages as never, responseMessage: openAiWire.buildReply(parsed, "stop").manager_message as never, metadata: {} });
    lap.push(performance.now());
    promptTokens = ids.length;
    if (k === 0) continue; // the cold first turn fills the cache
    names.slice(0, -1).forEach((n, j) => times.get(n)!.push(lap[j + 1]! - lap[j]!));
    times.get("total")!.push(lap.at(-1)! - lap[0]!);
    const t = performance.now();
    tok.encode!(text.value);
    full.push(performance.now() - t);
  }
  console.log(`\nThe proxy's work per turn at ${promptTokens} prompt tokens (in process, ${TURNS} turns, load average ${os.loadavg()[0]!.toFixed(1)})`);
  console.log("| stage | p50 | p95 |");
  console.log("| --- | ---: | ---: |");
  for (const n of names) console.log(`| ${n} | ${pct(times.get(n)!, 50).toFixed(2)} ms | ${pct(times.get(n)!, 95).toFixed(2)} ms |`);
  console.log(`| (full re-tokenization, avoided) | ${pct(full, 50).toFixed(1)} ms | ${pct(full, 95).toFixed(1)} ms |`);
}

async function pageBench(dist: string, upstreamUrl: string) {
  const { withPlaygroundInBrowser } = await import("./browser");
  const TOTAL = Number(process.env.BENCH_AGENT_PAGE_TURNS ?? 500);
  await withPlaygroundInBrowser({ dist, port: Number(process.env.BENCH_AGENT_PAGE_PORT ?? 3161), env: { PLAYGROUND_AGENT_UPSTREAM: upstreamUrl, PLAYGROUND_TRAFFIC_LOG: "memory", PLAYGROUND_AGENT_MAX_CONTEXT: "0" } }, async ({ base, browser }) => {
    const sid = `bench-page-${Date.now()}`;
    const messages: Msg[] = [
      { role: "system", content: "You are a coding agent." },
      { role: "user", content: "Fix it." },
    ];
    const post = (m: Msg[]) =>
      fetch(`${base}/agent/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${sid}` }, body: JSON.stringify({ model: "qwen3", messages: m, tools }) }).then((r) => r.text());
    await post(messages);
    const page = await browser.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { __long: number[] };
      w.__long = [];
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) w.__long.push(e.duration);
      }).observe({ type: "longtask", buffered: true });
    });
    await page.goto(`${base}/agents?sid=${sid}`);
    await page.getByTestId("agent-session-detail").waitFor();
    await page.evaluate(() => ((window as unknown as { __long: number[] }).__long = []));
    const t0 = performance.now();
    for (let k = 1; k < TOTAL; k++) {
      step(messages, k, 40);
      await post(messages);
    }
    await page.getByTestId("agent-session-counts").filter({ hasText: `${TOTAL} turns` }).waitFor({ timeout: 60_000 });
    const followMs = performance.now() - t0;
    const long = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
    console.log(`\nAgents page following one session to ${TOTAL} turns (turns posted back to back, the page polling each second)`);
    console.log("| turns | wall | long tasks (> 50 ms) | longest | total long-task time |");
    console.log("| ---: | ---: | ---: | ---: | ---: |");
    console.log(`| ${TOTAL} | ${(followMs / 1000).toFixed(1)} s | ${long.length} | ${long.length ? Math.max(...long).toFixed(0) : 0} ms | ${long.reduce((a, b) => a + b, 0).toFixed(0)} ms |`);
    await page.close();
  });
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
