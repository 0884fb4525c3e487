import "server-only";
import { sampleHtml } from "@/lib/data/export-html";
import { getDataset, openDataset } from "@/lib/data/registry";
import type { AppErrorData } from "@/lib/errors";
import { err, ok, type Result } from "@/lib/result";
import { getChatSession } from "@/lib/rollout/chat-session-store";
import { runHtml, runSample } from "@/lib/rollout/export";
import { configuredTokenizer } from "@/lib/rollout/tokens";
import { liveSandbox } from "@/lib/sandbox/sessions";
import type { FileEntry } from "@/lib/sandbox/types";
import { getTrafficRecord } from "@/lib/traffic/recorder";
import { loadWorkspace } from "@/lib/workspace/store";
import type { Workspace } from "@/lib/workspace/schema";
import { editorHtml } from "./editor-html";
import type { ShareTarget } from "./schema";
import { trafficHtml } from "./traffic-html";

// One thing (a Chat run, an Inspect sample, an Editor session, a Traffic call) as one self-contained HTML page: the file the export
// buttons download and the page a read-only link shows. No script and a CSP of default-src 'none',
// so what a link shows can run nothing, by construction.

const MAX_PIECES = 50_000;

/** Each token's text from the configured tokenizer; null (ids are shown) when it has none. */
export async function tokenPieces(tokens: number[] | undefined): Promise<string[] | null> {
  if (!tokens || tokens.length > MAX_PIECES) return null;
  const { tokenizer } = await configuredTokenizer();
  try {
    return tokenizer.pieces?.(tokens) ?? null;
  } catch {
    return null;
  }
}

const gone = (what: string): AppErrorData => ({ code: "not_found:share", message: `${what} no longer exists on this server.` });

/** The open file's text: its unsaved draft, else read from the live sandbox (1 MB at most). */
const OPEN_FILE_MAX = 1_000_000;

/**
 * What an Editor session's page lists from its sandbox: only when the sandbox is already live (a
 * link looks, never starts one), read through the runtime's file primitives (no tool, no run).
 */
async function sessionFiles(sessionId: string, w: Workspace): Promise<{ files: FileEntry[] | string; openFileText: string | null }> {
  const draft = w.open_file?.draft ?? null;
  const sb = liveSandbox(sessionId, w.backend);
  if (!sb) return { files: "The session's sandbox is not running now, so its files are not listed (they are listed while the owner has it open).", openFileText: draft };
  try {
    return await sb.useRuntime(async (rt) => {
      const files = (await rt.fs.list(".")).sort((a, b) => Number(b.type === "dir") - Number(a.type === "dir") || a.name.localeCompare(b.name));
      let openFileText = draft;
      if (openFileText === null && w.open_file && w.open_file.backend === w.backend) {
        const buf = await rt.fs.read(w.open_file.path, { max_bytes: OPEN_FILE_MAX + 1 }).catch(() => null);
        if (buf) openFileText = buf.length > OPEN_FILE_MAX ? `${buf.subarray(0, OPEN_FILE_MAX).toString("utf8")}\n… (cut at 1 MB)` : buf.toString("utf8");
      }
      return { files, openFileText };
    });
  } catch (e) {
    return { files: `The files could not be listed: ${e instanceof Error ? e.message : String(e)}`, openFileText: draft };
  }
}

export async function renderTarget(target: ShareTarget, banner?: string): Promise<Result<string>> {
  const at = new Date().toISOString();
  if (target.kind === "editor_session") {
    const workspace = await loadWorkspace(target.session);
    if (!workspace) return err(gone("This Editor session"));
    const { files, openFileText } = await sessionFiles(target.session, workspace);
    return ok(editorHtml({ sessionId: target.session, workspace, files, openFileText, generatedAt: at, ...(banner ? { banner } : {}) }));
  }
  if (target.kind === "traffic_call") {
    const record = getTrafficRecord(target.call);
    if (!record) return err(gone(`Traffic call ${target.call} (the newest 10,000 calls are kept)`));
    return ok(trafficHtml({ record, generatedAt: at, ...(banner ? { banner } : {}) }));
  }
  if (target.kind === "chat_run") {
    const session = await getChatSession(target.session);
    const run = session?.runs.find((r) => r.id === target.run);
    if (!session || !run) return err(gone("This Chat run"));
    const s = runSample(run);
    if (!s.ok) return err({ code: "conflict:share", message: s.reason });
    return ok(runHtml(session.id, run, s.sample, await tokenPieces(s.sample.tokens), at, banner));
  }
  const opened = await openDataset(target.file, target.format);
  if (!opened.ok) return err(gone(`The file ${target.file}`));
  const ds = getDataset(opened.value.id);
  if (!ds || !(await ds.waitForRow(target.sample, AbortSignal.timeout(60_000)))) return err(gone(`Sample ${target.sample} of ${target.file}`));
  const { sample } = await ds.sample(target.sample);
  return ok(sampleHtml({ sample, source: ds.opts.source, pieces: await tokenPieces(sample.tokens), generatedAt: at, ...(banner ? { banner } : {}) }));
}
