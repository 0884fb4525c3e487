import "server-only";
import { AgentError, AgentUnresponsive } from "@/lib/sandbox/backends/docker-agent";
import type { RpcMessage } from "@/lib/sandbox/rpc/json-lines";
import type { E2BSandbox } from "./sandboxes";

export type AgentResult = { ok: true; value: RpcMessage } | { ok: false; code: string; message: string; gone?: boolean };

/** One request to the sandbox's envd agent (`bytes`: sent raw after it); failures are values (errno-like code + message). */
export async function agentCall(sb: Pick<E2BSandbox, "agent" | "paused">, msg: RpcMessage, timeoutMs = 60_000, bytes?: Buffer): Promise<AgentResult> {
  if (sb.paused) return { ok: false, code: "EGONE", message: "the sandbox is paused (a connect resumes it)" };
  try {
    return { ok: true, value: await sb.agent.request(msg, { timeoutMs, ...(bytes ? { bytes } : {}) }) };
  } catch (e) {
    if (e instanceof AgentError) return { ok: false, code: e.code ?? "EIO", message: e.message };
    if (e instanceof AgentUnresponsive) return { ok: false, code: "EGONE", message: `the sandbox stopped answering (${e.message})`, gone: true };
    return { ok: false, code: "EIO", message: e instanceof Error ? e.message : String(e) };
  }
}
