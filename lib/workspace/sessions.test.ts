// The Editor's session list over real sessions: a saved workspace, live local sandboxes (an Editor
// session and a Chat session's), an ms-enclave sandbox, and a batch job's held sandbox (not listed).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { editorSessionListSchema } from "./schema";

const stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-session-list-"));
process.env.PLAYGROUND_STATE_DIR = stateDir;
process.env.PLAYGROUND_TRAFFIC_LOG = "memory";
process.env.PLAYGROUND_API_BACKEND = "local";
process.env.PLAYGROUND_SESSION_TTL_S = "600";

const { resetServerEnvForTests } = await import("@/lib/env");
resetServerEnvForTests();
const sessions = await import("@/lib/sandbox/sessions");
const store = await import("./store");
const enclave = await import("@/lib/service/ms-enclave/manager");
const { GET } = await import("@/app/api/editor/sessions/route");

afterAll(async () => {
  await enclave.resetMsEnclaveForTests();
  await sessions.shutdownSessions();
  rmSync(stateDir, { recursive: true, force: true });
});

describe("GET /api/editor/sessions", () => {
  it("lists saved workspaces, live Editor and Chat sandboxes and ms-enclave sandboxes, newest first", async () => {
    const saved = "savedonly0000000000000000000000aa";
    const editor = "editorlive000000000000000000000bb";
    const chat = "0123456789abcdef";
    await store.patchWorkspace({ sessionId: saved, tool: "shell", backend: "docker" });
    await new Promise((r) => setTimeout(r, 20));
    await store.patchWorkspace({ sessionId: editor, tool: "python" });
    const run = await sessions.runTool({ sessionId: editor, backend: "local", tool: "python_executor", args: { code: "open('kept.txt','w').write('x')" } });
    expect(run.status).toBe("success");
    await sessions.getSession(chat, "local");
    const created = await enclave.createSandbox("docker", {});
    if (!created.ok) throw new Error(created.error.message);
    const enclaveId = created.value.body.sandbox_id;
    const batch = await sessions.acquireSandbox("local", undefined, { label: "reexec" });
    if (!batch.ok) throw new Error(batch.error.message);

    const res = await GET(new Request("http://127.0.0.1/api/editor/sessions"));
    expect(res.headers.get("cache-control")).toBe("no-store");
    const rows = editorSessionListSchema.parse(await res.json());
    const byId = new Map(rows.map((r) => [r.id, r]));

    expect(byId.get(saved)).toMatchObject({ kind: "editor", live: [], saved: { tool: "shell", backend: "docker" }, expires_at_ms: null, url: `/editor?session=${saved}&backend=docker` });
    const e = byId.get(editor)!;
    expect(e).toMatchObject({ kind: "editor", live: ["local"], running: 0, saved: { tool: "python", backend: "local" }, url: `/editor?session=${editor}&backend=local` });
    // Idle: the sweep would close it one TTL after its last use.
    expect(e.expires_at_ms! - e.last_used_ms).toBeGreaterThanOrEqual(600_000);
    expect(byId.get(chat)).toMatchObject({ kind: "chat", live: ["local"], saved: null });
    // Each live row says how its runs are contained; a saved-only one has no sandbox to say it of.
    const level = (await sessions.getSession(chat, "local")).isolation;
    expect(level).toMatch(/^local · /);
    expect([e.isolation, byId.get(chat)!.isolation]).toEqual([level, level]);
    expect(byId.get(saved)!.isolation).toBeNull();
    const me = byId.get(enclaveId)!;
    expect(me).toMatchObject({ kind: "ms-enclave", live: ["local"], url: `/editor?session=${enclaveId}&backend=local` });
    // The session manager closes an idle ms-enclave sandbox after the session TTL, like any session.
    expect(me.expires_at_ms! - me.last_used_ms).toBeGreaterThanOrEqual(600_000);
    // A batch job's sandbox ends with the job: not something to open.
    expect(rows.some((r) => r.id === batch.value.id || r.id.startsWith("reexec-"))).toBe(false);
    // Newest first: the ms-enclave sandbox was used after the saved-only workspace was written.
    const order = rows.map((r) => r.id);
    expect(order.indexOf(enclaveId)).toBeLessThan(order.indexOf(saved));
    await batch.value.close();

    // A stopped ms-enclave sandbox is gone from the list.
    await enclave.deleteSandbox(enclaveId);
    const after = editorSessionListSchema.parse(await (await GET(new Request("http://127.0.0.1/api/editor/sessions"))).json());
    expect(after.some((r) => r.id === enclaveId)).toBe(false);
  }, 60_000);
});
