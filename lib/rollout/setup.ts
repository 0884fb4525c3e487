import "server-only";
import { serverEnv } from "@/lib/env";
import { err, ok, type Result } from "@/lib/result";
import { computeReward, lenientCheck, rewardView } from "@/lib/reward";
import { runTool } from "@/lib/sandbox/sessions";
import type { BackendName } from "@/lib/sandbox/types";
import type { RewardInput, ToolRunner } from "./loop";
import { recordLocalSandboxCall } from "@/lib/service/agent-proxy/sessions";
import { registeredToolNames } from "@/lib/sandbox/tools";
import { createAgentProxyModel } from "./models/agent-proxy";
import { createOpenAiChatModel, createOpenAiCompletionsModel } from "./models/openai";
import { createReplayModel } from "./models/replay";
import { createSglangModel } from "./models/sglang";
import type { ModelBackend, ModelEndpoint, ModelError } from "./models/types";
import { findReplaySample, type ReplaySample } from "./samples";
import type { RewardRecord } from "./transcript";

// Wires a rollout to the real world: model backend from the endpoint settings,
// code_interpreter through the sandbox session manager, reward from lib/reward.

export type ModelSetup = Result<ModelBackend, ModelError>;

/** The key to use: one given for this session, else the env default. Never leaves the server. */
export function effectiveApiKey(sessionKey: string | undefined): string | undefined {
  return sessionKey || serverEnv().PLAYGROUND_MODEL_API_KEY;
}

export function createModel(
  endpoint: ModelEndpoint,
  opts: { apiKey?: string; replay?: { turns: readonly string[]; name?: string }; agentSession?: string } = {},
): ModelSetup {
  const timeoutMs = endpoint.timeout_s * 1000;
  if (endpoint.kind === "agent-proxy") {
    // The proxy's upstream (PLAYGROUND_AGENT_UPSTREAM) unless the settings name an SGLang server.
    if (endpoint.url) {
      try {
        new URL(endpoint.url);
      } catch {
        return { ok: false, error: { code: "bad_request:model", message: `"${endpoint.url}" is not a URL (expected an SGLang server, e.g. http://127.0.0.1:30000).` } };
      }
    }
    return ok(createAgentProxyModel({ sid: opts.agentSession ?? `chat-${Date.now().toString(36)}`, timeoutMs, ...(endpoint.url ? { upstream: endpoint.url } : {}) }));
  }
  if (endpoint.kind === "replay") {
    if (opts.replay) return ok(createReplayModel(opts.replay.turns, opts.replay.name));
    const sample = findReplaySample(endpoint.replay_sample);
    if (!sample)
      return {
        ok: false,
        error: { code: "bad_request:model", message: `There is no shipped sample "${endpoint.replay_sample}" to replay.` },
      };
    return ok(createReplayModel(sample.assistant_turns, `sample "${sample.title}"`));
  }
  const url = endpoint.url || serverEnv().PLAYGROUND_MODEL_URL;
  if (!url)
    return err<ModelError>({
        code: "bad_request:model",
        message: "No model server URL is set. Enter the endpoint in the settings or set PLAYGROUND_MODEL_URL.",
      });
  try {
    new URL(url);
  } catch {
    return { ok: false, error: { code: "bad_request:model", message: `"${url}" is not a URL (expected e.g. http://127.0.0.1:30000).` } };
  }
  const apiKey = opts.apiKey;
  const model = endpoint.model || serverEnv().PLAYGROUND_MODEL_NAME;
  switch (endpoint.kind) {
    case "sglang":
      return ok(createSglangModel({ url, apiKey, timeoutMs }));
    case "openai-completions":
    case "openai-chat":
      if (!model)
        return err<ModelError>({ code: "bad_request:model", message: "Choose a model name (the server's /v1/models lists them)." });
      return ok(
        endpoint.kind === "openai-chat"
          ? createOpenAiChatModel({ url, apiKey, model, timeoutMs })
          : createOpenAiCompletionsModel({ url, apiKey, model, timeoutMs }),
      );
  }
}

/** The sandbox tools a chat on the agent proxy offers the model: every tool the registry has. */
export function agentSandboxToolNames(): string[] {
  return registeredToolNames();
}

/**
 * code_interpreter in a sandbox session; the rollout's stop signal cancels the run. With
 * `agentSession`, any sandbox tool by name (in a sandbox of its own that declares them all), each
 * run put on that agent session's timeline.
 */
export function sandboxToolRunner(opts: {
  sessionId: string;
  backend: BackendName;
  agentSession?: string;
}): ToolRunner {
  const agentSid = opts.agentSession;
  return {
    ...(agentSid
      ? {
          async run(name: string, args: unknown, signal: AbortSignal) {
            const time = Date.now();
            const names = agentSandboxToolNames();
            const result = signal.aborted
              ? { tool_name: name, status: "cancelled" as const, output: "", duration_ms: 0 }
              : await runTool({
                  // A config applies when a sandbox is created: the agent's sandbox declares every tool.
                  sessionId: `${opts.sessionId}-agent`.slice(0, 64),
                  backend: opts.backend,
                  tool: name,
                  args,
                  signal,
                  config: { tools_config: Object.fromEntries(names.map((n) => [n, {}])) },
                });
            const a = (args && typeof args === "object" ? args : {}) as Record<string, unknown>;
            const code = [a.code, a.command, a.cmd].find((v): v is string => typeof v === "string") ?? JSON.stringify(args);
            recordLocalSandboxCall(agentSid, {
              id: `chat-${time.toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
              time,
              api: "chat",
              route: `tool ${name}`,
              status: result.status,
              outcome: result.status === "success" ? "success" : result.status === "timeout" ? "timeout" : "failed",
              tool_name: name,
              ...(typeof a.language === "string" ? { language: a.language } : {}),
              code: code.slice(0, 4000),
              ...(result.output ? { stdout: result.output.slice(0, 4000) } : {}),
              ...(result.error ? { message: result.error.slice(0, 1000) } : {}),
              run_ms: result.duration_ms,
            });
            return result;
          },
        }
      : {}),
    async codeInterpreter(code, signal) {
      if (signal.aborted)
        return { tool_name: "code_interpreter", status: "cancelled", output: "Error: Code execution cancelled", duration_ms: 0 };
      return runTool({
        sessionId: opts.sessionId,
        backend: opts.backend,
        tool: "code_interpreter",
        args: { code },
        signal,
        config: { tools_config: { code_interpreter: {} } },
      });
    },
  };
}

/** slime's verdict for `type`, the lenient check beside it, and the reward's view. */
export function rewarder(
  type: string,
  opts: { rmUrl?: string; signal?: AbortSignal } = {},
): (input: RewardInput) => Promise<RewardRecord> {
  return async (input) => {
    const outcome = await computeReward(type, input, {
      ...(opts.rmUrl ? { rmUrl: opts.rmUrl } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    let view: RewardRecord["view"];
    try {
      view = rewardView(type, input);
    } catch {
      view = undefined;
    }
    const lenient = lenientCheck(input.response, input.label);
    if (!outcome.ok) return { type, score: null, error: outcome.error.message, lenient, ...(view ? { view } : {}) };
    const r = outcome.value;
    return {
      type,
      score: r.score,
      ...(r.acc !== undefined ? { acc: r.acc } : {}),
      ...(r.pred !== undefined ? { pred: r.pred } : {}),
      lenient,
      ...(view ? { view } : {}),
    };
  };
}

export type { ReplaySample };
