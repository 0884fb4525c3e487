import "server-only";
import { globalStore } from "@/lib/global-store";
import { ndjsonResponse } from "@/lib/http/write-ndjson";
import type { RolloutEvent } from "./transcript";

// Runs in progress, independent of any request: the run publishes its events here, any number of
// streams subscribe (from the first event, then live), Stop aborts it, and a dropped browser
// connection loses nothing.

interface LiveRun {
  events: RolloutEvent[];
  listeners: Set<() => void>;
  done: boolean;
  controller: AbortController;
}

const live = globalStore("chat-live-runs", () => new Map<string, LiveRun>());

/** A late subscriber catching up still finds the buffer this long after the run ended. */
const KEEP_AFTER_END_MS = 60_000;

export interface LiveRunHandle {
  readonly signal: AbortSignal;
  publish(e: RolloutEvent): void;
  /** Wakes every stream so it ends; the buffer goes a little later. */
  end(): void;
}

export function openLiveRun(runId: string): LiveRunHandle {
  const run: LiveRun = { events: [], listeners: new Set(), done: false, controller: new AbortController() };
  live.set(runId, run);
  const wake = () => {
    for (const l of run.listeners) l();
  };
  return {
    signal: run.controller.signal,
    publish(e) {
      run.events.push(e);
      wake();
    },
    end() {
      run.done = true;
      wake();
      setTimeout(() => live.delete(runId), KEEP_AFTER_END_MS).unref();
    },
  };
}

/** Every event of a run, from the first, then live until it ends. Null when the run is not live. */
export function subscribeRun(runId: string, signal?: AbortSignal): AsyncIterable<RolloutEvent> | null {
  const run = live.get(runId);
  if (!run) return null;
  return {
    async *[Symbol.asyncIterator]() {
      let i = 0;
      for (;;) {
        while (i < run.events.length) yield run.events[i++]!;
        if (run.done || signal?.aborted) return;
        await new Promise<void>((resolve) => {
          const wake = () => {
            run.listeners.delete(wake);
            signal?.removeEventListener("abort", wake);
            resolve();
          };
          run.listeners.add(wake);
          signal?.addEventListener("abort", wake, { once: true });
        });
      }
    },
  };
}

/** Stops a run: the model request is aborted and the sandbox run killed. */
export function stopRun(runId: string): boolean {
  const run = live.get(runId);
  if (!run || run.done) return false;
  run.controller.abort();
  return true;
}

/** The run is executing now. */
export function isRunLive(runId: string): boolean {
  const run = live.get(runId);
  return Boolean(run && !run.done);
}

/** This process holds the run (executing, or its buffer is still kept for late subscribers). */
export function hasLiveRun(runId: string): boolean {
  return live.has(runId);
}

/** The run's events as an NDJSON response (after `first`), until the run ends or the client goes away. */
export function liveRunResponse(signal: AbortSignal, runId: string, first?: unknown): Response {
  return ndjsonResponse(
    signal,
    async (send, aborted) => {
      if (first !== undefined) send(first);
      for await (const e of subscribeRun(runId, aborted) ?? []) send(e);
    },
    { surface: "rollouts", headers: { "x-accel-buffering": "no" } },
  );
}
