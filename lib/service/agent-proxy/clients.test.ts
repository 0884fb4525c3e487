// The agent proxy against the real `openai` and `@anthropic-ai/sdk` clients, through `next start`
// (the build in NEXT_DIST_DIR, default .next-agent; built first when missing or stale), with a
// scripted SGLang server on real HTTP answering real Qwen3 token ids. Each test uses its own
// session id (the client's API key), so the tests share one server.
import Anthropic from "@anthropic-ai/sdk";
import { Template } from "@huggingface/jinja";
import OpenAI from "openai";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedTokenizer, type TokenCounter } from "@/lib/rollout/tokens";
import { startNextServer, type NextServer } from "@/lib/service/core/testing/next-server";
import type { AgentSessionSummary, AgentTurn } from "./session-types";
import { startScriptedSglang, type ScriptedSglang } from "./testing/scripted-sglang";

const MAX_CONTEXT = 4096;
const MAX_TURNS = 6;
const tmp = mkdtempSync(path.join(os.tmpdir(), "rp-agent-"));
let server: NextServer;
let sglang: ScriptedSglang;
let tok: TokenCounter;
let base: string;

const bashTool = {
  type: "function" as const,
  function: { name: "bash", description: "Run a shell command.", parameters: { type: "object", properties: { cmd: { type: "string" } }, required: ["cmd"] } },
};

