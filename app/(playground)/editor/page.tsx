import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { randomUUID } from "node:crypto";
import { backendStatuses } from "@/lib/sandbox/registry";
import { chooseEditorBackend } from "@/lib/workspace/editor-sandbox";
import { loadWorkspace } from "@/lib/workspace/store";
import { editorSessionCookie, pendingFlushSeq, workspaceFlushCookie } from "@/lib/workspace/cookie";
import { EditorWorkbench } from "@/components/editor/editor-workbench";
import { editorToolSchema, languageNameSchema, sessionIdSchema } from "@/lib/workspace/schema";

export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function EditorPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const jar = await cookies();
  const one = (k: string) => (typeof params[k] === "string" ? params[k] : undefined);

  const session = sessionIdSchema.safeParse(one("session"));
  if (!session.success) {
    // The session lives in the URL so a reload (or a shared link) finds the same files. Without
    // one (the header link), go back to the last session this browser used, unless asked for a new one.
    const last = one("new") === undefined ? sessionIdSchema.safeParse(jar.get(editorSessionCookie)?.value) : null;
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (typeof v === "string" && k !== "session" && k !== "new") next.set(k, v);
    next.set("session", last?.success ? last.data : randomUUID().replace(/-/g, ""));
    redirect(`/editor?${next.toString()}`);
  }

  // The page that was just left may still be sending its last edits: wait for them.
  const afterSeq = pendingFlushSeq(jar.get(workspaceFlushCookie)?.value, session.data);
  const [backends, workspace] = await Promise.all([backendStatuses(), loadWorkspace(session.data, { afterSeq })]);
  // The URL wins (a shared link), then what this session was doing, then the defaults.
  const tool = editorToolSchema.catch(workspace?.tool ?? "python").parse(one("tool"));
  const backend = chooseEditorBackend(one("backend") ?? workspace?.backend, backends);

  return (
    <EditorWorkbench
      key={`${session.data}:${backend}`}
      sessionId={session.data}
      initialTool={tool}
      initialBackend={backend}
      backends={backends}
      initialLanguage={languageNameSchema.catch(workspace?.language ?? "python").parse(one("lang"))}
      workspace={workspace}
    />
  );
}
