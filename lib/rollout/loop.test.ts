// Integration: the ReTool loop against a real HTTP fake model server and the real
// local sandbox (code_interpreter runs Python), with the real reward.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeModelServer, type FakeModelServer } from "@/e2e/fixtures/fake-model-server";
import { httpStatus } from "@/lib/errors";
import { closeSession } from "@/lib/sandbox/sessions";
import { collectRollout, type RolloutConfig, type RolloutDeps } from "./loop";
import { createOpenAiChatModel, createOpenAiCompletionsModel, listModels } from "./models/openai";
import { createReplayModel } from "./models/replay";
import { createSglangModel } from "./models/sglang";
import { samplingParamsSchema, stoppedByUser, type ModelBackend } from "./models/types";
import { findReplaySample } from "./samples";
import { createModel, rewarder, sandboxToolRunner } from "./setup";
import { INVALID_ACTION_TEXT } from "./codec";
import { formatRetoolPrompt } from "./template";
import { approximateCounter, loadTokenizer, type TokenCounter } from "./tokens";
import { writeTinyTokenizer } from "./testing/tiny-tokenizer";
import { applyEvent, type RolloutRecord } from "./transcript";

let tmp: string;
let tok: TokenCounter;
let server: FakeModelServer;
const sessionId = `loop-test-${process.pid}`;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "loop-"));
  const r = await loadTokenizer(await writeTinyTokenizer(path.join(tmp, "tok")));
  if (!r.ok) throw new Error(r.error.message);
  tok = r.value;
  server = await startFakeModelServer({ tokenizer: { encode: tok.encode!, decode: tok.decode! } });
});
afterAll(async () => {
  await server.close();
  await closeSession(sessionId);
  await rm(tmp, { recursive: true, force: true });
});

const SIX_BY_SEVEN: RolloutConfig = {
  prompt: "What is 6 times 7?",
  label: "42",
  sampling: samplingParamsSchema.parse({ max_new_tokens: 512 }),
  max_context_len: 32768,
};

function deps(model: ModelBackend, extra: Partial<RolloutDeps> = {}): RolloutDeps {
  return {
    model,
    tools: sandboxToolRunner({ sessionId, backend: "local" }),
    tokenizer: tok,
    reward: rewarder("retool"),
    ...extra,
  };
}

const at = (prefix: string) => server.url + prefix;
const timeoutMs = 30_000;

function reduce(events: Parameters<typeof applyEvent>[1][]): RolloutRecord {
  let r: RolloutRecord | null = null;
  for (const e of events) r = applyEvent(r, e);
  if (!r) throw new Error("no start event");
  return r;
}

describe("replay backend (the no-server default)", () => {
  it("replays the shipped sample, runs its code live and scores it like slime", async () => {
    const sample = findReplaySample(undefined)!;
    const { events, sample: out } = await collectRollout(
      { ...SIX_BY_SEVEN, prompt: sample.prompt, label: sample.label },
      deps(createReplayModel(sample.assistant_turns), { tokenizer: approximateCounter }),
    );
    const result = events.find((e) => e.type === "tool_result");
    expect(result?.type === "tool_result" && result.result.output).toBe("Output:\n2870");
    expect(out.status).toBe("completed");
    expect(out.tool_call_count).toBe(1);
    expect(out.reward).toBe(1);
    expect(out.response).toBe(
      sample.assistant_turns[0] + "\n\n<interpreter>\nOutput:\n2870\n</interpreter>\n\n" + sample.assistant_turns[1],
    );
    // No tokenizer: counts are marked as estimates and no token ids are invented.
    expect(out.metadata.token_counts).toBe("approximate");
    expect(out.tokens).toBeUndefined();
    const rec = reduce(events);
    expect(rec.status).toBe("completed");
    expect(rec.turns).toHaveLength(2);
    expect(rec.reward?.view?.pred).toBe("2870");
  });

  it("an edited turn re-runs from that point: the new code's output changes the reward", async () => {
    const sample = findReplaySample("power-of-two-mod-seven")!;
    const cfg = { ...SIX_BY_SEVEN, prompt: sample.prompt, label: sample.label };
    const first = await collectRollout(cfg, deps(createReplayModel(sample.assistant_turns)));
    expect(first.sample.reward).toBe(1);
    expect(first.sample.tool_call_count).toBe(2);
    const rec = reduce(first.events);
    // The first turn failed (NameError); fix it by hand and answer right away.
    expect(rec.turns[0]!.tool_calls[0]!.result!.output).toMatch(/^Error: name 'cycle' is not defined/);
    const edited = await collectRollout(
      cfg,
      deps(createReplayModel(sample.assistant_turns), {
        resume: { kept: [rec.turns[0]!], forced: { text: "Answer: \\boxed{4}" } },
      }),
    );
    const after = reduce(edited.events);
    expect(after.turns[0]).toEqual(rec.turns[0]);
    expect(after.turns[1]!.edited).toBe(true);
    expect(edited.sample.status).toBe("completed");
    expect(edited.sample.tool_call_count).toBe(1);
    // Wrong answer with one tool call: min(-0.6, -1 + (1 - 2) / 2 * 0.1).
    expect(edited.sample.reward).toBeCloseTo(-1.05, 10);
  });

  it("says clearly when the recording has no more turns", async () => {
    const { events, sample } = await collectRollout(SIX_BY_SEVEN, deps(createReplayModel(["Thinking..."])));
    expect(sample.status).toBe("aborted");
    expect(sample.metadata.error?.code).toBe("not_found:replay_turn");
    expect(reduce(events).turns[0]!.observation?.text).toBe(INVALID_ACTION_TEXT);
  });
});

