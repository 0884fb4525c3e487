import "server-only";
import { serverEnv } from "@/lib/env";
import { httpStatus } from "@/lib/errors";
import type { Result } from "@/lib/result";
import type { ModelError } from "@/lib/rollout/models/types";
import { readJsonBody } from "@/lib/service/core/body";
import { isRecord, type TemplateMessage, type TemplateTool } from "./messages";
import { parseModelOutput, type ParsedModelOutput } from "./parse-output";
import { promptEncoder, type PromptEncoder } from "./prompt";
import { noteError, openSession, getSession, recordTurn, type AgentSession } from "./sessions";
import { recordAgentCall } from "./traffic";
import { openaiChat, samplingParams, sglangGenerate, type Generation } from "./upstream";
import type { AgentWire, WireError } from "./wire";

// One agent turn, as slime's BaseAdapter._run_turn: translate the wire body → render the history
// with the chat template → SGLang /generate with the token ids → parse reasoning and tool calls →
// answer in the agent's wire format → record the turn. The turn is recorded only after the answer
// went out: a client that went away before it gets nothing recorded, as slime does.

/** How often a stream that waits for the model sends a keep-alive frame. */
const PING_MS = 15_000;

interface TurnOutcome {
  parsed: ParsedModelOutput;
  gen: Generation;
  raw: string;
  upstream_ms: number;
  tokens_exact: boolean;
}

function wireErrorOf(e: ModelError): WireError {
  const status = e.code.startsWith("timeout:") ? 504 : e.code.startsWith("cancelled:") ? 499 : e.code === "unavailable:agent_upstream" ? 503 : 502;
  return { kind: "upstream", status, message: `${e.message}${e.detail ? ` (${e.detail.slice(0, 300)})` : ""}` };
}

/** The turn's output from the model, or slime's empty "length" turn when the prompt fills the context. */
async function generate(
  wire: AgentWire,
  enc: PromptEncoder,
  body: Record<string, unknown>,
  messages: TemplateMessage[],
  tools: TemplateTool[] | null,
  promptText: string,
  promptIds: number[],
  signal: AbortSignal,
): Promise<Result<TurnOutcome, ModelError>> {
  const env = serverEnv();
  const sp = samplingParams(body, wire.maxTokenKeys, wire.stopKeys);
  const maxCtx = env.PLAYGROUND_AGENT_MAX_CONTEXT;
  if (maxCtx > 0) {
    const remaining = maxCtx - promptIds.length;
    if (remaining <= 0) {
      const gen: Generation = { output_ids: [], output_log_probs: [], finish_reason: "length" };
      return { ok: true, value: { parsed: parseModelOutput("", tools), gen, raw: "", upstream_ms: 0, tokens_exact: true } };
    }
    sp.max_new_tokens = Math.min(sp.max_new_tokens as number, remaining);
  }
  const base = env.PLAYGROUND_AGENT_UPSTREAM;
  if (!base) {
    return { ok: false, error: { code: "unavailable:agent_upstream", message: "No model behind the agent proxy: set PLAYGROUND_AGENT_UPSTREAM to an SGLang server (http://host:30000)." } };
  }
  const t = performance.now();
  if (env.PLAYGROUND_AGENT_UPSTREAM_KIND === "openai") {
    const r = await openaiChat(base, messages, tools, sp, signal);
    if (!r.ok) return r;
    const upstream_ms = performance.now() - t;
    const m = r.value.message!;
    const uses: ParsedModelOutput["tool_uses"] = [];
    let illReason: string | undefined;
    for (const c of m.tool_calls) {
      try {
        const input: unknown = JSON.parse(c.arguments || "{}");
        if (isRecord(input)) uses.push({ name: c.name, input });
        else illReason = "tool call arguments are not a JSON object";
      } catch (e) {
        illReason = `tool call JSON does not parse: ${(e as Error).message}`;
      }
    }
    const parsed: ParsedModelOutput = illReason
      ? { reasoning: m.reasoning, text: m.content, tool_uses: [], ill_formed: true, ill_formed_reason: illReason }
      : { reasoning: m.reasoning, text: m.content, tool_uses: uses, ill_formed: false };
    // The ids of the answer as the template renders it: our re-tokenization, not the model's.
    const answer: TemplateMessage = { role: "assistant", content: parsed.text };
    if (parsed.reasoning) answer.reasoning_content = parsed.reasoning;
    if (uses.length) answer.tool_calls = uses.map((u) => ({ type: "function", function: { name: u.name, arguments: u.input } }));
    const full = enc.render([...messages, answer], tools, false);
    const prefix = promptText;
    let outText = full.ok && full.value.startsWith(prefix) ? full.value.slice(prefix.length) : parsed.text;
    outText = outText.replace(/\n$/, "");
    const output_ids = enc.encode(outText);
    return { ok: true, value: { parsed, gen: { ...r.value, output_ids }, raw: outText, upstream_ms, tokens_exact: false } };
  }
  const r = await sglangGenerate(base, promptIds, sp, signal);
  if (!r.ok) return r;
  const upstream_ms = performance.now() - t;
  const raw = r.value.output_ids.length ? enc.decode(r.value.output_ids) : "";
  return { ok: true, value: { parsed: parseModelOutput(raw, tools, enc.endTokens), gen: r.value, raw, upstream_ms, tokens_exact: true } };
}

