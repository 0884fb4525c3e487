// An agent session's timeline gathers its sandbox calls from the other APIs: an E2B sandbox created
// with `metadata.session_id` naming the session (the real `e2b` SDK; its commands reach the sandbox
// plane with no key, so they join through the sandbox id), and a SandboxFusion call made with the
// session's key. The route handlers run in this process behind a real HTTP server; the model is a
// scripted SGLang server; E2B runs real Docker sandboxes.
import { afterAll, beforeAll, expect, it } from "vitest";
import { resetServerEnvForTests } from "@/lib/env";
import { dockerGate } from "@/lib/sandbox/backends/docker-test-gate";
import { embeddedTokenizer } from "@/lib/rollout/tokens";
import { startRouteServer } from "@/lib/service/core/testing/route-server";
import type { AgentSessionView } from "./view-types";
import { startScriptedSglang, type ScriptedSglang } from "./testing/scripted-sglang";

const gate = await dockerGate();
let sglang: ScriptedSglang;
let proxy: { url: string; close: () => Promise<void> };
let e2b: typeof import("e2b");

const pathOf = (req: Request, prefix: string) => new URL(req.url).pathname.slice(prefix.length).split("/").filter(Boolean);

beforeAll(async () => {
  const t = await embeddedTokenizer();
  if (!t.ok) throw new Error(t.error.message);
  sglang = await startScriptedSglang(t.value, {
    responder: (p) =>
      p.includes("<tool_response>")
        ? { text: "Done." }
        : { text: '<tool_call>\n{"name": "bash", "arguments": {"cmd": "echo from-e2b"}}\n</tool_call>' },
  });
  process.env.PLAYGROUND_AGENT_UPSTREAM = sglang.url;
  process.env.PLAYGROUND_TRAFFIC_LOG = "memory";
  process.env.PLAYGROUND_API_BACKEND = gate.run ? "docker" : "local";
  resetServerEnvForTests();
  const chat = await import("@/app/(service)/agent/v1/chat/completions/route");
  const view = await import("@/app/api/agents/[sid]/route");
  const e2bRoute = await import("@/app/(service)/e2b/[[...path]]/route");
  const sf = await import("@/app/(service)/sandbox-fusion/run_code/route");
  const e2bHandler = (req: Request) => e2bRoute[req.method as "GET"](req, { params: Promise.resolve({ path: pathOf(req, "/e2b") }) });
  proxy = await startRouteServer({
    "/agent/v1/chat/completions": { POST: chat.POST },
    "/api/agents/*": { GET: (req) => view.GET(req, { params: Promise.resolve({ sid: decodeURIComponent(pathOf(req, "/api/agents")[0]!) }) }) },
    "/sandbox-fusion/run_code": { POST: sf.POST },
    "/e2b/*": { GET: e2bHandler, POST: e2bHandler, DELETE: e2bHandler },
  });
  process.env.E2B_API_URL = `${proxy.url}/e2b`;
  process.env.E2B_SANDBOX_URL = `${proxy.url}/e2b/sandbox`;
  process.env.E2B_API_KEY = "e2b_0000000000000000000000000000000000000000";
  e2b = await import("e2b");
}, 120_000);
afterAll(async () => {
  await proxy?.close();
  await sglang?.close();
  for (const k of ["PLAYGROUND_AGENT_UPSTREAM", "PLAYGROUND_TRAFFIC_LOG", "PLAYGROUND_API_BACKEND", "E2B_API_URL", "E2B_SANDBOX_URL", "E2B_API_KEY"]) delete process.env[k];
  resetServerEnvForTests();
});