describe("SGLang /generate with a tokenizer (what slime sends)", () => {
  it("sends input_ids, records ids, logprobs and the loss mask, and the tokens decode to prompt + response", async () => {
    const { sample, events } = await collectRollout(
      SIX_BY_SEVEN,
      deps(createSglangModel({ url: server.url, timeoutMs })),
    );
    expect(sample.status).toBe("completed");
    expect(sample.reward).toBe(1);
    expect(sample.tool_call_count).toBe(1);
    const gen = server.requests.filter((r) => r.path === "/generate").slice(-2);
    expect(gen[0]!.body.input_ids).toEqual(tok.encode!(formatRetoolPrompt(SIX_BY_SEVEN.prompt)));
    expect(gen[0]!.body.return_logprob).toBe(true);
    expect(gen[0]!.body.sampling_params).toMatchObject({ skip_special_tokens: false, no_stop_trim: true, max_new_tokens: 512 });

    const promptIds = tok.encode!(formatRetoolPrompt(SIX_BY_SEVEN.prompt));
    expect(sample.tokens!.slice(0, promptIds.length)).toEqual(promptIds);
    expect(tok.decode!(sample.tokens!)).toBe(formatRetoolPrompt(SIX_BY_SEVEN.prompt) + sample.response);
    expect(sample.loss_mask).toHaveLength(sample.response_length);
    expect(sample.rollout_log_probs).toHaveLength(sample.response_length);

    const rec = reduce(events);
    const [t0, t1] = rec.turns;
    const obs = t0!.observation!;
    expect(obs.text).toBe("\n\n<interpreter>\nOutput:\n42\n</interpreter>\n\n");
    // 1 on the model's tokens, 0 on the observation's.
    expect(sample.loss_mask).toEqual([
      ...t0!.token_ids!.map(() => 1),
      ...obs.token_ids!.map(() => 0),
      ...t1!.token_ids!.map(() => 1),
    ]);
    // Logprobs are the server's for model tokens, 0.0 for observation tokens.
    expect(sample.rollout_log_probs!.slice(0, t0!.token_ids!.length)).toEqual(t0!.logprobs);
    expect(sample.rollout_log_probs!.slice(t0!.token_ids!.length, t0!.token_ids!.length + obs.token_ids!.length).every((x) => x === 0)).toBe(true);
  });

  it("clamps max_new_tokens to the context left, trims an observation that overflows and ends truncated", async () => {
    const before = server.requests.length;
    const promptLen = tok.encode!(formatRetoolPrompt("Print a lot.")).length;
    const maxCtx = promptLen + 200;
    const { sample, events } = await collectRollout(
      { ...SIX_BY_SEVEN, prompt: "Print a lot.", max_context_len: maxCtx },
      deps(createSglangModel({ url: at("/script/flood"), timeoutMs })),
    );
    const req = server.requests.slice(before).find((r) => r.path === "/generate")!;
    expect((req.body.sampling_params as { max_new_tokens: number }).max_new_tokens).toBe(200);
    expect(sample.status).toBe("truncated");
    expect(sample.tokens).toHaveLength(maxCtx);
    const obs = reduce(events).turns[0]!.observation!;
    expect(obs.trimmed).toBe(true);
    expect(obs.text.startsWith("\n\n<interpreter>\nOutput:\nxxxx")).toBe(true);
    expect(tok.decode!(sample.tokens!)).toBe(formatRetoolPrompt("Print a lot.") + sample.response);
  });
});

