import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { ChatWorkbench } from "@/components/chat/chat-workbench";
import { InspectHandoff } from "@/components/chat/inspect-handoff";
import { apiKeyState } from "@/lib/rollout/api-keys";
import { chatSessionIdSchema } from "@/lib/rollout/chat-session-schema";
import { chatSessionCookie } from "@/lib/workspace/cookie";
import { createChatSession, createSessionFromHandoff, getChatSession, initialSettings } from "@/lib/rollout/chat-session-store";
import { isRunLive } from "@/lib/rollout/live-runs";
import { findReplaySample } from "@/lib/rollout/samples";
import { backendStatuses } from "@/lib/sandbox/registry";
import { chatPageParamsSchema } from "./schema";

export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function ChatPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = await searchParams;
  const flat = Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === "string"));
  const p = chatPageParamsSchema.safeParse(flat);
  const params = p.success ? p.data : {};

  const existing = params.session ? await getChatSession(params.session) : null;
  // The header link (no session, no hand-off): back to the last chat session this browser used.
  if (!existing && !params.session && flat.new === undefined && params.prompt === undefined && !params.sample && !params.inspect) {
    const last = chatSessionIdSchema.safeParse((await cookies()).get(chatSessionCookie)?.value);
    if (last.success && (await getChatSession(last.data))) redirect(`/chat?session=${last.data}`);
  }
  if (!existing) {
    // Inspect sends long transcripts by reference: fetch them in the browser, then create the session.
    if (params.inspect && params.assistant === undefined && params.prompt !== undefined)
      return <InspectHandoff reference={params.inspect} file={params.inspect_file ?? ""} prompt={params.prompt} />;
    let created;
    if (params.prompt !== undefined)
      created = await createSessionFromHandoff({
        prompt: params.prompt,
        label: params.label ?? null,
        system: params.system ?? null,
        assistant: params.assistant ?? null,
        turn: params.turn ?? null,
        source: params.inspect_file ?? "Inspect",
      });
    else {
      const sample = params.sample ? findReplaySample(params.sample) : undefined;
      const base = initialSettings();
      created = await createChatSession(
        sample
          ? { ...base, prompt: sample.prompt, label: sample.label, endpoint: { ...base.endpoint, kind: "replay", replay_sample: sample.id } }
          : base,
      );
    }
    // The session lives in the URL so a reload (or a shared link) finds it again. A hand-off's
    // own parameters stay visible beside it (they are ignored once the session exists).
    const next = new URLSearchParams({ session: created.id });
    for (const [k, v] of Object.entries(flat)) if (k !== "session" && k !== "run" && k !== "new") next.set(k, v);
    redirect(`/chat?${next.toString()}`);
  }

  const sandboxes = await backendStatuses();
  const runId = params.run && existing.runs.some((r) => r.id === params.run) ? params.run : undefined;
  return (
    <ChatWorkbench
      key={existing.id}
      session={existing}
      {...(runId ? { initialRunId: runId } : {})}
      apiKey={apiKeyState(existing.id)}
      sandboxes={sandboxes}
      liveRunIds={existing.runs.filter((r) => isRunLive(r.id)).map((r) => r.id)}
    />
  );
}
