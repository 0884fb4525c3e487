// A Chat run as files a teammate can open: one slime `Sample` as a JSON line (Inspect and
// `cli read` read it back field for field) and one self-contained HTML page (the same renderer as
// Inspect's Export HTML, fed the run's Sample read back as Inspect reads it). Isomorphic (pure).
import { sampleHtml } from "@/lib/data/export-html";
import { normalizeRecord } from "@/lib/data/normalize";
import type { NormalizedSample } from "@/lib/data/types";
import type { ChatRun } from "./chat-session-schema";
import type { RolloutSample } from "./transcript";

export { runSample } from "./run-sample";

/** One JSON line, the Sample's own fields in its own order: nothing is renamed or dropped. */
export function runJsonl(sample: RolloutSample): string {
  return `${JSON.stringify(sample)}\n`;
}

/** The Sample as Inspect sees it (the JSON line read back), for the HTML page and presenting. */
export function runNormalized(sample: RolloutSample): NormalizedSample {
  return normalizeRecord("slime", JSON.parse(JSON.stringify(sample)) as unknown, { row: 0, line: 1 });
}

export function runTitle(sessionId: string, run: ChatRun): string {
  return `Chat session ${sessionId} · run ${run.n}`;
}

export function runHtml(sessionId: string, run: ChatRun, sample: RolloutSample, pieces: string[] | null, generatedAt: string, banner?: string): string {
  return sampleHtml({
    sample: runNormalized(sample),
    source: runTitle(sessionId, run),
    pieces,
    generatedAt,
    origin: "Chat",
    ...(banner ? { banner } : {}),
  });
}

/** A file name for the run's exports. */
export function runFileName(sessionId: string, run: ChatRun, ext: "jsonl" | "html"): string {
  return `chat-${sessionId.slice(0, 8)}-run${run.n}.${ext}`;
}
