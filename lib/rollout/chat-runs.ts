import "server-only";
import { appError } from "@/lib/errors";
import { err, ok, type Result } from "@/lib/result";
import { sessionApiKey } from "./api-keys";
import { RECORDED_REPLAY, type ChatRun, type ChatSession } from "./chat-session-schema";
import { getChatSession, newChatId, now, saveChatSession } from "./chat-session-store";
import { isRunLive, openLiveRun, type LiveRunHandle } from "./live-runs";
import { runRollout, type ResumeFrom } from "./loop";
import type { ModelBackend, ModelError, TextModel } from "./models/types";
import { withRecordedPrefix } from "./models/replay";
import { buildResume, type RerunFrom } from "./reruns";
import { finishSession } from "@/lib/service/agent-proxy/sessions";
import { toolSpecs } from "@/lib/sandbox/tools";
import { agentSandboxToolNames, createModel, rewarder, sandboxToolRunner } from "./setup";
import type { ChatSettings } from "./settings";
import { configuredTokenizer } from "./tokens";
import { applyEvent, type RolloutEvent } from "./transcript";

// A chat run: the original or an edited re-run of a session. It executes here, publishes its events
// to live-runs and saves its record into the session as it goes.

export type { RerunFrom };

function failingModel(error: ModelError): TextModel {
  return { mode: "text", kind: "replay", complete: async () => ({ ok: false, error }) };
}

/** Starts a run (fresh, or a re-run from an edited turn of an earlier run). */
export async function startRun(sessionId: string, from?: RerunFrom, newSettings?: ChatSettings): Promise<Result<ChatRun>> {
  const session = await getChatSession(sessionId);
  if (!session) return err(appError("not_found:session", "This chat session does not exist."));
  if (session.runs.some((r) => r.state === "running" && isRunLive(r.id)))
    return err(appError("conflict:run", "A run is already in progress in this session. Stop it first."));
  // A fresh run uses the settings the form shows; they become the session's.
  if (newSettings && !from) session.settings = newSettings;

  let resume: ResumeFrom | undefined;
  let settings = session.settings;
  let parent: ChatRun["parent"];
  if (from) {
    const base = session.runs.find((r) => r.id === from.run_id);
    if (!base?.record) return err(appError("not_found:run", "The run to edit does not exist."));
    const r = buildResume({ n: base.n, record: base.record }, from);
    if (!r.ok) return r;
    resume = r.value;
    settings = base.settings;
    parent = { run_id: base.id, turn: from.turn, what: from.code !== undefined ? "code" : "text" };
  }

  const run: ChatRun = {
    id: newChatId(),
    n: session.runs.reduce((m, r) => Math.max(m, r.n), 0) + 1,
    created_at: now(),
    ...(parent ? { parent } : {}),
    settings,
    state: "running",
    record: null,
  };
  session.runs.push(run);
  const live = openLiveRun(run.id);
  await saveChatSession(session);
  void execute(session, run, live, resume);
  return ok(run);
}

async function execute(session: ChatSession, run: ChatRun, live: LiveRunHandle, resume?: ResumeFrom): Promise<void> {
  const s = run.settings;
  const notices: string[] = [];
  const { tokenizer, warning } = await configuredTokenizer(s.tokenizer_dir);
  if (warning) notices.push(warning);
  const replay =
    s.endpoint.kind === "replay" && s.endpoint.replay_sample === RECORDED_REPLAY && session.replay
      ? { turns: session.replay.turns, name: session.replay.name }
      : undefined;
  // On the agent proxy each run is one agent session (a closed session refuses more turns, as slime's).
  const agentSession = s.endpoint.kind === "agent-proxy" ? `chat-${session.id}-${run.n}` : undefined;
  const setup = createModel(s.endpoint, { apiKey: sessionApiKey(session.id), ...(replay ? { replay } : {}), ...(agentSession ? { agentSession } : {}) });
  let model: ModelBackend = setup.ok ? setup.value : failingModel(setup.error);
  // Opened from Inspect at a turn, run on a live model: the recorded turns up to it come first.
  const from = session.replay?.from_turn;
  if (!replay && session.replay && from !== undefined && model.mode === "text" && s.endpoint.kind !== "replay")
    model = withRecordedPrefix(session.replay.turns, from, model, session.replay.name);
  const publish = (e: RolloutEvent) => {
    live.publish(e);
    run.record = applyEvent(run.record, e);
  };

  let lastSave = 0;
  try {
    const events = runRollout(
      {
        prompt: s.prompt,
        label: s.label,
        system: s.system,
        ...(s.prompt_text ? { prompt_text: s.prompt_text } : {}),
        ...(agentSession ? { tools: toolSpecs(agentSandboxToolNames()) } : {}),
        sampling: s.sampling,
        max_turns: s.max_turns,
        max_tool_calls: s.max_tool_calls,
        max_context_len: s.max_context_len,
      },
      {
        model,
        tools: sandboxToolRunner({ sessionId: session.id, backend: s.sandbox, ...(agentSession ? { agentSession } : {}) }),
        tokenizer,
        ...(s.reward_type !== "none"
          ? { reward: rewarder(s.reward_type, { ...(s.rm_url ? { rmUrl: s.rm_url } : {}), signal: live.signal }) }
          : {}),
        signal: live.signal,
        ...(resume ? { resume } : {}),
        notices,
      },
    );
    for await (const e of events) {
      publish(e);
      // Deltas are many and small: persist on structural events, and at most every 2 s while streaming.
      // Not awaited: writes of one session are chained in order, and the rollout (the first token
      // above all) must not wait for the disk. The final save below is awaited.
      if (e.type !== "delta" || Date.now() - lastSave > 2000) {
        lastSave = Date.now();
        saveChatSession(session).catch((err: unknown) => console.error(`[chat] saving session ${session.id} failed`, err));
      }
    }
  } catch (e) {
    console.error(`[chat] run ${run.id} failed`, e);
    publish({
      type: "error",
      error: { code: "internal:rollout", message: "The rollout stopped on an internal error; the transcript so far is kept." },
    });
    if (run.record && !run.record.status) run.record = { ...run.record, status: "aborted" };
  } finally {
    // A run that ended (not stopped) finishes its agent session with the run's reward, as a rollout
    // would: the Agents page then shows the Samples slime trains on.
    if (agentSession && run.record?.status && run.record.status !== "aborted") {
      await finishSession(agentSession, {
        baseSample: { index: null, group_index: null, rollout_id: null, prompt: s.prompt, label: s.label },
        reward: run.record.reward?.score ?? 0,
        extraMetadata: { chat_session: session.id, chat_run: run.n },
      }).catch((e: unknown) => console.error(`[chat] finishing agent session ${agentSession} failed`, e));
    }
    run.state = "done";
    // Saved before streams end, so a reload right after "done" finds the finished run.
    await saveChatSession(session).catch((e: unknown) => console.error(`[chat] saving session ${session.id} failed`, e));
    live.end();
  }
}
