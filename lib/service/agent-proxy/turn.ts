import "server-only";
import { serverEnv } from "@/lib/env";
import { err, ok, type Result } from "@/lib/result";
import type { ModelError } from "@/lib/rollout/models/types";
import type { ServiceApi } from "@/lib/service/core/api";
import { readJsonBody } from "@/lib/service/core/body";
import type { ServiceError } from "@/lib/service/core/errors";
import { serviceRoute, type CallContext, type Reply } from "@/lib/service/core/route";
import type { TrafficFields } from "@/lib/service/core/traffic";
import { isRecord, templateKwargsOf, type TemplateMessage, type TemplateTool } from "./messages";
import { parseModelOutput, type ParsedModelOutput } from "./parse-output";
import { promptEncoder, type PromptEncoder } from "./prompt";
import { noteError, openSession, getSession, recordTurn } from "./sessions";
import { openaiChat, samplingParams, sglangGenerate, type Generation } from "./upstream";
import { TURN_CAP_CODE, type AgentWire } from "./wire";

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

function upstreamError(e: ModelError): ServiceError {
  const status = e.code.startsWith("timeout:") ? 504 : e.code.startsWith("cancelled:") ? 499 : e.code === "unavailable:agent_upstream" ? 503 : 502;
  return { code: e.code, status, message: `${e.message}${e.detail ? ` (${e.detail.slice(0, 300)})` : ""}` };
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
  route: { sid: string; kwargs: Record<string, unknown>; upstream?: string },
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
  const base = route.upstream || env.PLAYGROUND_AGENT_UPSTREAM;
  if (!base) {
    return { ok: false, error: { code: "unavailable:agent_upstream", message: "No model behind the agent proxy: set PLAYGROUND_AGENT_UPSTREAM to an SGLang server (http://host:30000)." } };
  }
  const t = performance.now();
  if (env.PLAYGROUND_AGENT_UPSTREAM_KIND === "openai" && !route.upstream) {
    const r = await openaiChat(base, messages, tools, sp, signal, route);
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
    const full = enc.render([...messages, answer], tools, false, route.kwargs);
    const prefix = promptText;
    let outText = full.ok && full.value.startsWith(prefix) ? full.value.slice(prefix.length) : parsed.text;
    outText = outText.replace(/\n$/, "");
    const output_ids = enc.encode(outText);
    return { ok: true, value: { parsed, gen: { ...r.value, output_ids }, raw: outText, upstream_ms, tokens_exact: false } };
  }
  const r = await sglangGenerate(base, promptIds, sp, signal, route.sid);
  if (!r.ok) return r;
  const upstream_ms = performance.now() - t;
  const raw = r.value.output_ids.length ? enc.decode(r.value.output_ids) : "";
  return { ok: true, value: { parsed: parseModelOutput(raw, tools, enc.endTokens), gen: r.value, raw, upstream_ms, tokens_exact: true } };
}

/**
 * A JSON turn's headers. `no-transform`: Next gzips a reply to any client that accepts it, on the
 * threadpool, ~5 ms a turn for a ~1 KB body (bench:agent). `Server-Timing`: where the turn's time
 * went inside the proxy (render + tokenize, the model, the whole handler), for the agent's logs and
 * bench:agent, which subtracts it from the wall time to see the HTTP layer's share.
 */
function replyHeaders(prepareMs: number, upstreamMs: number, totalMs: number): Record<string, string> {
  const d = (x: number) => x.toFixed(2);
  return { "cache-control": "no-store, no-transform", "server-timing": `prepare;dur=${d(prepareMs)}, upstream;dur=${d(upstreamMs)}, proxy;dur=${d(totalMs)}` };
}

/** What Traffic shows of a turn, set as it goes (a stream's record is read when it ends). */
type TurnTraffic = TrafficFields & { session_id: string };

const gone = (sid: string): TurnTraffic => ({
  session_id: sid,
  outcome: "rejected",
  status: "client_disconnected",
  message: "The agent went away before the answer; the turn is not recorded.",
});

/** The route of one agent API: the service layer parses, answers errors in the API's shape and records Traffic. */
export function agentTurnRoute(wire: AgentWire, api: ServiceApi, route: string) {
  return serviceRoute<Record<string, unknown>, unknown>({
    api,
    route,
    async parse({ request }) {
      const body = await readJsonBody(request);
      if (!body.ok) return body;
      if (!isRecord(body.value)) return err({ code: "bad_request:body", message: "The request body must be a JSON object." });
      return ok(body.value);
    },
    run: (body, ctx) => runAgentTurn(wire, body, ctx),
    toTraffic(call) {
      // A refusal before the turn ran still names its session when the body was readable.
      if (call.error && call.input) return { session_id: wire.sessionId(call.request.headers, call.input) };
      return {};
    },
  });
}