async function turn(sid: string, messages: unknown[]): Promise<{ choices: { message: { tool_calls?: { id: string; function: { name: string; arguments: string } }[] } }[] }> {
  const r = await fetch(`${proxy.url}/agent/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${sid}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "m", messages, tools: [{ type: "function", function: { name: "bash", parameters: { type: "object", properties: { cmd: { type: "string" } } } } }] }),
  });
  expect(r.status).toBe(200);
  return (await r.json()) as never;
}

async function view(sid: string): Promise<AgentSessionView> {
  const r = await fetch(`${proxy.url}/api/agents/${encodeURIComponent(sid)}`);
  expect(r.status).toBe(200);
  return (await r.json()) as AgentSessionView;
}

it.skipIf(!gate.run)("E2B (metadata names the session) and SandboxFusion (the session's key) calls join the timeline between the turns", async () => {
  const sid = `timeline-${Date.now().toString(36)}`;
  const messages: unknown[] = [{ role: "user", content: "run it" }];
  const r1 = await turn(sid, messages);
  const call = r1.choices[0]!.message.tool_calls![0]!;

  // The agent's harness runs the tool in an E2B sandbox whose metadata names the session.
  const sb = await e2b.Sandbox.create({ timeoutMs: 60_000, metadata: { session_id: sid } });
  const run = await sb.commands.run("echo from-e2b");
  expect(run.stdout).toBe("from-e2b\n");
  // Another E2B sandbox, not naming it, stays off the timeline.
  const other = await e2b.Sandbox.create({ timeoutMs: 60_000, metadata: { purpose: "unrelated" } });
  await other.commands.run("echo not-mine");
  // And a SandboxFusion call with the session's key.
  const sf = await fetch(`${proxy.url}/sandbox-fusion/run_code`, {
    method: "POST",
    headers: { authorization: `Bearer ${sid}`, "content-type": "application/json" },
    body: JSON.stringify({ language: "python", code: "print('from-sf')" }),
  });
  expect(((await sf.json()) as { status: string }).status).toBe("Success");

  messages.push({ role: "assistant", content: null, tool_calls: [{ ...call, type: "function" }] }, { role: "tool", tool_call_id: call.id, content: "from-e2b" });
  await turn(sid, messages);
  await sb.kill();
  await other.kill();

  const v = await view(sid);
  expect(v.turns).toHaveLength(2);
  const calls = v.sandbox_calls;
  const e2bCalls = calls.filter((c) => c.api === "e2b");
  expect(e2bCalls.some((c) => c.status === "create")).toBe(true);
  // The command that ran on the sandbox plane (no key sent), with its output.
  const cmd = e2bCalls.find((c) => c.code === "echo from-e2b");
  expect(cmd?.stdout).toBe("from-e2b\n");
  expect(calls.some((c) => c.stdout?.includes("not-mine") || c.code?.includes("not-mine"))).toBe(false);
  const sfCall = calls.find((c) => c.api === "sandbox-fusion");
  expect(sfCall?.stdout).toContain("from-sf");
  // Interleaved in time: turn 0, the E2B command, the SandboxFusion run, turn 1.
  expect(v.turns[0]!.time).toBeLessThanOrEqual(cmd!.time);
  expect(cmd!.time).toBeLessThanOrEqual(sfCall!.time);
  expect(sfCall!.time).toBeLessThanOrEqual(v.turns[1]!.time);
}, 180_000);

it("a key that is no session the proxy knows never reaches Traffic as a session (it may be a secret)", async () => {
  const { recentTraffic } = await import("@/lib/traffic/recorder");
  const sf = await fetch(`${proxy.url}/sandbox-fusion/run_code`, {
    method: "POST",
    headers: { authorization: "Bearer some-secret-key", "content-type": "application/json" },
    body: JSON.stringify({ language: "python", code: "print('unlinked')" }),
  });
  expect(sf.status).toBe(200);
  const rec = recentTraffic().find((r) => r.code === "print('unlinked')");
  expect(rec).toBeDefined();
  expect(rec!.session_id).toBeUndefined();
  // The same call with a known session's key is linked.
  const sid = `known-${Date.now().toString(36)}`;
  await turn(sid, [{ role: "user", content: "hi" }]);
  await fetch(`${proxy.url}/sandbox-fusion/run_code`, {
    method: "POST",
    headers: { authorization: `Bearer ${sid}`, "content-type": "application/json" },
    body: JSON.stringify({ language: "python", code: "print('linked')" }),
  });
  expect(recentTraffic().find((r) => r.code === "print('linked')")?.session_id).toBe(sid);
});
