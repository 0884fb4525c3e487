// Chat sessions on real files and the real local sandbox: runs stream, persist, and re-run from an edit.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeModelServer } from "@/e2e/fixtures/fake-model-server";
import { resetServerEnvForTests } from "@/lib/env";
import { closeSession } from "@/lib/sandbox/sessions";
import { apiKeyState, setSessionApiKey } from "./api-keys";
import { startRun } from "./chat-runs";
import { createChatSession, createSessionFromHandoff, forgetCachedSessionsForTests, getChatSession, saveChatSettings } from "./chat-session-store";
import { subscribeRun } from "./live-runs";
import { defaultChatSettings } from "./settings";
import { formatRetoolPrompt } from "./template";
import type { RolloutEvent } from "./transcript";

let dir: string;
const opened: string[] = [];
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "chat-state-"));
  process.env.PLAYGROUND_STATE_DIR = dir;
  delete process.env.PLAYGROUND_MODEL_API_KEY;
  resetServerEnvForTests();
});
afterAll(async () => {
  await Promise.all(opened.map((id) => closeSession(id)));
  await rm(dir, { recursive: true, force: true });
});

async function drain(runId: string): Promise<RolloutEvent[]> {
  const events: RolloutEvent[] = [];
  for await (const e of subscribeRun(runId)!) events.push(e);
  return events;
}