/** `opts.upstream`: an SGLang base URL for this turn instead of PLAYGROUND_AGENT_UPSTREAM (Chat's endpoint setting). */
export async function runAgentTurn(
  wire: AgentWire,
  body: Record<string, unknown>,
  ctx: CallContext,
  opts: { upstream?: string } = {},
): Promise<Result<Reply<unknown>, ServiceError>> {
  const t0 = performance.now();
  const time = Date.now();
  const req = ctx.request;
  wire.preprocess(body);
  const sid = wire.sessionId(req.headers, body);
  const existing = getSession(sid);
  if (existing && existing.state !== "live") {
    return err({ code: "unavailable:agent_session", message: `session ${JSON.stringify(sid)} is closed (${existing.state}); a new rollout needs a new key` });
  }
  const session = openSession(sid, wire.name);
  const fail = (e: ServiceError): Result<never, ServiceError> => {
    noteError(session, e.message);
    return err(e);
  };
  const cap = serverEnv().PLAYGROUND_AGENT_MAX_TURNS;
  if (cap > 0 && session.requests >= cap) {
    // slime's answer, meant to kill the run (wireErrorResponse writes its exact body).
    return fail({ code: TURN_CAP_CODE, status: 429, message: `adapter: sid ${JSON.stringify(sid)} exceeded max_turns_per_sid=${cap}; killing run` });
  }
  session.requests++;

  const tr = wire.translate(body);
  if ("code" in tr) return fail(tr);
  const { messages, tools } = tr;
  if (!messages.length) return fail({ code: "bad_request:messages", message: "messages is empty: there is nothing to answer", field: "messages" });
  const encR = await promptEncoder();
  if (!encR.ok) return fail({ code: "unavailable:tokenizer", message: encR.error.message });
  const enc = encR.value;
  const kwargs = templateKwargsOf(body);
  const hasKwargs = Object.keys(kwargs).length > 0;
  const rendered = enc.render(messages, tools, true, kwargs);
  if (!rendered.ok) return fail({ code: "bad_request:chat_template", message: rendered.error.message });
  const promptIds = enc.encode(rendered.value);
  const prepare_ms = performance.now() - t0;

  const stream = body.stream === true || (req.headers.get("accept") ?? "").includes("text/event-stream");
  const ctrl = new AbortController();
  const onClientGone = () => ctrl.abort(new Error("client disconnected"));
  ctx.signal.addEventListener("abort", onClientGone, { once: true });
  let settle!: () => void;
  session.inflight.set(ctrl, new Promise<void>((r) => (settle = r)));
  const done = () => {
    session.inflight.delete(ctrl);
    ctx.signal.removeEventListener("abort", onClientGone);
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
      ...(hasKwargs ? { chat_template_kwargs: kwargs } : {}),
      raw_output: o.raw,
      tokens_exact: o.tokens_exact,
      duration_ms: performance.now() - t0,
      upstream_ms: o.upstream_ms,
    });
  const answered = (o: TurnOutcome): TurnTraffic => ({
    session_id: sid,
    outcome: "success",
    status: o.parsed.ill_formed ? "ill_formed" : o.gen.finish_reason,
    message: `${promptIds.length} prompt + ${o.gen.output_ids.length} output tokens; ${Math.round(prepare_ms * 10) / 10} ms to render and tokenize`,
  });

  if (!stream) {
    try {
      const g = await generate(wire, enc, body, messages, tools, rendered.value, promptIds, ctrl.signal, { sid, kwargs, ...(opts.upstream ? { upstream: opts.upstream } : {}) });
      if (ctrl.signal.aborted) {
        return ok({ response: new Response(null, { status: 499 }), record: () => gone(sid) });
      }
      if (!g.ok) return fail(upstreamError(g.error));
      const reply = wire.buildReply(g.value.parsed, g.value.gen.finish_reason);
      const out = wire.json(body, reply, promptIds.length, g.value.gen.output_ids.length);
      record(g.value);
      return ok({ body: out, headers: replyHeaders(prepare_ms, g.value.upstream_ms, performance.now() - t0), record: answered(g.value) });
    } finally {
      done();
    }
  }

  const writer = wire.stream(body);
  const encoder = new TextEncoder();
  let cancelled = false;
  let traffic: TurnTraffic = gone(sid);
  const sse = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (s: string) => {
        if (!cancelled) controller.enqueue(encoder.encode(s));
      };
      send(writer.start(promptIds.length));
      const ping = setInterval(() => send(writer.ping()), PING_MS);
      void (async () => {
        try {
          const g = await generate(wire, enc, body, messages, tools, rendered.value, promptIds, ctrl.signal, { sid, kwargs, ...(opts.upstream ? { upstream: opts.upstream } : {}) });
          clearInterval(ping);
          if (cancelled || ctrl.signal.aborted) {
            if (!cancelled) {
              // Stopped by finish/drop: the agent still gets a terminated stream.
              traffic = { session_id: sid, outcome: "rejected", status: "session_closed", message: "The session was closed during the turn; not recorded." };
              send(writer.error({ code: "unavailable:agent_session", message: `session ${JSON.stringify(sid)} was closed during the turn` }));
              controller.close();
            }
            return;
          }
          if (!g.ok) {
            const e = upstreamError(g.error);
            noteError(session, e.message);
            traffic = { session_id: sid, outcome: e.status === 504 ? "timeout" : "failed", status: e.code, message: e.message };
            send(writer.error(e));
            controller.close();
            return;
          }
          const reply = wire.buildReply(g.value.parsed, g.value.gen.finish_reason);
          for (const frame of writer.finish(reply, promptIds.length, g.value.gen.output_ids.length)) send(frame);
          if (cancelled) return;
          controller.close();
          record(g.value);
          traffic = answered(g.value);
        } catch (e) {
          clearInterval(ping);
          console.error("[agent-proxy] turn failed", e);
          traffic = { session_id: sid, outcome: "failed", status: "internal:agent_proxy", message: "The proxy failed during the turn." };
          send(writer.error({ code: "internal:agent_proxy", message: "The proxy failed during the turn; see the server log." }));
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
  const response = new Response(sse, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", connection: "keep-alive", "x-accel-buffering": "no" },
  });
  // Read when the stream has ended: by then the turn's task has said how it went.
  return ok({ response, record: (end) => (end.cancelled && traffic.outcome === "success" ? traffic : end.cancelled ? gone(sid) : traffic) });
}
