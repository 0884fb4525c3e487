// What the proxy passes on besides the history: slime's X-SMG-Routing-Key (the session id, so
// SGLang's gateway keeps a session on one worker) and the caller's chat-template kwargs
// (`enable_thinking: false` renders Qwen3's empty think block into the prompt ids). The route
// handlers run in this process behind a real HTTP server; the real `openai` and
// `@anthropic-ai/sdk` clients talk to it; a scripted SGLang answers with real Qwen3 ids.
import Anthropic from "@anthropic-ai/sdk";
import { Template } from "@huggingface/jinja";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { resetServerEnvForTests } from "@/lib/env";
import { embeddedTokenizer, type TokenCounter } from "@/lib/rollout/tokens";
import { startRouteServer } from "@/lib/service/core/testing/route-server";
import type { AgentTurn } from "./session-types";
import { startScriptedSglang, type ScriptedSglang } from "./testing/scripted-sglang";

let tok: TokenCounter;
let sglang: ScriptedSglang;
let proxy: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  const t = await embeddedTokenizer();
  if (!t.ok) throw new Error(t.error.message);
  tok = t.value;
  sglang = await startScriptedSglang(tok);
  process.env.PLAYGROUND_AGENT_UPSTREAM = sglang.url;
  resetServerEnvForTests();
  const chat = await import("@/app/(service)/agent/v1/chat/completions/route");
  const messages = await import("@/app/(service)/agent/v1/messages/route");
  const count = await import("@/app/(service)/agent/v1/messages/count_tokens/route");
  const one = await import("@/app/(service)/agent/sessions/[sid]/route");
  proxy = await startRouteServer({
    "/agent/v1/chat/completions": { POST: chat.POST },
    "/agent/v1/messages": { POST: messages.POST },
    "/agent/v1/messages/count_tokens": { POST: count.POST },
    "/agent/sessions/*": { GET: (req) => one.GET(req, { params: Promise.resolve({ sid: decodeURIComponent(new URL(req.url).pathname.split("/").pop()!) }) }) },
  });
});
afterAll(async () => {
  await proxy?.close();
  await sglang?.close();
  delete process.env.PLAYGROUND_AGENT_UPSTREAM;
  resetServerEnvForTests();
});

const render = (msgs: unknown[], kwargs: Record<string, unknown> = {}) =>
  tok.encode!(new Template(tok.chatTemplate!).render({ ...kwargs, messages: msgs as never, add_generation_prompt: true }));
const emptyThink = () => tok.encode!("<|im_start|>assistant\n<think>\n\n</think>\n\n");

async function turns(sid: string): Promise<AgentTurn[]> {
  const r = await fetch(`${proxy.url}/agent/sessions/${encodeURIComponent(sid)}`);
  return ((await r.json()) as { turns: AgentTurn[] }).turns;
}

it("sends X-SMG-Routing-Key: <session id> to SGLang, and none for the default session", async () => {
  const client = new OpenAI({ apiKey: "route-me-1", baseURL: `${proxy.url}/agent/v1`, maxRetries: 0 });
  sglang.push({ text: "one" }, { text: "two" });
  await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] });
  expect(sglang.calls.at(-1)!.headers["x-smg-routing-key"]).toBe("route-me-1");
  // No key at all: slime's "default" session, which is not routed.
  const res = await fetch(`${proxy.url}/agent/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
  });
  expect(res.status).toBe(200);
  expect(sglang.calls.at(-1)!.headers["x-smg-routing-key"]).toBeUndefined();
});

it("OpenAI chat_template_kwargs.enable_thinking=false renders the empty think block into the prompt ids, and records the kwargs", async () => {
  const client = new OpenAI({ apiKey: "think-off-1", baseURL: `${proxy.url}/agent/v1`, maxRetries: 0 });
  sglang.push({ text: "No thinking." });
  const msgs = [{ role: "user" as const, content: "2+2?" }];
  const r = await client.chat.completions.create({ model: "m", messages: msgs, chat_template_kwargs: { enable_thinking: false } } as never);
  expect((r as OpenAI.Chat.ChatCompletion).choices[0]!.message.content).toBe("No thinking.");
  const ids = sglang.calls.at(-1)!.input_ids;
  expect(ids).toEqual(render(msgs, { enable_thinking: false }));
  expect(ids.slice(-emptyThink().length)).toEqual(emptyThink());
  expect(ids).not.toEqual(render(msgs));
  const t = await turns("think-off-1");
  expect(t[0]!.chat_template_kwargs).toEqual({ enable_thinking: false });
  expect(t[0]!.prompt_ids).toEqual(ids);

  // Without kwargs the prompt ends at the generation prompt.
  sglang.push({ text: "<think>\nhm\n</think>\n\nFour." });
  await client.chat.completions.create({ model: "m", messages: msgs });
  expect(sglang.calls.at(-1)!.input_ids).toEqual(render(msgs));
});

it("Anthropic thinking {type: disabled} is enable_thinking=false, for the turn and for count_tokens", async () => {
  const client = new Anthropic({ apiKey: "think-off-2", baseURL: `${proxy.url}/agent`, maxRetries: 0 });
  sglang.push({ text: "Plain." });
  const msgs = [{ role: "user" as const, content: "hello" }];
  await client.messages.create({ model: "m", max_tokens: 64, messages: msgs, thinking: { type: "disabled" } } as never);
  const ids = sglang.calls.at(-1)!.input_ids;
  expect(ids).toEqual(render(msgs, { enable_thinking: false }));
  expect(sglang.calls.at(-1)!.headers["x-smg-routing-key"]).toBe("think-off-2");
  const counted = await client.messages.countTokens({ model: "m", messages: msgs, thinking: { type: "disabled" } } as never);
  expect(counted.input_tokens).toBe(ids.length);
  const plain = await client.messages.countTokens({ model: "m", messages: msgs });
  expect(plain.input_tokens).toBe(render(msgs).length);
});
