import "server-only";
import { chatSessionIdSchema } from "@/lib/rollout/chat-session-schema";
import { listSandboxes } from "@/lib/service/ms-enclave/manager";
import { closeSession, listSessions } from "@/lib/sandbox/sessions";
import { appError } from "@/lib/errors";
import { err, ok, type Result } from "@/lib/result";
import { ATTACH_PREFIX } from "@/lib/service/e2b/attach";
import { getSandbox as getE2BSandbox } from "@/lib/service/e2b/sandboxes";
import type { BackendName } from "@/lib/sandbox/types";
import { sessionIdSchema, sessionTitle } from "@/lib/workspace/schema";
import type { EditorSessionRow } from "./schema";
import { deleteWorkspace, listWorkspaces } from "./store";

// The Editor's session list: saved workspaces, live sandbox sessions (Editor and Chat), and the
// sandboxes ms-enclave clients hold. Each row opens in the Editor on its own files.

/**
 * Deletes an Editor session: its saved workspace and its sandboxes (files included). Other kinds
 * (a Chat session's sandbox, ms-enclave, E2B) belong to their clients and are not deleted here.
 */
export async function deleteEditorSession(id: string): Promise<Result<{ deleted: boolean }>> {
  if (!sessionIdSchema.safeParse(id).success || id.startsWith(ATTACH_PREFIX) || id.startsWith("ms-enclave-") || chatSessionIdSchema.safeParse(id).success) {
    return err(appError("bad_request:session", "Only Editor sessions can be deleted here."));
  }
  const deleted = await deleteWorkspace(id);
  await closeSession(id);
  return ok({ deleted });
}

export async function editorSessions(): Promise<EditorSessionRow[]> {
  const rows = new Map<string, EditorSessionRow>();
  const row = (id: string, kind: EditorSessionRow["kind"]): EditorSessionRow => {
    let r = rows.get(id);
    if (!r) {
      r = { id, kind, live: [], isolation: null, running: 0, last_used_ms: 0, expires_at_ms: null, saved: null, title: null, named: false, url: "" };
      rows.set(id, r);
    }
    return r;
  };
  const enclave = new Map(listSandboxes().filter((s) => s.status !== "stopped").map((s) => [s.id, s]));
  // A saved workspace keeps the kind its id was made for (ms-enclave ids carry their label).
  const kindOf = (id: string): EditorSessionRow["kind"] =>
    enclave.has(id) || id.startsWith("ms-enclave-") ? "ms-enclave" : chatSessionIdSchema.safeParse(id).success ? "chat" : "editor";
  for (const s of listSessions()) {
    // A live E2B sandbox (attached: the Editor opens it beside the job that owns it).
    if (s.id.startsWith(ATTACH_PREFIX)) {
      const sb = getE2BSandbox(s.id.slice(ATTACH_PREFIX.length));
      if (!sb) continue;
      const r = row(s.id, "e2b");
      r.live.push(s.backend);
      r.isolation = s.isolation;
      r.running += s.running;
      r.last_used_ms = Math.max(sb.startedAt, s.last_used_ms);
      r.expires_at_ms = sb.endAt;
      r.e2b = { image_asked: sb.imageAsked ?? null, image_used: sb.imageUsed, metadata: sb.metadata, end_at_ms: sb.endAt, note: [sb.imageNote, ...sb.limitations].filter(Boolean).join("; ") || null };
      continue;
    }
    // Other held sessions (batch jobs, the service API's one-shot sandboxes) end on their own.
    if (s.held && !enclave.has(s.id)) continue;
    if (!sessionIdSchema.safeParse(s.id).success) continue;
    const r = row(s.id, kindOf(s.id));
    r.live.push(s.backend);
    r.isolation ??= s.isolation;
    r.running += s.running;
    r.last_used_ms = Math.max(r.last_used_ms, s.last_used_ms);
    if (s.expires_at_ms !== null) r.expires_at_ms = Math.max(r.expires_at_ms ?? 0, s.expires_at_ms);
  }
  for (const w of await listWorkspaces()) {
    if (!sessionIdSchema.safeParse(w.id).success) continue;
    const r = row(w.id, kindOf(w.id));
    r.saved = { tool: w.workspace.tool, backend: w.workspace.backend, updated_ms: w.updated_ms };
    r.title = sessionTitle(w.workspace);
    r.named = Boolean(w.workspace.name);
    r.last_used_ms = Math.max(r.last_used_ms, w.updated_ms);
  }
  for (const r of rows.values()) {
    // An Editor page that was only opened (its file list opened a sandbox) holds nothing to go back to.
    if (r.kind === "editor" && !r.saved && r.running === 0) rows.delete(r.id);
  }
  for (const r of rows.values()) {
    // Open where its files are: the live sandbox, else the backend the workspace last used.
    const backend: BackendName = r.live[0] ?? r.saved?.backend ?? "local";
    r.url = `/editor?session=${encodeURIComponent(r.id)}&backend=${backend}`;
  }
  return [...rows.values()].sort((a, b) => b.last_used_ms - a.last_used_ms);
}
