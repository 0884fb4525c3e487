import type { ToolResult } from "@/lib/sandbox/types";
import { formatBytes } from "./format";

export type Stream = "stdout" | "stderr" | "output";

/**
 * The line that ends a stream cut at the output limit, or null when that stream was not cut.
 * With the backend's byte counts it says how much was dropped and the limit; without them, that
 * the rest was dropped. `lastShown` marks the block that carries the note when counts are missing.
 */
export function truncationNote(r: ToolResult, stream: Stream, lastShown: boolean): string | null {
  if (!r.truncated) return null;
  const cut = stream !== "output" ? r.output_cut?.[stream] : undefined;
  if (cut && r.output_bytes) {
    const kept = formatBytes(Math.floor(r.output_bytes.limit / 2));
    return `… output cut here: ${formatBytes(cut.dropped)} dropped (${cut.written.toLocaleString("en-US")} bytes written; the limit is ${formatBytes(r.output_bytes.limit)} per stream). Above: the first ${kept}; below: the last ${kept}.`;
  }
  const b = r.output_bytes;
  if (b && stream !== "output") {
    const written = b[stream];
    if (written <= b.limit) return null;
    return `… output cut here: ${formatBytes(written - b.limit)} dropped (${written.toLocaleString("en-US")} bytes written; the limit is ${formatBytes(b.limit)} per stream).`;
  }
  if (b && stream === "output") {
    const dropped = Math.max(0, b.stdout - b.limit) + Math.max(0, b.stderr - b.limit);
    return dropped > 0 && lastShown ? `… output cut here: ${formatBytes(dropped)} dropped (the limit is ${formatBytes(b.limit)} per stream).` : null;
  }
  return lastShown ? "… output cut here at the output limit; the rest was dropped (this backend did not report how much)." : null;
}
