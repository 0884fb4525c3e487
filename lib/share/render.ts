import "server-only";
import { sampleHtml } from "@/lib/data/export-html";
import { getDataset, openDataset } from "@/lib/data/registry";
import type { AppErrorData } from "@/lib/errors";
import { err, ok, type Result } from "@/lib/result";
import { getChatSession } from "@/lib/rollout/chat-session-store";
import { runHtml, runSample } from "@/lib/rollout/export";
import { configuredTokenizer } from "@/lib/rollout/tokens";
import type { ShareTarget } from "./schema";

// One thing (a Chat run, an Inspect sample) as one self-contained HTML page: the file the export
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

export async function renderTarget(target: ShareTarget, banner?: string): Promise<Result<string>> {
  const at = new Date().toISOString();
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
