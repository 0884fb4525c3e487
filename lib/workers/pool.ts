import "server-only";
import os from "node:os";
import { Worker, type ResourceLimits } from "node:worker_threads";
import { workerBundle } from "./bundle";

// A small pool of worker threads running one bundled entry (see bundle.ts). Tasks are queued and
// handed to the first idle worker; a worker that crashes fails its task and is replaced.
// The entry answers each `{id, task}` message with `{id, result}` or `{id, error}` (see serve()).

interface Job {
  id: number;
  task: unknown;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export class WorkerPool<Task, Result> {
  private workers: { w: Worker; busy: Job | null }[] = [];
  private queue: Job[] = [];
  private nextId = 1;
  private starting: Promise<void> | null = null;
  private closed = false;
  /** Tasks a worker thread has finished (not those run elsewhere after a failure). */
  completed = 0;

  constructor(
    private readonly entry: string,
    readonly size = Math.max(1, os.availableParallelism?.() ?? os.cpus().length),
    /** V8 heap limits per thread: smaller heaps collect sooner, which bounds the server's RSS. */
    private readonly resourceLimits?: ResourceLimits,
  ) {}

  private start(): Promise<void> {
    this.starting ??= workerBundle(this.entry).then((file) => {
      for (let i = 0; i < this.size; i++) this.spawn(file);
    });
    return this.starting;
  }

  private spawn(file: string) {
    const slot = { w: new Worker(file, this.resourceLimits ? { resourceLimits: this.resourceLimits } : {}), busy: null as Job | null };
    slot.w.unref();
    slot.w.on("message", (m: { id: number; result?: unknown; error?: string }) => {
      const job = slot.busy;
      slot.busy = null;
      if (job && job.id === m.id) {
        if (m.error !== undefined) job.reject(new Error(m.error));
        else {
          this.completed++;
          job.resolve(m.result);
        }
      }
      this.pump();
    });
    const fail = (e: Error) => {
      const job = slot.busy;
      slot.busy = null;
      this.workers = this.workers.filter((s) => s !== slot);
      job?.reject(new Error(`worker failed: ${e.message}`));
      if (!this.closed) {
        this.spawn(file);
        this.pump();
      }
    };
    slot.w.on("error", fail);
    slot.w.on("exit", (code) => {
      if (this.workers.includes(slot)) fail(new Error(`exited with code ${code}`));
    });
    this.workers.push(slot);
  }

  private pump() {
    for (const slot of this.workers) {
      if (slot.busy) continue;
      const job = this.queue.shift();
      if (!job) return;
      slot.busy = job;
      slot.w.ref();
      slot.w.postMessage({ id: job.id, task: job.task });
    }
    // Idle workers must not keep the process alive (CLI, tests).
    for (const slot of this.workers) if (!slot.busy) slot.w.unref();
  }

  /** Bundles the entry and starts the threads now, so the first task does not wait for them. */
  warm(): Promise<void> {
    return this.closed ? Promise.resolve() : this.start();
  }

  async run(task: Task): Promise<Result> {
    if (this.closed) throw new Error("the worker pool is closed");
    await this.start();
    return await new Promise<Result>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.queue) j.reject(new Error("the worker pool is closed"));
    this.queue = [];
    await Promise.all(this.workers.map((s) => s.w.terminate()));
    this.workers = [];
  }
}