export async function runAgentTurn(wire: AgentWire, req: Request, route: string): Promise<Response> {
  const t0 = performance.now();
  const time = Date.now();
  const traffic = (s: { http_status: number; outcome: "success" | "failed" | "rejected" | "timeout"; status: string; message?: string; sid?: string }) =>
    recordAgentCall(req, { time, route, run_ms: performance.now() - t0, ...s });
  const fail = (e: WireError, sid?: string, session?: AgentSession): Response => {
    if (session) noteError(session, e.message);
    traffic({ http_status: e.status, outcome: e.status === 504 ? "timeout" : e.status >= 500 ? "failed" : "rejected", status: e.kind, message: e.message, ...(sid ? { sid } : {}) });
    return Response.json(wire.errorBody(e), { status: e.status });
  };

  const read = await readJsonBody(req);
  if (!read.ok) return fail({ kind: "invalid_request", status: httpStatus(read.error.code), message: read.error.message });
  const body = read.value;
  if (!isRecord(body)) return fail({ kind: "invalid_request", status: 400, message: "The request body must be a JSON object." });
  wire.preprocess(body);
  const sid = wire.sessionId(req.headers, body);
  const existing = getSession(sid);
  if (existing && existing.state !== "live") {
    return fail({ kind: "unavailable", status: 503, message: `session ${JSON.stringify(sid)} is closed (${existing.state}); a new rollout needs a new key` }, sid);
  }
  const session = openSession(sid, wire.name);
  const cap = serverEnv().PLAYGROUND_AGENT_MAX_TURNS;
  if (cap > 0 && session.requests >= cap) {
    // slime's exact answer (same body for both APIs), meant to kill the run.
    const message = `adapter: sid ${JSON.stringify(sid)} exceeded max_turns_per_sid=${cap}; killing run`;
    noteError(session, message);
    traffic({ http_status: 429, outcome: "rejected", status: "turn_cap", message, sid });
    return Response.json({ error: { type: "rate_limit_error", message } }, { status: 429 });
  }
  session.requests++;

  const tr = wire.translate(body);
  if ("kind" in tr) return fail(tr, sid, session);
  const { messages, tools } = tr;
  if (!messages.length) return fail({ kind: "invalid_request", status: 400, message: "messages is empty: there is nothing to answer" }, sid, session);
  const encR = await promptEncoder();
  if (!encR.ok) return fail({ kind: "unavailable", status: 503, message: encR.error.message }, sid, session);
  const enc = encR.value;
  const rendered = enc.render(messages, tools, true);
  if (!rendered.ok) return fail({ kind: "invalid_request", status: 400, message: rendered.error.message }, sid, session);
  const promptIds = enc.encode(rendered.value);
  const prepare_ms = performance.now() - t0;

  const stream = body.stream === true || (req.headers.get("accept") ?? "").includes("text/event-stream");
  const ctrl = new AbortController();
  const onClientGone = () => ctrl.abort(new Error("client disconnected"));
  req.signal.addEventListener("abort", onClientGone, { once: true });
  let settle!: () => void;
  session.inflight.set(ctrl, new Promise<void>((r) => (settle = r)));
  const done = () => {
    session.inflight.delete(ctrl);
    req.signal.removeEventListener("abort", onClientGone);
    settle();
  };

  const record = (o: TurnOutcome) =>
    recordTurn(session, {
      time,
      api: wire.name,
      stream,
      prompt_messages: messages,
      response_message: wire.buildReply(o.parsed, o.gen.finish_reason).manager_message,
      tools,
      prompt_ids: promptIds,
      output_ids: o.gen.output_ids,
      output_log_probs: o.gen.output_log_probs,
      finish_reason: o.gen.finish_reason,
      ill_formed: o.parsed.ill_formed,
      ...(o.parsed.ill_formed_reason ? { ill_formed_reason: o.parsed.ill_formed_reason } : {}),
      metadata: { sid },
      raw_output: o.raw,
      tokens_exact: o.tokens_exact,
      duration_ms: performance.now() - t0,
      upstream_ms: o.upstream_ms,
    });
  const successTraffic = (o: TurnOutcome) =>
    traffic({
      http_status: 200,
      outcome: "success",
      status: o.parsed.ill_formed ? "ill_formed" : o.gen.finish_reason,
      message: `${promptIds.length} prompt + ${o.gen.output_ids.length} output tokens; ${Math.round(prepare_ms * 10) / 10} ms to render`,
      sid,
    });

  if (!stream) {
    try {
      const g = await generate(wire, enc, body, messages, tools, rendered.value, promptIds, ctrl.signal);
      if (ctrl.signal.aborted) {
        traffic({ http_status: 499, outcome: "rejected", status: "client_disconnected", message: "The agent went away before the answer; the turn is not recorded.", sid });
        return new Response(null, { status: 499 });
      }
      if (!g.ok) return fail(wireErrorOf(g.error), sid, session);
      const reply = wire.buildReply(g.value.parsed, g.value.gen.finish_reason);
      const res = Response.json(wire.json(body, reply, promptIds.length, g.value.gen.output_ids.length));
      record(g.value);
      successTraffic(g.value);
      return res;
    } finally {
      done();
    }
  }

  const writer = wire.stream(body);
  const encoder = new TextEncoder();
  let cancelled = false;
  const sse = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (s: string) => {
        if (!cancelled) controller.enqueue(encoder.encode(s));
      };
      send(writer.start(promptIds.length));
      const ping = setInterval(() => send(writer.ping()), PING_MS);
      void (async () => {
        try {
          const g = await generate(wire, enc, body, messages, tools, rendered.value, promptIds, ctrl.signal);
          clearInterval(ping);
          if (cancelled || ctrl.signal.aborted) {
            traffic({ http_status: 499, outcome: "rejected", status: "client_disconnected", message: "The agent went away before the answer; the turn is not recorded.", sid });
            if (!cancelled) {
              // Stopped by finish/drop: the agent still gets a terminated stream.
              send(writer.error({ kind: "unavailable", status: 503, message: `session ${JSON.stringify(sid)} was closed during the turn` }));
              controller.close();
            }
            return;
          }
          if (!g.ok) {
            const e = wireErrorOf(g.error);
            noteError(session, e.message);
            traffic({ http_status: 200, outcome: e.status === 504 ? "timeout" : "failed", status: "upstream_error", message: e.message, sid });
            send(writer.error(e));
            controller.close();
            return;
          }
          const reply = wire.buildReply(g.value.parsed, g.value.gen.finish_reason);
          for (const frame of writer.finish(reply, promptIds.length, g.value.gen.output_ids.length)) send(frame);
          if (cancelled) return;
          controller.close();
          record(g.value);
          successTraffic(g.value);
        } catch (e) {
          clearInterval(ping);
          console.error("[agent-proxy] turn failed", e);
          send(writer.error({ kind: "internal", status: 500, message: "The proxy failed during the turn; see the server log." }));
          if (!cancelled) controller.close();
        } finally {
          done();
        }
      })();
    },
    cancel() {
      cancelled = true;
      ctrl.abort(new Error("client disconnected"));
    },
  });
  return new Response(sse, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", connection: "keep-alive", "x-accel-buffering": "no" },
  });
}
