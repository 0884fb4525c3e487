import "server-only";
import { appError } from "@/lib/errors";
import { err, ok, type Result } from "@/lib/result";

// A bounded slot queue: at most `max` jobs run at once; the rest wait, earliest deadline first. A
// job may say how long its caller waits for the answer (`budgetMs`: verl's SandboxFusion client
// gives a run_timeout 1 request 12 s, a run_timeout 10 one 30 s); in plain arrival order a short
// request queued behind longer ones outlives its caller, who then counts a timeout as an API error.
// Without a budget a job's deadline is its arrival plus the queue timeout, so such jobs keep their
// arrival order. A job that waits longer than the queue timeout is refused with `timeout:queue`
// (HTTP 504, the status verl's sandbox client retries on) — never 429 and never a dropped connection.

export interface QueueOptions {
  name: string;
  max: number;
  timeoutMs: number;
}

export interface QueueStats {
  name: string;
  max: number;
  running: number;
  waiting: number;
  /** Jobs refused because they waited past the timeout, since start. */
  timedOut: number;
}

interface Waiter {
  grant: () => void;
  timer: NodeJS.Timeout;
  /** performance.now() by which the caller wants the answer: the order of the wait. */
  due: number;
}

export interface Queued<T> {
  value: T;
  /** ms spent waiting for a slot. */
  queue_ms: number;
}

export class BoundedQueue {
  readonly name: string;
  private max: number;
  private timeoutMs: number;
  private running = 0;
  private waiters: Waiter[] = [];
  private timedOut = 0;

  constructor(opts: QueueOptions) {
    this.name = opts.name;
    this.max = opts.max;
    this.timeoutMs = opts.timeoutMs;
  }

  /** Changes the limits (tests, env reload); queued jobs are granted if room appears. */
  configure(opts: Partial<Pick<QueueOptions, "max" | "timeoutMs">>): void {
    if (opts.max !== undefined) this.max = opts.max;
    if (opts.timeoutMs !== undefined) this.timeoutMs = opts.timeoutMs;
    this.pump();
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Jobs holding a slot now. */
  get active(): number {
    return this.running;
  }

  stats(): QueueStats {
    return { name: this.name, max: this.max, running: this.running, waiting: this.waiters.length, timedOut: this.timedOut };
  }

  /**
   * Runs `job` when a slot is free. Fails (without running it) when the wait passes the timeout (the
   * queue's, or this call's `timeoutMs`) or the signal aborts first. The job's own errors propagate.
   */
  async run<T>(job: () => Promise<T>, opts?: { signal?: AbortSignal; timeoutMs?: number; budgetMs?: number }): Promise<Result<Queued<T>>> {
    const started = performance.now();
    const timeoutMs = opts?.timeoutMs ?? this.timeoutMs;
    const got = await this.acquire(opts?.signal, timeoutMs, started + (opts?.budgetMs ?? timeoutMs));
    const queue_ms = Math.round((performance.now() - started) * 10) / 10;
    if (got !== "ok") {
      if (got === "timeout") {
        return err(
          appError(
            "timeout:queue",
            `The ${this.name} sandbox queue is full: waited ${Math.round(queue_ms / 1000)} s for one of ${this.max} slots (${this.waiters.length} still waiting). Retry later or raise PLAYGROUND_API_CONCURRENCY_${this.name.toUpperCase()}.`,
          ),
        );
      }
      return err(appError("bad_request:cancelled", "The request was cancelled while it waited in the queue."));
    }
    try {
      return ok({ value: await job(), queue_ms });
    } finally {
      this.release();
    }
  }

  private acquire(signal: AbortSignal | undefined, timeoutMs: number, due: number): Promise<"ok" | "timeout" | "aborted"> {
    if (signal?.aborted) return Promise.resolve("aborted");
    if (this.running < this.max && this.waiters.length === 0) {
      this.running++;
      return Promise.resolve("ok");
    }
    return new Promise((resolve) => {
      const onAbort = () => finish("aborted");
      const finish = (why: "ok" | "timeout" | "aborted") => {
        clearTimeout(waiter.timer);
        signal?.removeEventListener("abort", onAbort);
        if (why !== "ok") {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          if (why === "timeout") this.timedOut++;
        }
        resolve(why);
      };
      const waiter: Waiter = {
        grant: () => finish("ok"),
        timer: setTimeout(() => finish("timeout"), timeoutMs),
        due,
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      // After every waiter due no later (equal deadlines keep arrival order).
      let i = this.waiters.length;
      while (i > 0 && this.waiters[i - 1]!.due > due) i--;
      this.waiters.splice(i, 0, waiter);
    });
  }

  private release(): void {
    this.running--;
    this.pump();
  }

  private pump(): void {
    while (this.running < this.max && this.waiters.length) {
      const w = this.waiters.shift()!;
      this.running++;
      w.grant();
    }
  }
}
