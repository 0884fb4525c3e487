// Chat driving the agent proxy: a rollout whose model calls go through the proxy's own turn
// pipeline (in process, the session id as the key) and whose tools are the sandbox tools, run in
// the real local sandbox. The scripted SGLang server answers with real Qwen3 token ids over HTTP.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { resetServerEnvForTests } from "@/lib/env";
import { closeSession } from "@/lib/sandbox/sessions";
import { toolSpecs } from "@/lib/sandbox/tools";
import { getSession } from "@/lib/service/agent-proxy/sessions";
import { startScriptedSglang, type ScriptedSglang } from "@/lib/service/agent-proxy/testing/scripted-sglang";
import { sessionView } from "@/lib/service/agent-proxy/view";
import { collectRollout } from "./loop";
import { modelEndpointSchema, samplingParamsSchema } from "./models/types";
import { agentSandboxToolNames, createModel, sandboxToolRunner } from "./setup";
import { embeddedTokenizer, type TokenCounter } from "./tokens";

let tok: TokenCounter;
let sglang: ScriptedSglang;
let dir: string;
const sandboxSession = `agentchat${Date.now().toString(36)}`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "chat-agent-"));
  process.env.PLAYGROUND_STATE_DIR = dir;
  const t = await embeddedTokenizer();
  if (!t.ok) throw new Error(t.error.message);
  tok = t.value;
  sglang = await startScriptedSglang(tok, {
    responder: (prompt) => {
      const last = prompt.slice(prompt.lastIndexOf("<|im_start|>user"));
      const out = /<tool_response>\n([\s\S]*?)\n<\/tool_response>/.exec(last)?.[1];
      const printed = out?.trim().split("\n").at(-1);
      if (printed !== undefined) return { text: `<think>\nok\n</think>\n\nThe sandbox printed ${printed}. \\boxed{${printed}}` };
      return { text: '<think>\nCompute it.\n</think>\n\n<tool_call>\n{"name": "code_interpreter", "arguments": {"code": "print(6 * 7)"}}\n</tool_call>' };
    },
  });
  process.env.PLAYGROUND_AGENT_UPSTREAM = sglang.url;
  resetServerEnvForTests();
}, 60_000);
afterAll(async () => {
  await closeSession(`${sandboxSession}-agent`).catch(() => {});
  await sglang?.close();
  delete process.env.PLAYGROUND_AGENT_UPSTREAM;
  resetServerEnvForTests();
  await rm(dir, { recursive: true, force: true });
});

it("records every Chat turn as an agent session, with the sandbox tool run on its timeline between the turns", async () => {
  const sid = `chat-test-${Date.now().toString(36)}`;
  const model = createModel(modelEndpointSchema.parse({ kind: "agent-proxy" }), { agentSession: sid });
  if (!model.ok) throw new Error(model.error.message);
  const { events, sample } = await collectRollout(
    { prompt: "What is 6 times 7? Compute it in the sandbox.", label: "42", tools: toolSpecs(agentSandboxToolNames()), sampling: samplingParamsSchema.parse({}), max_context_len: 8192 },
    { model: model.value, tools: sandboxToolRunner({ sessionId: sandboxSession, backend: "local", agentSession: sid }), tokenizer: tok },
  );
  const start = events.find((e) => e.type === "start");
  expect(start?.type === "start" && start.header.agent_session).toBe(sid);
  expect(sample.status).toBe("completed");
  expect(sample.response).toContain("The sandbox printed 42.");

  // The model saw every sandbox tool, rendered by the chat template.
  const firstPrompt = tok.decode!(sglang.calls.at(-2)!.input_ids);
  for (const name of agentSandboxToolNames()) expect(firstPrompt).toContain(`"name": "${name}"`);

  const view = sessionView(sid)!;
  expect(view.session.turns).toBe(2);
  expect(view.turns[0]!.response?.tool_calls?.[0]?.function).toEqual({ name: "code_interpreter", arguments: { code: "print(6 * 7)" } });
  // The second prompt carries the tool's real output; the echo matched turn 0, so no drift forked it.
  expect(view.turns[1]!.prompt_tail).toEqual([{ role: "tool", content: expect.stringContaining("42") }]);
  expect(view.samples).toHaveLength(1);
  expect(view.sandbox_calls).toHaveLength(1);
  const call = view.sandbox_calls[0]!;
  expect(call).toMatchObject({ api: "chat", tool_name: "code_interpreter", code: "print(6 * 7)", status: "success" });
  expect(call.stdout).toContain("42");
  // Time order on the timeline: turn 0, the sandbox run, turn 1.
  expect(view.turns[0]!.time).toBeLessThanOrEqual(call.time);
  expect(call.time).toBeLessThanOrEqual(view.turns[1]!.time);
  expect(getSession(sid)!.turns.every((t) => t.tokens_exact)).toBe(true);
}, 120_000);