beforeAll(async () => {
  const t = await embeddedTokenizer();
  if (!t.ok) throw new Error(t.error.message);
  tok = t.value;
  sglang = await startScriptedSglang(tok);
  server = await startNextServer({
    env: {
      PLAYGROUND_STATE_DIR: path.join(tmp, "state"),
      PLAYGROUND_TRAFFIC_LOG: "memory",
      PLAYGROUND_AGENT_UPSTREAM: sglang.url,
      PLAYGROUND_AGENT_MAX_CONTEXT: String(MAX_CONTEXT),
      PLAYGROUND_AGENT_MAX_TURNS: String(MAX_TURNS),
    },
  });
  base = server.url;
}, 900_000);
afterAll(async () => {
  await server?.stop();
  await sglang?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const openai = (sid: string) => new OpenAI({ apiKey: sid, baseURL: `${base}/agent/v1`, maxRetries: 0 });
const anthropic = (sid: string) => new Anthropic({ apiKey: sid, baseURL: `${base}/agent`, maxRetries: 0 });

async function session(sid: string): Promise<{ session: AgentSessionSummary; turns: AgentTurn[] }> {
  const res = await fetch(`${base}/agent/sessions/${encodeURIComponent(sid)}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { session: AgentSessionSummary; turns: AgentTurn[] };
}

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** What transformers would send: the Jinja template, interpreted, then the whole text encoded. */
function expectedPromptIds(messages: unknown[], tools: unknown[] | null): number[] {
  const text = new Template(tok.chatTemplate!).render({ messages: messages as never, ...(tools ? { tools: tools as never } : {}), add_generation_prompt: true });
  return tok.encode!(text);
}
const imEnd = () => tok.encode!("<|im_end|>")[0]!;

function gate(): { hold: Promise<void>; release: () => void } {
  let release!: () => void;
  const hold = new Promise<void>((r) => (release = r));
  return { hold, release };
}

describe("OpenAI Chat Completions through the proxy", () => {
  it("runs a tool-using agent loop (non-streaming) and records each turn with the model's token ids and logprobs", async () => {
    const sid = "oa-loop";
    const client = openai(sid);
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: "system", content: "You are a coding agent." },
      { role: "user", content: "What files are here?" },
    ];
    sglang.push({ text: '<think>\nList them.\n</think>\n\n<tool_call>\n{"name": "bash", "arguments": {"cmd": "ls"}}\n</tool_call>' });
    const first = sglang.calls.length;
    const r1 = await client.chat.completions.create({ model: "qwen3", messages, tools: [bashTool] });
    const m1 = r1.choices[0]!.message;
    expect(r1.choices[0]!.finish_reason).toBe("tool_calls");
    expect(m1.content).toBeNull();
    expect((m1 as unknown as { reasoning_content?: string }).reasoning_content).toBe("List them.\n");
    const call = m1.tool_calls![0]! as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
    expect(call.function.name).toBe("bash");
    expect(JSON.parse(call.function.arguments)).toEqual({ cmd: "ls" });
    // The upstream got the history rendered by Qwen3's template and tokenized exactly.
    const g1 = sglang.calls[first]!;
    expect(g1.input_ids).toEqual(expectedPromptIds(messages, [bashTool]));
    expect(g1.return_logprob).toBe(true);
    expect(r1.usage).toMatchObject({ prompt_tokens: g1.input_ids.length });

    messages.push({ role: "assistant", content: null, tool_calls: [call] }, { role: "tool", tool_call_id: call.id, content: "a.txt\nb.txt" });
    sglang.push({ text: "<think>\nTwo files.\n</think>\n\nThere are a.txt and b.txt." });
    const r2 = await client.chat.completions.create({ model: "qwen3", messages, tools: [bashTool] });
    expect(r2.choices[0]!.message.content).toBe("There are a.txt and b.txt.");
    expect(r2.choices[0]!.finish_reason).toBe("stop");
    expect(sglang.calls[first + 1]!.input_ids).toEqual(
      expectedPromptIds(
        [
          { role: "system", content: "You are a coding agent." },
          { role: "user", content: "What files are here?" },
          { role: "assistant", content: "", tool_calls: [{ type: "function", function: { name: "bash", arguments: { cmd: "ls" } } }] },
          { role: "tool", content: "a.txt\nb.txt" },
        ],
        [bashTool],
      ),
    );

    const s = await session(sid);
    expect(s.session).toMatchObject({ sid, state: "live", turns: 2, apis: ["openai"], ill_formed: 0 });
    const [t1, t2] = s.turns;
    expect(t1!.prompt_ids).toEqual(g1.input_ids);
    expect(t1!.output_ids.at(-1)).toBe(imEnd());
    expect(tok.decode!(t1!.output_ids)).toBe('<think>\nList them.\n</think>\n\n<tool_call>\n{"name": "bash", "arguments": {"cmd": "ls"}}\n</tool_call><|im_end|>');
    expect(t1!.output_log_probs).toHaveLength(t1!.output_ids.length);
    expect(t1!.output_log_probs[0]).toBeCloseTo(-0.25);
    expect(t1!.finish_reason).toBe("stop");
    expect(t1!.response_message).toEqual({ role: "assistant", content: "", tool_calls: [{ type: "function", function: { name: "bash", arguments: { cmd: "ls" } } }] });
    expect(t1!.metadata).toEqual({ sid });
    expect(t2!.prompt_messages[2]).toEqual(t1!.response_message);
    expect(t2!.response_message).toEqual({ role: "assistant", content: "There are a.txt and b.txt." });
  });

  it("streams SSE chunks as they are produced: the first frame arrives while the model is still generating", async () => {
    const sid = "oa-stream";
    const g = gate();
    sglang.push({ hold: g.hold, then: { text: "<think>\nok\n</think>\n\nStreaming works." } });
    const stream = await openai(sid).chat.completions.create({ model: "qwen3", messages: [{ role: "user", content: "hi" }], stream: true });
    const it = stream[Symbol.asyncIterator]();
    const firstChunk = await it.next();
    expect(firstChunk.value.choices[0].delta).toEqual({ role: "assistant" });
    expect((await session(sid)).turns).toHaveLength(0); // still generating
    g.release();
    let content = "";
    let reasoning = "";
    let finish: string | null = null;
    for (let n = await it.next(); !n.done; n = await it.next()) {
      const c = n.value.choices[0]!;
      content += c.delta.content ?? "";
      reasoning += (c.delta as { reasoning_content?: string }).reasoning_content ?? "";
      finish = c.finish_reason ?? finish;
    }
    expect({ content, reasoning, finish }).toEqual({ content: "Streaming works.", reasoning: "ok\n", finish: "stop" });
    const s = await until("the streamed turn", async () => ((await session(sid)).turns.length === 1 ? session(sid) : undefined));
    expect(s.turns[0]).toMatchObject({ stream: true, finish_reason: "stop", response_message: { role: "assistant", content: "Streaming works." } });
  });

  it("streams tool calls in one chunk the client assembles", async () => {
    sglang.push({ text: '<tool_call>\n{"name": "bash", "arguments": {"cmd": "echo \\"hi\\""}}\n</tool_call>' });
    const stream = openai("oa-stream-tools").chat.completions.stream({ model: "qwen3", messages: [{ role: "user", content: "say hi" }], tools: [bashTool] });
    const done = await stream.finalChatCompletion();
    const call = done.choices[0]!.message.tool_calls![0]! as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
    expect(JSON.parse(call.function.arguments)).toEqual({ cmd: 'echo "hi"' });
    expect(done.choices[0]!.finish_reason).toBe("tool_calls");
  });

  it("malformed tool JSON from the model: the turn is ill_formed and the agent gets the text", async () => {
    const bad = 'Running it.\n<tool_call>\n{"name": "bash", "arguments": {"cmd": "ls"\n</tool_call>';
    sglang.push({ text: bad });
    const r = await openai("oa-bad-json").chat.completions.create({ model: "qwen3", messages: [{ role: "user", content: "go" }], tools: [bashTool] });
    expect(r.choices[0]!.message.content).toBe(bad);
    expect(r.choices[0]!.message.tool_calls).toBeUndefined();
    expect(r.choices[0]!.finish_reason).toBe("stop");
    const s = await session("oa-bad-json");
    expect(s.session.ill_formed).toBe(1);
    expect(s.turns[0]).toMatchObject({ ill_formed: true });
    expect(s.turns[0]!.ill_formed_reason).toMatch(/does not parse/);
  });

  it("a history that does not fit the context: slime's empty 'length' turn, no upstream call", async () => {
    const sid = "oa-overflow";
    const before = sglang.calls.length;
    const r = await openai(sid).chat.completions.create({ model: "qwen3", messages: [{ role: "user", content: "word ".repeat(MAX_CONTEXT + 10) }] });
    expect(r.choices[0]!.finish_reason).toBe("length");
    expect(r.choices[0]!.message.content).toBeNull();
    expect(r.usage?.completion_tokens).toBe(0);
    expect(sglang.calls.length).toBe(before);
    const s = await session(sid);
    expect(s.turns[0]).toMatchObject({ output_ids: [], finish_reason: "length" });
    expect(s.turns[0]!.prompt_ids.length).toBeGreaterThan(MAX_CONTEXT);
  });

  it("an upstream that dies mid-stream: a proper API error in the stream, the earlier turns kept", async () => {
    const sid = "oa-die";
    sglang.push({ text: "first" });
    await openai(sid).chat.completions.create({ model: "qwen3", messages: [{ role: "user", content: "one" }] });
    sglang.push({ die: true });
    const stream = await openai(sid).chat.completions.create({ model: "qwen3", messages: [{ role: "user", content: "two" }], stream: true });
    const chunks: unknown[] = [];
    const err = await (async () => {
      try {
        for await (const c of stream) chunks.push(c);
      } catch (e) {
        return e;
      }
    })();
    expect(chunks).toHaveLength(1); // the role chunk went out before the upstream died
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toMatch(/model server/);
    sglang.push({ die: true });
    const nonStream = await openai(sid)
      .chat.completions.create({ model: "qwen3", messages: [{ role: "user", content: "three" }] })
      .catch((e: unknown) => e);
    expect(nonStream).toBeInstanceOf(OpenAI.APIError);
    expect((nonStream as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((nonStream as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ type: "api_error" });
    const s = await session(sid);
    expect(s.turns).toHaveLength(1);
    expect(s.session.errors).toBe(2);
  });

  for (const stream of [false, true]) {
    it(`a client that disconnects before the reply (${stream ? "streaming" : "non-streaming"}): the turn is not recorded and SGLang is told to abort`, async () => {
      const sid = `oa-gone-${stream}`;
      const g = gate();
      sglang.push({ hold: g.hold, then: { text: "too late" } });
      const before = sglang.calls.length;
      const ac = new AbortController();
      const pending = openai(sid)
        .chat.completions.create({ model: "qwen3", messages: [{ role: "user", content: "slow" }], stream }, { signal: ac.signal })
        .then(async (r) => {
          if (stream) for await (const _ of r as AsyncIterable<unknown>) void _;
        })
        .catch((e: unknown) => e);
      await until("the upstream call", () => sglang.calls.length > before || undefined);
      const rid = sglang.calls[before]!.rid;
      ac.abort();
      await pending;
      await until("the abort to reach SGLang", () => sglang.aborts.includes(rid) || undefined);
      await until("the turn to settle", async () => ((await session(sid)).session.inflight === 0 ? true : undefined));
      g.release();
      const s = await session(sid);
      expect(s.turns).toHaveLength(0);
      expect(s.session.requests).toBe(1);
    });
  }

  it("the turn cap is answered as slime answers it (429 rate_limit_error), and a dropped session refuses stragglers", async () => {
    const sid = "oa-cap";
    const client = openai(sid);
    for (let i = 0; i < MAX_TURNS; i++) {
      sglang.push({ text: `turn ${i}` });
      await client.chat.completions.create({ model: "qwen3", messages: [{ role: "user", content: `t${i}` }] });
    }
    const capped = await client.chat.completions.create({ model: "qwen3", messages: [{ role: "user", content: "one more" }] }).catch((e: unknown) => e);
    expect(capped).toBeInstanceOf(OpenAI.RateLimitError);
    expect((capped as InstanceType<typeof OpenAI.RateLimitError>).error).toEqual({
      type: "rate_limit_error",
      message: `adapter: sid "${sid}" exceeded max_turns_per_sid=${MAX_TURNS}; killing run`,
    });

    const drop = await fetch(`${base}/agent/sessions/${sid}`, { method: "DELETE" });
    expect(drop.status).toBe(200);
    const refused = await client.chat.completions.create({ model: "qwen3", messages: [{ role: "user", content: "late" }] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((await session(sid)).session).toMatchObject({ state: "dropped", turns: 0 });
  });

  it("lists the model and answers bad bodies in OpenAI's error shape", async () => {
    const models = await openai("x").models.list();
    expect(models.data.map((m) => m.id)).toEqual(["slime-actor"]);
    const res = await fetch(`${base}/agent/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"messages": "nope"}' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { message: "messages must be a list", type: "invalid_request_error", param: "messages", code: null } });
    const notJson = await fetch(`${base}/agent/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
  });
});

describe("Anthropic Messages through the proxy", () => {
  const anthBash = { name: "bash", description: "Run a shell command.", input_schema: { type: "object" as const, properties: { cmd: { type: "string" } }, required: ["cmd"] } };

  it("runs a tool-using loop (non-streaming): thinking, text and tool_use blocks; tool_result goes back as a tool message", async () => {
    const sid = "an-loop";
    const client = anthropic(sid);
    sglang.push({ text: '<think>\nCheck the dir.\n</think>\n\nLooking.\n<tool_call>\n{"name": "bash", "arguments": {"cmd": "pwd"}}\n</tool_call>' });
    const first = sglang.calls.length;
    const r1 = await client.messages.create({ model: "qwen3", max_tokens: 256, system: "You are a coding agent.", tools: [anthBash], messages: [{ role: "user", content: "Where am I?" }] });
    expect(r1.stop_reason).toBe("tool_use");
    expect(r1.content.map((b) => b.type)).toEqual(["thinking", "text", "tool_use"]);
    const use = r1.content[2] as Anthropic.ToolUseBlock;
    expect(use).toMatchObject({ name: "bash", input: { cmd: "pwd" } });
    expect(use.id).toMatch(/^toolu_/);
    expect(sglang.calls[first]!.sampling_params).toMatchObject({ max_new_tokens: 256, no_stop_trim: true, skip_special_tokens: false });
    const tools = [{ type: "function", function: { name: "bash", description: "Run a shell command.", parameters: anthBash.input_schema } }];
    expect(sglang.calls[first]!.input_ids).toEqual(
      expectedPromptIds([{ role: "system", content: "You are a coding agent." }, { role: "user", content: "Where am I?" }], tools),
    );

    sglang.push({ text: "<think>\nGot it.\n</think>\n\nYou are in /work." });
    const r2 = await client.messages.create({
      model: "qwen3",
      max_tokens: 256,
      system: "You are a coding agent.",
      tools: [anthBash],
      messages: [
        { role: "user", content: "Where am I?" },
        { role: "assistant", content: r1.content.filter((b) => b.type !== "thinking") as Anthropic.ContentBlockParam[] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: "/work" }] },
      ],
    });
    expect(r2.content.find((b) => b.type === "text")).toMatchObject({ text: "You are in /work." });
    expect(r2.stop_reason).toBe("end_turn");
    const s = await session(sid);
    expect(s.session).toMatchObject({ turns: 2, apis: ["anthropic"] });
    expect(s.turns[0]!.response_message).toEqual({
      role: "assistant",
      content: "Looking.",
      reasoning_content: "Check the dir.\n",
      tool_calls: [{ type: "function", function: { name: "bash", arguments: { cmd: "pwd" } } }],
    });
    expect(s.turns[1]!.prompt_messages.slice(2)).toEqual([
      { role: "assistant", content: "Looking.", tool_calls: [{ type: "function", function: { name: "bash", arguments: { cmd: "pwd" } } }] },
      { role: "tool", content: "/work" },
    ]);
  });

  it("streams Anthropic's events: message_start at once, then the blocks, message_stop; the SDK assembles the message", async () => {
    const sid = "an-stream";
    const g = gate();
    sglang.push({ hold: g.hold, then: { text: '<think>\nhm\n</think>\n\nOn it.\n<tool_call>\n{"name": "bash", "arguments": {"cmd": "ls -a"}}\n</tool_call>' } });
    const events = await anthropic(sid).messages.create({ model: "qwen3", max_tokens: 100, tools: [anthBash], messages: [{ role: "user", content: "ls" }], stream: true });
    const it = events[Symbol.asyncIterator]();
    const start = await it.next();
    expect(start.value.type).toBe("message_start");
    g.release();
    const types: string[] = [];
    let json = "";
    for (let n = await it.next(); !n.done; n = await it.next()) {
      types.push(n.value.type);
      if (n.value.type === "content_block_delta" && n.value.delta.type === "input_json_delta") json += n.value.delta.partial_json;
    }
    expect(types.at(-1)).toBe("message_stop");
    expect(types.filter((t) => t === "content_block_start")).toHaveLength(3);
    expect(JSON.parse(json)).toEqual({ cmd: "ls -a" });

    sglang.push({ text: "Second." });
    const msg = await anthropic(sid).messages.stream({ model: "qwen3", max_tokens: 100, messages: [{ role: "user", content: "again" }] }).finalMessage();
    expect(msg.content).toEqual([{ type: "text", text: "Second." }]);
    expect(msg.stop_reason).toBe("end_turn");
    const s = await until("both streamed turns", async () => ((await session(sid)).turns.length === 2 ? session(sid) : undefined));
    expect(s.turns.every((t) => t.stream)).toBe(true);
  });

  it("an upstream that dies mid-stream: the SDK gets an error event; earlier turns stay", async () => {
    const sid = "an-die";
    sglang.push({ text: "one" });
    await anthropic(sid).messages.create({ model: "qwen3", max_tokens: 50, messages: [{ role: "user", content: "1" }] });
    sglang.push({ die: true });
    const err = await anthropic(sid)
      .messages.stream({ model: "qwen3", max_tokens: 50, messages: [{ role: "user", content: "2" }] })
      .finalMessage()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: "error", error: { type: "api_error" } });
    expect((await session(sid)).turns).toHaveLength(1);
  });

  it("Bearer wins over X-Api-Key for the session id; count_tokens is the exact prompt length", async () => {
    // The SDK takes one credential; claude-code-style harnesses may send both headers.
    const client = new Anthropic({ apiKey: "an-key", defaultHeaders: { authorization: "Bearer an-bearer" }, baseURL: `${base}/agent`, maxRetries: 0 });
    const messages: Anthropic.MessageParam[] = [{ role: "user", content: "count me" }];
    const counted = await client.messages.countTokens({ model: "qwen3", messages, tools: [anthBash] });
    sglang.push({ text: "ok" });
    await client.messages.create({ model: "qwen3", max_tokens: 10, messages, tools: [anthBash] });
    const s = await session("an-bearer");
    expect(s.turns).toHaveLength(1);
    expect(counted.input_tokens).toBe(s.turns[0]!.prompt_ids.length);
    const none = await fetch(`${base}/agent/sessions/an-key`);
    expect(none.status).toBe(404);
  });

  it("answers bad requests in Anthropic's error shape", async () => {
    const r = await anthropic("an-bad").messages.create({ model: "qwen3", max_tokens: 10, messages: [] }).catch((e: unknown) => e);
    expect(r).toBeInstanceOf(Anthropic.BadRequestError);
    expect((r as InstanceType<typeof Anthropic.BadRequestError>).error).toEqual({ type: "error", error: { type: "invalid_request_error", message: "messages is empty: there is nothing to answer" } });
  });
});

describe("sessions: list, finish, export", () => {
  it("finish answers the Samples slime trains on (the trajectory of the recorded turns), closes the session and exports JSONL", async () => {
    const sid = "fin-1";
    const client = openai(sid);
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: "user", content: "Count files." }];
    sglang.push({ text: '<tool_call>\n{"name": "bash", "arguments": {"cmd": "ls | wc -l"}}\n</tool_call>', logprob: -0.5 });
    const r1 = await client.chat.completions.create({ model: "qwen3", messages, tools: [bashTool] });
    const call = r1.choices[0]!.message.tool_calls![0]!;
    messages.push({ role: "assistant", content: null, tool_calls: [call] }, { role: "tool", tool_call_id: call.id, content: "2" });
    sglang.push({ text: "Two.", logprob: -0.1 });
    await client.chat.completions.create({ model: "qwen3", messages, tools: [bashTool] });
    const recorded = await session(sid);

    const list = (await (await fetch(`${base}/agent/sessions`)).json()) as { sessions: AgentSessionSummary[] };
    expect(list.sessions[0]!.sid).toBe(sid); // newest first
    expect(list.sessions.map((s) => s.created)).toEqual([...list.sessions.map((s) => s.created)].sort((a, b) => b - a));

    const res = await fetch(`${base}/agent/sessions/${sid}/finish`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ reward: 1.0, base_sample: { index: 7, group_index: 2, prompt: "Count files.", label: "2" } }),
    });
    expect(res.status).toBe(200);
    const { samples } = (await res.json()) as { samples: (import("@/lib/agent/trajectory").TrajectorySample & { response: string })[] };
    // The same Samples the trajectory CLI computes from the recorded turns.
    const { runTrajectorySession, trajectorySessionSchema } = await import("@/lib/agent/trajectory");
    const cli = runTrajectorySession(
      trajectorySessionSchema.parse({
        turns: recorded.turns.map((t) => ({ prompt_messages: t.prompt_messages, response_message: t.response_message, prompt_ids: t.prompt_ids, output_ids: t.output_ids, output_log_probs: t.output_log_probs, finish_reason: t.finish_reason, ill_formed: t.ill_formed, metadata: t.metadata })),
        base_sample: { index: 7, group_index: 2, rollout_id: null, prompt: "Count files.", label: "2" },
        reward: 1.0,
        max_sample_tokens: MAX_CONTEXT,
      }),
    );
    if (!cli.ok) throw new Error(cli.error.message);
    expect(samples.map(({ response: _, ...s }) => s)).toEqual(cli.value);
    expect(samples.length).toBeGreaterThan(0);
    for (const s of samples) {
      expect(s).toMatchObject({ index: 7, group_index: 2, rollout_id: 7, reward: 1, status: "completed", label: "2" });
      expect(s.loss_mask).toHaveLength(s.response_length);
      expect(s.response).toBe(tok.decode!(s.tokens.slice(-s.response_length)));
    }
    // The first turn's prompt is stripped; its output is trained with the model's logprobs.
    const t1 = recorded.turns[0]!;
    expect(samples[0]!.tokens.slice(0, t1.prompt_ids.length)).toEqual(t1.prompt_ids);
    expect(samples[0]!.loss_mask.slice(0, t1.output_ids.length)).toEqual(t1.output_ids.map(() => 1));
    expect(samples[0]!.rollout_log_probs.slice(0, t1.output_ids.length)).toEqual(t1.output_log_probs);
    expect(samples[0]!.metadata).toMatchObject({ use_tool: true, ill_formed: false });

    // Closed: stragglers refused, a second finish gives nothing (slime's), the export has the Samples.
    const late = await client.chat.completions.create({ model: "qwen3", messages }).catch((e: unknown) => e);
    expect((late as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    const again = (await (await fetch(`${base}/agent/sessions/${sid}/finish`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).json()) as { samples: unknown[] };
    expect(again.samples).toEqual([]);
    const jsonl = await fetch(`${base}/agent/sessions/${sid}/samples.jsonl`);
    expect(jsonl.headers.get("content-type")).toMatch(/ndjson/);
    const lines = (await jsonl.text()).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map(({ agent_trajectory: _, ...sample }) => sample)).toEqual(samples);
    // Each line also says where it sits in the session's tree (what Inspect's agent tab shows).
    const { trajectoryExportLineSchema } = await import("@/lib/agent/trajectory");
    const info = lines.map((l) => trajectoryExportLineSchema.parse(l).agent_trajectory);
    expect(info.map((a) => [a.session_id, a.sample, a.samples])).toEqual(samples.map((_, i) => [sid, i, samples.length]));
    expect(info[0]!.tree.turn_count).toBe(2);
    expect(info[0]!.spans.some((sp) => sp.kind === "tool_output")).toBe(true);
    expect((await session(sid)).session.state).toBe("finished");
  });

  it("finish waits for a turn in flight and includes it, as slime's drain does", async () => {
    const sid = "fin-drain";
    const g = gate();
    sglang.push({ hold: g.hold, then: { text: "made it" } });
    const before = sglang.calls.length;
    const reply = openai(sid).chat.completions.create({ model: "qwen3", messages: [{ role: "user", content: "slow one" }] });
    await until("the upstream call", () => sglang.calls.length > before || undefined);
    const finishing = fetch(`${base}/agent/sessions/${sid}/finish`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"reward": 0.5}' });
    await until("the session to close", async () => ((await session(sid)).session.state === "finished" ? true : undefined));
    g.release();
    expect((await reply).choices[0]!.message.content).toBe("made it");
    const { samples } = (await (await finishing).json()) as { samples: { reward: number }[] };
    expect(samples).toHaveLength(1);
    expect(samples[0]!.reward).toBe(0.5);
  });

  it("finishing an unknown session answers no samples and closes the id; finish validates its body", async () => {
    const r = await fetch(`${base}/agent/sessions/never-seen/finish`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"reward": 1}' });
    expect(await r.json()).toEqual({ samples: [] });
    const late = await openai("never-seen").chat.completions.create({ model: "qwen3", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect((late as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    const bad = await fetch(`${base}/agent/sessions/x/finish`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"reward": "high"}' });
    expect(bad.status).toBe(422);
    expect((await fetch(`${base}/agent/sessions/nope`)).status).toBe(404);
  });
});