describe("OpenAI-compatible backends", () => {
  it("/v1/completions streams the raw rendered prompt's continuation", async () => {
    const before = server.requests.length;
    const { events, sample } = await collectRollout(
      SIX_BY_SEVEN,
      deps(createOpenAiCompletionsModel({ url: server.url + "/v1", model: "fake", timeoutMs })),
    );
    expect(sample.reward).toBe(1);
    expect(events.filter((e) => e.type === "delta" && e.index === 0).length).toBeGreaterThan(2);
    const req = server.requests.slice(before).find((r) => r.path === "/v1/completions")!;
    expect(req.body.prompt).toBe(formatRetoolPrompt(SIX_BY_SEVEN.prompt));
    expect(req.body.stream).toBe(true);
  });

  it("/v1/chat/completions runs tool_calls in the sandbox and answers with role tool; labelled approximate", async () => {
    const before = server.requests.length;
    const { events, sample } = await collectRollout(
      SIX_BY_SEVEN,
      deps(createOpenAiChatModel({ url: server.url, model: "fake", timeoutMs })),
    );
    const rec = reduce(events);
    expect(rec.fidelity).toBe("approximate");
    expect(rec.notices.join(" ")).toMatch(/approximation/);
    expect(rec.turns[0]!.tool_calls[0]!.result!.output).toBe("Output:\n42");
    expect(sample.reward).toBe(1);
    const second = server.requests.slice(before).filter((r) => r.path === "/v1/chat/completions")[1]!;
    const msgs = second.body.messages as { role: string; content: string; tool_call_id?: string }[];
    expect(msgs.at(-1)).toMatchObject({ role: "tool", content: "Output:\n42" });
    expect(msgs.at(-2)).toMatchObject({ role: "assistant" });
    expect((second.body.tools as unknown[]).length).toBe(1);
  });

  it("lists models from /v1/models", async () => {
    const r = await listModels({ url: server.url, timeoutMs });
    expect(r.ok && r.value.map((m) => m.id)).toEqual(["fake-retool-model"]);
  });
});

describe("turn limits (slime's TOOL_CONFIGS)", () => {
  it("stops after max_tool_calls tool calls", async () => {
    const { sample, events } = await collectRollout(
      { ...SIX_BY_SEVEN, max_tool_calls: 3 },
      deps(createSglangModel({ url: at("/script/loop"), timeoutMs })),
    );
    expect(sample.tool_call_count).toBe(3);
    expect(sample.status).toBe("completed");
    expect(reduce(events).turns).toHaveLength(3);
  });

  it("stops after max_turns", async () => {
    const { sample, events } = await collectRollout(
      { ...SIX_BY_SEVEN, max_turns: 2 },
      deps(createSglangModel({ url: at("/script/loop"), timeoutMs })),
    );
    expect(reduce(events).turns).toHaveLength(2);
    expect(sample.tool_call_count).toBe(2);
  });

  it("answers a turn without an action with slime's invalid-action text; a length stop ends truncated", async () => {
    const { sample, events } = await collectRollout(
      { ...SIX_BY_SEVEN, sampling: samplingParamsSchema.parse({ max_new_tokens: 50 }) },
      deps(createSglangModel({ url: at("/script/ramble"), timeoutMs })),
    );
    const rec = reduce(events);
    expect(rec.turns[0]!.observation!.text).toBe(INVALID_ACTION_TEXT);
    expect(rec.turns[1]!.finish_reason).toBe("length");
    expect(rec.turns[1]!.token_ids).toHaveLength(50);
    expect(sample.status).toBe("truncated");
    expect(sample.tool_call_count).toBe(0);
    // Truncated rollouts are still scored: no box, so slime's strict check gives -1, nudged by tool calls.
    expect(sample.reward).toBeCloseTo(-1.1, 10);
  });
});

