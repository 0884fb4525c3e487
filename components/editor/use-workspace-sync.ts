"use client";

import { useCallback, useEffect, useRef } from "react";
import type { WorkspacePut } from "@/app/api/editor/workspaces/[sessionId]/schema";
import { markWorkspaceFlush, rememberEditorSession } from "@/lib/workspace/cookie";
import { mergeScratch } from "@/lib/workspace/schema";

/** Merges two patches; scratch buffers merge per buffer, everything else is last-wins. */
function merge(a: WorkspacePut, b: WorkspacePut): WorkspacePut {
  const out: WorkspacePut = { ...a, ...b };
  if (a.scratch || b.scratch) out.scratch = mergeScratch(a.scratch, b.scratch);
  // Still only a seed when every part of it is one (an empty patch is no part).
  const seedOnly = (p: WorkspacePut) => p.seed === true || Object.keys(p).length === 0;
  if (seedOnly(a) && seedOnly(b)) out.seed = true;
  else delete out.seed;
  return out;
}

// Save numbers follow the clock (and always go up), so saves from different page loads and tabs order.
let lastSeq = 0;
const nextSeq = () => (lastSeq = Math.max(lastSeq + 1, Date.now()));

/**
 * Sends what the person changes to the session's workspace on the server: debounced while typing,
 * and at once (fetch keepalive) when the page is hidden or left, so a reload loses nothing.
 */
export function useWorkspaceSync(sessionId: string) {
  const pending = useRef<WorkspacePut | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  /** Saves sent and not yet answered, by number: what each carried and whether it outlives the page. */
  const inflight = useRef(new Map<number, { body: WorkspacePut; keepalive: boolean }>());

  /**
   * Sends what is pending; resolves once the server stored it (or the attempt failed). Each save
   * carries every change not yet answered, so the server can drop a save older than one it applied.
   * With `keepalive`, a save already on its way as a plain fetch (the debounce sent it) is sent again:
   * the page going away cancels a plain fetch, and the next page would wait for a save that never comes.
   */
  const flush = useCallback(
    async (keepalive = false): Promise<void> => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      // (Not when a keepalive save sent later already carries it: pagehide follows beforeunload.)
      const sent = [...inflight.current];
      const lastAlive = Math.max(-1, ...sent.filter(([, s]) => s.keepalive).map(([k]) => k));
      const resend = keepalive && sent.some(([k, s]) => !s.keepalive && k > lastAlive);
      if (!pending.current && !resend) return;
      let body: WorkspacePut = {};
      for (const [, s] of [...inflight.current].sort(([a], [b]) => a - b)) body = merge(body, s.body);
      if (pending.current) body = merge(body, pending.current);
      pending.current = null;
      const seq = nextSeq();
      const json = JSON.stringify({ ...body, seq });
      // keepalive bodies are capped at 64 KiB by browsers; larger ones go as a normal request.
      const alive = keepalive && json.length < 60_000;
      inflight.current.set(seq, { body, keepalive: alive });
      try {
        const res = await fetch(`/api/editor/workspaces/${encodeURIComponent(sessionId)}`, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: json,
          keepalive: alive,
        });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        // Stored: every save sent before it is carried by it.
        for (const k of [...inflight.current.keys()]) if (k <= seq) inflight.current.delete(k);
      } catch {
        // A later save that was stored carried these changes already.
        if (!inflight.current.delete(seq)) return;
        // Offline or the server restarted: keep the edits for the next attempt.
        pending.current = pending.current ? merge(body, pending.current) : body;
      }
    },
    [sessionId],
  );

  const save = useCallback(
    (patch: WorkspacePut, now = false) => {
      pending.current = pending.current ? merge(pending.current, patch) : patch;
      // Named now, not only as the page unloads: a cookie written during unload can miss the
      // request of the page that follows, which then reads the workspace without this change.
      // The save that carries the change gets a later number, so waiting for this one suffices.
      markWorkspaceFlush(sessionId, nextSeq());
      if (timer.current) clearTimeout(timer.current);
      if (now) void flush();
      else timer.current = setTimeout(() => void flush(), 250);
    },
    [flush, sessionId],
  );

  useEffect(() => {
    rememberEditorSession(sessionId);
    // beforeunload, not only pagehide: on a reload pagehide fires after the new page was requested,
    // so the save would arrive after the server had already read the workspace.
    const onLeave = () => {
      void flush(true);
      // The next page (a reload) waits on the server for the newest save still under way.
      if (inflight.current.size > 0) markWorkspaceFlush(sessionId, Math.max(...inflight.current.keys()));
    };
    const onVisibility = () => document.visibilityState === "hidden" && void flush(true);
    window.addEventListener("beforeunload", onLeave);
    window.addEventListener("pagehide", onLeave);
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      window.removeEventListener("beforeunload", onLeave);
      window.removeEventListener("pagehide", onLeave);
      document.removeEventListener("visibilitychange", onVisibility);
      // Client-side navigation (the header links) unmounts without a pagehide.
      onLeave();
    };
  }, [sessionId, flush]);

  // Before a run: the edits being run are stored first, so a reload during the run shows them
  // even when the unload save is dropped (bodies over the keepalive cap are).
  const settle = useCallback(() => flush(), [flush]);

  return { save, settle };
}