describe("chat sessions", () => {
  it("runs the replay default, persists the run to disk, and re-runs from an edited tool call", async () => {
    const s = await createChatSession(defaultChatSettings());
    opened.push(s.id);
    const started = await startRun(s.id);
    if (!started.ok) throw new Error(started.error.message);
    // A second run while one is going is refused.
    expect(await startRun(s.id)).toMatchObject({ ok: false, error: { code: "conflict:run" } });
    const events = await drain(started.value.id);
    expect(events.at(-1)).toMatchObject({ type: "done", status: "completed" });

    forgetCachedSessionsForTests();
    const reloaded = await getChatSession(s.id);
    const run = reloaded!.runs[0]!;
    expect(run.state).toBe("done");
    expect(run.record?.reward?.score).toBe(1);
    expect(run.record?.turns[0]?.tool_calls[0]?.result?.output).toBe("Output:\n2870");

    const rerun = await startRun(s.id, { run_id: run.id, turn: 0, code: "print(sum(k * k for k in range(1, 20)))" });
    if (!rerun.ok) throw new Error(rerun.error.message);
    expect(rerun.value.parent).toEqual({ run_id: run.id, turn: 0, what: "code" });
    await drain(rerun.value.id);
    const after = (await getChatSession(s.id))!.runs[1]!.record!;
    expect(after.turns[0]!.edited).toBe(true);
    expect(after.turns[0]!.tool_calls[0]!.result!.output).toBe("Output:\n2470");
    // The replayed answer still says 2870: slime's reward does not care what the code printed.
    expect(after.reward?.score).toBe(1);
    expect(await readdir(path.join(dir, "chat-sessions"))).toContain(`${s.id}.json`);
  });

  it("opens a recorded trajectory handed over by Inspect and replays its turns", async () => {
    const s = await createSessionFromHandoff({
      prompt: "What is 6 times 7?",
      label: "42",
      assistant: "Let me check.\n<code>\nprint(6 * 7)\n</code>\n\n<interpreter>\nOutput:\n41\n</interpreter>\n\nAnswer: \\boxed{42}",
      source: "data.jsonl",
    });
    opened.push(s.id);
    expect(s.replay?.turns).toHaveLength(2);
    const started = await startRun(s.id);
    if (!started.ok) throw new Error(started.error.message);
    const events = await drain(started.value.id);
    const result = events.find((e) => e.type === "tool_result");
    // Live execution, not the recorded (wrong) observation.
    expect(result?.type === "tool_result" && result.result.output).toBe("Output:\n42");
    expect(events.at(-1)).toMatchObject({ type: "done", status: "completed" });
  });

  it("from a dump: a prompt templated another way is used verbatim; a live model continues after the picked turn", async () => {
    // slime's own template renders back exactly: the fields are enough, nothing verbatim.
    const retool = await createSessionFromHandoff({ prompt: "What is 6 times 7?", system: null, prompt_text: formatRetoolPrompt("What is 6 times 7?"), assistant: "Answer: \\boxed{42}", turn: 0 });
    expect(retool.settings.prompt_text).toBe("");
    const hf = "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhat is 6 times 7?<|im_end|>\n<|im_start|>assistant\n";
    const s = await createSessionFromHandoff({
      prompt: "What is 6 times 7?",
      label: "42",
      system: "Be brief.",
      prompt_text: hf,
      assistant: "Recorded turn.\n<code>\nprint(6 * 7)\n</code>\n\n<interpreter>\nOutput:\n42\n</interpreter>\n\nRecorded answer: \\boxed{41}",
      turn: 0,
      source: "rollout_3.pt",
    });
    opened.push(s.id);
    expect(s.settings.prompt_text).toBe(hf);
    expect(s.replay).toMatchObject({ from_turn: 0, turns: ["Recorded turn.\n<code>\nprint(6 * 7)\n</code>", "Recorded answer: \\boxed{41}"] });
    const server = await startFakeModelServer();
    try {
      await saveChatSettings(s.id, { ...s.settings, endpoint: { kind: "openai-completions", url: server.url, model: "fake", timeout_s: 30 } });
      const started = await startRun(s.id);
      if (!started.ok) throw new Error(started.error.message);
      const events = await drain(started.value.id);
      expect(events[0]).toMatchObject({ type: "start", header: { prompt_text: hf } });
      // Turn 1 is the recorded one (the model was not asked for it); the model writes turn 2.
      expect(server.requests).toHaveLength(1);
      expect(String(server.requests[0]!.body.prompt)).toMatch(/^<\|im_start\|>system\nBe brief\.<\|im_end\|>\n[\s\S]*Recorded turn\.[\s\S]*<\/interpreter>\n\n$/);
      const done = events.at(-1);
      expect(done).toMatchObject({ type: "done", status: "completed" });
      expect(done?.type === "done" && done.response).toContain("The interpreter printed 42.");
    } finally {
      await server.close();
    }
  });

  it("chat mode (OpenAI tools): an edited tool call is sent back as the new call and re-run", async () => {
    const server = await startFakeModelServer();
    try {
      const s = await createChatSession(
        defaultChatSettings({
          prompt: "What is 6 times 7?",
          label: "42",
          endpoint: { kind: "openai-chat", url: server.url, model: "fake", timeout_s: 30 },
        }),
      );
      opened.push(s.id);
      const first = await startRun(s.id);
      if (!first.ok) throw new Error(first.error.message);
      await drain(first.value.id);
      const base = (await getChatSession(s.id))!.runs[0]!;
      expect(base.record?.reward?.score).toBe(1);
      const second = await startRun(s.id, { run_id: base.id, turn: 0, code: "print(6 * 8)", call_index: 0 });
      if (!second.ok) throw new Error(second.error.message);
      await drain(second.value.id);
      const rec = (await getChatSession(s.id))!.runs[1]!.record!;
      expect(rec.turns[0]!.tool_calls[0]!.result!.output).toBe("Output:\n48");
      expect(rec.turns[0]!.raw).toBe(base.record!.turns[0]!.raw);
      expect(rec.reward?.score).toBeCloseTo(-1.05, 10);
      // The server saw the edited call in the assistant message it was answered against.
      const last = server.requests.filter((r) => r.path === "/v1/chat/completions").at(-1)!;
      const msgs = last.body.messages as { role: string; tool_calls?: { function: { arguments: string } }[] }[];
      expect(msgs.find((m) => m.role === "assistant")?.tool_calls?.[0]?.function.arguments).toBe('{"code":"print(6 * 8)"}');
    } finally {
      await server.close();
    }
  });

  it("keeps API keys in memory only and reports where a key comes from", async () => {
    const s = await createChatSession(defaultChatSettings());
    expect(apiKeyState(s.id)).toBeNull();
    setSessionApiKey(s.id, "sk-test-secret");
    expect(apiKeyState(s.id)).toBe("session");
    forgetCachedSessionsForTests();
    const onDisk = JSON.stringify(await getChatSession(s.id));
    expect(onDisk).not.toContain("sk-test-secret");
    setSessionApiKey(s.id, null);
    process.env.PLAYGROUND_MODEL_API_KEY = "from-env";
    resetServerEnvForTests();
    expect(apiKeyState(s.id)).toBe("env");
    delete process.env.PLAYGROUND_MODEL_API_KEY;
    resetServerEnvForTests();
  });

  it("rejects ids that are not session ids (no path tricks)", async () => {
    expect(await getChatSession("../../etc/passwd")).toBeNull();
  });
});