describe("model server faults end the rollout with a typed error and keep the transcript", () => {
  it("too slow: timeout:model after the first turn, which is kept with its tool result", async () => {
    const { sample, events } = await collectRollout(
      SIX_BY_SEVEN,
      deps(createSglangModel({ url: at("/fault/slow-5000@2"), timeoutMs: 300 })),
    );
    expect(sample.status).toBe("aborted");
    expect(sample.metadata.error?.code).toBe("timeout:model");
    const rec = reduce(events);
    expect(rec.error?.message).toMatch(/did not answer within/);
    expect(rec.turns[0]!.tool_calls[0]!.result!.output).toBe("Output:\n42");
    expect(sample.reward).toBeNull();
  });

  it("connection dropped mid-stream: unavailable:model, the streamed part is kept", async () => {
    const { sample, events } = await collectRollout(
      SIX_BY_SEVEN,
      deps(createOpenAiCompletionsModel({ url: at("/fault/drop"), model: "fake", timeoutMs })),
    );
    expect(sample.metadata.error?.code).toBe("unavailable:model");
    const rec = reduce(events);
    expect(rec.turns[0]!.raw.length).toBeGreaterThan(0);
    expect(rec.turns[0]!.finish_reason).toBe("abort");
    expect(sample.response).toBe("");
  });

  it("malformed JSON: bad_gateway:model (non-streaming and streaming)", async () => {
    const a = await collectRollout(SIX_BY_SEVEN, deps(createSglangModel({ url: at("/fault/malformed"), timeoutMs })));
    expect(a.sample.metadata.error?.code).toBe("bad_gateway:model");
    expect(a.sample.metadata.error?.message).toMatch(/cannot read/);
    const b = await collectRollout(
      SIX_BY_SEVEN,
      deps(createOpenAiChatModel({ url: at("/fault/malformed"), model: "fake", timeoutMs })),
    );
    expect(b.sample.metadata.error?.code).toBe("bad_gateway:model");
  });

  it("nothing listening: unavailable:model", async () => {
    const { sample } = await collectRollout(
      SIX_BY_SEVEN,
      deps(createSglangModel({ url: "http://127.0.0.1:9", timeoutMs })),
    );
    expect(sample.metadata.error).toMatchObject({ code: "unavailable:model" });
  });

  it("HTTP errors carry the status", async () => {
    const { sample } = await collectRollout(SIX_BY_SEVEN, deps(createSglangModel({ url: at("/fault/http500"), timeoutMs })));
    expect(sample.metadata.error?.code).toBe("bad_gateway:model");
    expect(sample.metadata.error?.message).toMatch(/HTTP 500/);
  });

  it("Stop ends a rollout that is waiting on the model: cancelled:user", async () => {
    const ctl = new AbortController();
    const running = collectRollout(
      SIX_BY_SEVEN,
      deps(createSglangModel({ url: at("/fault/slow-60000"), timeoutMs: 120_000 }), { signal: ctl.signal }),
    );
    // Abort once the request is in flight.
    const before = server.requests.length;
    while (server.requests.length === before) await new Promise((r) => setTimeout(r, 10));
    ctl.abort();
    const { sample } = await running;
    expect(sample.status).toBe("aborted");
    expect(sample.metadata.error?.code).toBe("cancelled:user");
  });

  it("every model failure code is an ordinary error code with its HTTP status", async () => {
    const noUrl = createModel({ kind: "sglang", url: "not a url", model: "", timeout_s: 1 });
    const codes = {
      config: noUrl.ok ? undefined : noUrl.error.code,
      replay: (await collectRollout(SIX_BY_SEVEN, deps(createReplayModel(["Thinking..."])))).sample.metadata.error?.code,
      http: (await collectRollout(SIX_BY_SEVEN, deps(createSglangModel({ url: at("/fault/http500"), timeoutMs })))).sample.metadata.error?.code,
      down: (await collectRollout(SIX_BY_SEVEN, deps(createSglangModel({ url: "http://127.0.0.1:9", timeoutMs })))).sample.metadata.error?.code,
      stopped: stoppedByUser.code,
    };
    const statuses = Object.fromEntries(Object.entries(codes).map(([k, c]) => [k, c && httpStatus(c)]));
    expect(statuses).toEqual({ config: 400, replay: 404, http: 502, down: 503, stopped: 499 });
  });
});
