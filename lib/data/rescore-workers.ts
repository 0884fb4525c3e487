import "server-only";
import { globalStore } from "@/lib/global-store";
import type { RewardOutcome } from "@/lib/reward";
import { WorkerPool } from "@/lib/workers/pool";
import { runRescoreTask, type RescoreTask } from "./rescore-task";
import type { RowStore } from "./row-store";
import type { DatasetFormat } from "./types";
import { rowFlags } from "./types";

const TASK_ROWS = 128;
/** Below this many rows, starting threads costs more than it saves. */
export const RESCORE_WORKERS_MIN_ROWS = 1000;

/** Starts the re-score threads ahead of the first re-score (they load every reward's code). */
export function warmRescoreWorkers(): void {
  void pool().warm().catch(() => {});
}

/** Tasks the re-score threads have finished in this process. */
export function rescoreWorkerTasks(): number {
  return pool().completed;
}

function pool(): WorkerPool<RescoreTask, RewardOutcome[]> {
  return globalStore("inspect-rescore-pool", () => new WorkerPool<RescoreTask, RewardOutcome[]>("lib/data/rescore.worker.ts"));
}

/**
 * Scores `rows` in worker threads, a run of rows per task, and hands each outcome to `apply` in
 * the order of `rows` (so progress and results read the same as the single-thread path).
 */
export async function rescoreInWorkers(
  store: RowStore,
  rows: ArrayLike<number>,
  opts: { path: string; format: DatasetFormat; maxRecordBytes: number; rewardType: string; signal: AbortSignal },
  apply: (row: number, out: RewardOutcome) => Promise<void>,
): Promise<void> {
  const workers = pool();
  const maxInflight = workers.size * 2;
  const inflight: { rows: Int32Array; result: Promise<RewardOutcome[]> }[] = [];
  let broken = false;
  const drainOne = async () => {
    const job = inflight.shift()!;
    const outs = await job.result;
    for (let i = 0; i < job.rows.length; i++) {
      if (opts.signal.aborted) return;
      await apply(job.rows[i]!, outs[i]!);
    }
  };
  for (let start = 0; start < rows.length && !opts.signal.aborted; start += TASK_ROWS) {
    const n = Math.min(TASK_ROWS, rows.length - start);
    const task: RescoreTask = {
      path: opts.path, format: opts.format, maxRecordBytes: opts.maxRecordBytes, rewardType: opts.rewardType,
      rows: new Int32Array(n), offsets: new Float64Array(n), lengths: new Float64Array(n), lines: new Int32Array(n), tooLarge: new Uint8Array(n),
    };
    for (let i = 0; i < n; i++) {
      const row = rows[start + i]!;
      task.rows[i] = row;
      task.offsets[i] = store.offset[row]!;
      task.lengths[i] = store.byteLength[row]!;
      task.lines[i] = store.line[row]!;
      task.tooLarge[i] = store.flags[row]! & rowFlags.tooLarge ? 1 : 0;
    }
    const here = () => runRescoreTask(task);
    const result = broken
      ? here()
      : workers.run(task).catch((e: unknown) => {
          if (!broken) console.error(`[inspect] re-score worker failed, continuing in the server thread: ${(e as Error).message}`);
          broken = true;
          return here();
        });
    inflight.push({ rows: task.rows, result });
    if (inflight.length >= maxInflight) await drainOne();
  }
  while (inflight.length && !opts.signal.aborted) await drainOne();
}
