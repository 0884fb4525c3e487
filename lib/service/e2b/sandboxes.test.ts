// E2B sandboxes live under the one lifecycle owner (lib/sandbox/sessions.ts): the E2B timeout is the
// session's deadline, set timeout moves it, the manager's expiry ends the sandbox (container gone,
// later calls told why), and a kill goes through the manager too. Real Docker, no HTTP.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetServerEnvForTests } from "@/lib/env";
import { dockerGate } from "@/lib/sandbox/backends/docker-test-gate";
import { getSession, listSessions, sessionUsage, shutdownSessions } from "@/lib/sandbox/sessions";
import { attachSessionId } from "./attach";
import { newSandboxSchema } from "./schema";
import { agentCall } from "./agent-call";
import { createSandbox, getSandbox, goneReason, killSandbox, ownerOf, setSandboxTimeout, type E2BSandbox } from "./sandboxes";

const gate = await dockerGate();

function containerExists(sb: E2BSandbox): boolean {
  return execFileSync("docker", ["ps", "-aq", "--no-trunc", "--filter", `id=${sb.box!.id}`], { encoding: "utf8" }).trim() !== "";
}

async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function create(timeout: number): Promise<E2BSandbox> {
  const r = await createSandbox(newSandboxSchema.parse({ templateID: "base", timeout }), ownerOf("e2b_test"));
  if (!r.ok) throw new Error(r.error.message);
  return r.sandbox;
}

describe.skipIf(!gate.run)("E2B sandboxes under the session manager", () => {
  beforeAll(() => {
    process.env.PLAYGROUND_E2B_POOL_SIZE = "0";
    resetServerEnvForTests();
  });
  afterAll(async () => {
    await shutdownSessions();
  }, 60_000);

  it("the timeout is the session's deadline; set timeout moves it; the manager's expiry ends the sandbox", async () => {
    const sb = await create(60);
    const sid = attachSessionId(sb.id);
    const usage = sessionUsage(sid, "docker");
    expect(usage?.deadline_ms).toBe(sb.endAt);
    expect(sb.endAt - sb.startedAt).toBeGreaterThan(55_000);
    expect(listSessions().find((s) => s.id === sid)?.expires_at_ms).toBe(sb.endAt);

    // A process that would outlive its command: expiry must end it with the container.
    const started = await agentCall(sb, { op: "proc.start", cmd: "/bin/sh", args: ["-c", "setsid sleep 1000 &"], envs: {}, user: "user", stdin: false });
    expect(started.ok).toBe(true);

    setSandboxTimeout(sb, 1, "set");
    expect(sessionUsage(sid, "docker")!.deadline_ms!).toBeLessThan(Date.now() + 1500);
    // "extend" never shortens.
    setSandboxTimeout(sb, 0, "extend");
    expect(sb.endAt).toBeGreaterThan(Date.now());

    await until("the deadline to end the sandbox", () => getSandbox(sb.id) === undefined, 10_000);
    expect(goneReason(sb.id)).toBe("expired");
    await until("the container to go", () => !containerExists(sb));
    // The Editor's session stays a while and says why (it does not open a fresh sandbox under that id).
    const tomb = await getSession(sid, "docker");
    const r = await tomb.executeTool("shell_executor", { command: "true" });
    expect(JSON.stringify(r)).toContain(`The E2B sandbox ${sb.id} expired`);
  }, 90_000);

  it("a kill goes through the manager: the session closes, the container goes, the reason is kept", async () => {
    const sb = await create(120);
    const sid = attachSessionId(sb.id);
    expect(await killSandbox(sb.id, "killed")).toBe(true);
    expect(getSandbox(sb.id)).toBeUndefined();
    expect(goneReason(sb.id)).toBe("killed");
    expect(sessionUsage(sid, "docker")?.deadline_ms ?? null).toBeNull();
    await until("the container to go", () => !containerExists(sb));
    expect(await killSandbox(sb.id, "killed")).toBe(false);
  }, 90_000);
});
