/**
 * Asks the server to cancel a run. A route handler, not a server action: Next runs a client's
 * actions one at a time, so a cancel action would wait behind the very run it should stop.
 * A click right after Run can beat the run to the server: ask again briefly while it is in flight.
 */
export async function requestCancel(runId: string, stillRunning: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 20 && stillRunning(); attempt++) {
    const res = await fetch(`/api/runs/${encodeURIComponent(runId)}/cancel`, { method: "POST" }).catch(() => null);
    const body = (await res?.json().catch(() => null)) as { cancelled?: boolean } | null;
    if (body?.cancelled) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function newRunId(): string {
  return crypto.randomUUID().replace(/-/g, "");
}

export function unreachable(e: unknown): string {
  return `The server did not answer (${e instanceof Error ? e.message : String(e)}). Is it still running?`;
}
