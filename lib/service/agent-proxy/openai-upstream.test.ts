// PLAYGROUND_AGENT_UPSTREAM_KIND=openai: the proxy passes the turn to an OpenAI-compatible server
// (a real HTTP fake here) and records a re-tokenization of its answer, flagged as not the model's
// tokens. The route handlers run in this process behind a real HTTP server.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { resetServerEnvForTests } from "@/lib/env";
import { startRouteServer } from "@/lib/service/core/testing/route-server";
import type { AgentSessionSummary, AgentTurn } from "./session-types";

let fake: Server;
let proxy: { url: string; close: () => Promise<void> };
const received: { messages: { role: string; content: string; tool_call_id?: string }[]; tools?: unknown[]; chat_template_kwargs?: unknown; routing_key?: string }[] = [];

beforeAll(async () => {
  fake = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const b = JSON.parse(body) as (typeof received)[number];
      const key = req.headers["x-smg-routing-key"];
      if (typeof key === "string") b.routing_key = key;
      received.push(b);
      const last = b.messages.at(-1)!;
      const message =
        last.role === "tool"
          ? { role: "assistant", content: "It printed hi.", reasoning_content: "done" }
          : { role: "assistant", content: null, tool_calls: [{ id: "call_x", type: "function", function: { name: "bash", arguments: '{"cmd": "echo hi"}' } }] };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: "x", object: "chat.completion", choices: [{ index: 0, message, finish_reason: "stop" }] }));
    });
  });
  await new Promise<void>((r) => fake.listen(0, "127.0.0.1", r));
  process.env.PLAYGROUND_AGENT_UPSTREAM = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/v1`;
  process.env.PLAYGROUND_AGENT_UPSTREAM_KIND = "openai";
  resetServerEnvForTests();
  const chat = await import("@/app/(service)/agent/v1/chat/completions/route");
  const one = await import("@/app/(service)/agent/sessions/[sid]/route");
  proxy = await startRouteServer({
    "/agent/v1/chat/completions": { POST: chat.POST },
    "/agent/sessions/*": { GET: (req) => one.GET(req, { params: Promise.resolve({ sid: new URL(req.url).pathname.split("/").pop()! }) }) },
  });
});
afterAll(async () => {
  await proxy?.close();
  await new Promise((r) => fake.close(r));
  delete process.env.PLAYGROUND_AGENT_UPSTREAM;
  delete process.env.PLAYGROUND_AGENT_UPSTREAM_KIND;
  resetServerEnvForTests();
});

it("passes the turn through, records re-tokenized ids flagged as not the model's, no logprobs", async () => {
  const client = new OpenAI({ apiKey: "pass-1", baseURL: `${proxy.url}/agent/v1`, maxRetries: 0 });
  const tools = [{ type: "function" as const, function: { name: "bash", parameters: { type: "object", properties: { cmd: { type: "string" } } } } }];
  const r1 = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "say hi" }], tools });
  const call = r1.choices[0]!.message.tool_calls![0]! as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
  expect(JSON.parse(call.function.arguments)).toEqual({ cmd: "echo hi" });
  const r2 = await client.chat.completions.create({
    model: "m",
    messages: [{ role: "user", content: "say hi" }, { role: "assistant", content: null, tool_calls: [call] }, { role: "tool", tool_call_id: call.id, content: "hi" }],
    tools,
  });
  expect(r2.choices[0]!.message.content).toBe("It printed hi.");
  // The upstream got OpenAI messages with tool-call ids paired up again.
  expect(received[1]!.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
  expect(received[1]!.messages[2]!.tool_call_id).toBe("call_0");
  const res = await fetch(`${proxy.url}/agent/sessions/pass-1`);
  const s = (await res.json()) as { session: AgentSessionSummary; turns: AgentTurn[] };
  expect(s.turns).toHaveLength(2);
  for (const t of s.turns) {
    expect(t.tokens_exact).toBe(false);
    expect(t.output_log_probs).toEqual([]);
    expect(t.output_ids.length).toBeGreaterThan(0);
  }
  expect(s.turns[0]!.raw_output).toContain('<tool_call>\n{"name": "bash", "arguments": {"cmd": "echo hi"}}\n</tool_call><|im_end|>');
});

it("forwards chat_template_kwargs (enable_thinking) and the routing key to the OpenAI upstream, which renders the template", async () => {
  const client = new OpenAI({ apiKey: "pass-2", baseURL: `${proxy.url}/agent/v1`, maxRetries: 0 });
  await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "say hi" }], chat_template_kwargs: { enable_thinking: false } } as never);
  expect(received.at(-1)!.chat_template_kwargs).toEqual({ enable_thinking: false });
  expect(received.at(-1)!.routing_key).toBe("pass-2");
  await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "say hi" }] });
  expect(received.at(-1)!.chat_template_kwargs).toBeUndefined();
});
