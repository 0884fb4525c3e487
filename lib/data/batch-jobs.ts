import "server-only";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { computeReward, type RewardOutcome } from "@/lib/reward";
import type { Result } from "@/lib/result";
import { acquireSandbox } from "@/lib/sandbox/sessions";
import type { BackendName, Sandbox } from "@/lib/sandbox/types";
import type { Dataset } from "./dataset";
import { hasCodeFence, stripCodeFences, type FenceMode } from "./code-fences";
import { compareOutput, reexecVerdict } from "./compare-output";
import { rewardInput } from "./rescore-task";
import { RESCORE_WORKERS_MIN_ROWS, rescoreInWorkers } from "./rescore-workers";
import { codeCells, segmentResponse } from "./segments";
import type { DatasetInfo, ReexecEvent, ReexecRecord, RescoreEvent } from "./types";
export type { ReexecEvent, RescoreEvent } from "./types";

// Batch jobs over one dataset: re-score with a reward type, re-execute code cells. This class owns
// their results; the row store gets the derived columns (rescored, re-exec state) through its
// setters so the list can filter and sort on them. Both jobs report progress through `emit` and
// stop when the signal aborts.

export interface RescorePrediction {
  score: number;
  acc?: boolean;
  pred?: string | null;
  error?: string;
}

export class BatchJobs {
  /** Bumped when a job changes derived columns, so cached list orders are recomputed. */
  version = 0;
  private rescoreType: string | null = null;
  private rescoreDone = 0;
  private disagreements = 0;
  private readonly preds = new Map<number, RescorePrediction>();
  private readonly reexec = new Map<number, ReexecRecord>();

  constructor(private readonly ds: Dataset) {}

  rescoreOf(row: number): RescorePrediction | null {
    return this.preds.get(row) ?? null;
  }

  reexecOf(row: number): ReexecRecord | null {
    return this.reexec.get(row) ?? null;
  }

  /** The jobs' part of DatasetInfo. */
  summary(): Pick<DatasetInfo, "rescore" | "reexec"> {
    const records = [...this.reexec.values()];
    return {
      rescore: this.rescoreType === null ? null : { reward_type: this.rescoreType, done: this.rescoreDone, disagreements: this.disagreements },
      reexec: records.length
        ? { done: records.length, mismatches: records.filter((r) => r.mismatches > 0).length, errors: records.filter((r) => r.errors > 0).length }
        : null,
    };
  }

  /** One export line of a job's result for a row; null when the job has not covered it. */
  exportLine(what: "rescore" | "reexec", row: number): string | null {
    const s = this.ds.store;
    const base = { row, line: s.line[row], index: s.indexOf(row), group: s.group[row] };
    if (what === "reexec") {
      const r = this.reexec.get(row);
      return r ? JSON.stringify({ ...base, ...r }) : null;
    }
    const p = this.preds.get(row);
    if (!p) return null;
    const recorded = s.rewardOf(row);
    return JSON.stringify({
      ...base, reward_type: this.rescoreType, recorded_reward: recorded, score: Number.isNaN(p.score) ? null : p.score,
      acc: p.acc ?? null, pred: p.pred ?? null, error: p.error ?? null,
      agree: p.error ? null : recorded !== null && Math.abs(recorded - p.score) < 1e-9,
    });
  }

  /** Rows whose recomputed reward differs from the recorded one (a row with none recorded cannot disagree). */
  countDisagreements(): number {
    const s = this.ds.store;
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const rs = s.rescored[i]!;
      if (Number.isNaN(rs)) continue;
      const r = s.reward[i]!;
      if (!Number.isNaN(r) && Math.abs(r - rs) >= 1e-9) n++;
    }
    return n;
  }

  async rescore(rows: ArrayLike<number>, opts: { rewardType: string; rmUrl?: string; signal: AbortSignal; emit: (e: RescoreEvent) => void }): Promise<void> {
    const started = Date.now();
    const total = rows.length;
    const store = this.ds.store;
    // A new reward type starts a fresh column; rescoring a subset with the same type keeps the rest.
    if (this.rescoreType !== opts.rewardType) {
      this.preds.clear();
      store.clearRescored();
    }
    this.rescoreType = opts.rewardType;
    this.rescoreDone = 0;
    this.disagreements = 0;
    let errors = 0;
    let last = 0;
    const remote = opts.rewardType.includes("remote_rm");
    const concurrency = remote ? 8 : 1;
    let next = 0;
    const apply = async (row: number, out: RewardOutcome): Promise<void> => {
        if (out.ok) {
          store.setRescored(row, out.value.score, out.value.acc);
          this.preds.set(row, { score: out.value.score, acc: out.value.acc, pred: out.value.pred });
        } else {
          errors++;
          store.setRescored(row, NaN);
          this.preds.set(row, { score: NaN, error: out.error.message });
        }
        this.rescoreDone++;
        if (this.rescoreDone % 64 === 0) await yieldToLoop();
        const now = Date.now();
        if (now - last > 150) {
          last = now;
          this.disagreements = this.countDisagreements();
          opts.emit({ type: "progress", done: this.rescoreDone, total, disagreements: this.disagreements, errors });
        }
    };
    const worker = async (): Promise<void> => {
      while (next < total && !opts.signal.aborted) {
        const row = rows[next++]!;
        const { sample } = await this.ds.sample(row);
        const out = await computeReward(opts.rewardType, rewardInput(sample), { rmUrl: opts.rmUrl, signal: opts.signal });
        await apply(row, out);
      }
    };
    const source = remote || total < RESCORE_WORKERS_MIN_ROWS ? null : this.ds.jsonSource();
    // Local rewards over JSON files use every core; remote_rm is I/O-bound and stays here.
    if (source) await rescoreInWorkers(this.ds.store, rows, { ...source, rewardType: opts.rewardType, signal: opts.signal }, apply);
    else await Promise.all(Array.from({ length: concurrency }, worker));
    this.disagreements = this.countDisagreements();
    this.version++;
    opts.emit({ type: "done", done: this.rescoreDone, total, disagreements: this.disagreements, errors, ms: Date.now() - started, cancelled: opts.signal.aborted });
  }

  async reexecute(rows: ArrayLike<number>, opts: { sandbox: Sandbox; signal: AbortSignal; emit: (e: ReexecEvent) => void; concurrency?: number; fences?: FenceMode }): Promise<void> {
    const fences = opts.fences ?? "as-written";
    let fenced = 0;
    const started = Date.now();
    const total = rows.length;
    let done = 0;
    let cells = 0;
    let mismatches = 0;
    let errors = 0;
    const mismatched: number[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < total && !opts.signal.aborted) {
        const row = rows[next++]!;
        const { sample } = await this.ds.sample(row);
        const rec = await reexecuteSample(opts.sandbox, sample.response, opts.signal, fences);
        if (opts.signal.aborted && rec.details.length < rec.cells) break; // partial: do not record
        this.reexec.set(row, rec);
        this.ds.store.setReexec(row, reexecVerdict(rec));
        done++;
        cells += rec.cells;
        fenced += rec.fenced ?? 0;
        if (rec.mismatches) {
          mismatches++;
          if (mismatched.length < 500) mismatched.push(row);
        }
        if (rec.errors) errors++;
        opts.emit({ type: "row", row, cells: rec.cells, mismatches: rec.mismatches, errors: rec.errors });
        opts.emit({ type: "progress", done, total, cells, mismatches, errors });
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency ?? 2 }, worker));
    this.version++;
    opts.emit({ type: "done", done, total, cells, mismatches, errors, ms: Date.now() - started, cancelled: opts.signal.aborted, mismatched_rows: mismatched.sort((a, b) => a - b), fenced_cells: fenced, fences });
  }
}

/**
 * A sandbox for re-execution from the session manager, like Editor and Chat get theirs: shutdown
 * closes it, and `await using` (or close()) gives it back. `unavailable:sandbox` when the backend
 * cannot run code; a signal aborted while it starts closes it again.
 */
export function acquireReexecSandbox(backend: BackendName, signal?: AbortSignal): Promise<Result<Sandbox>> {
  return acquireSandbox(backend, { tools_config: { code_interpreter: {} } }, { label: "reexec", signal });
}

/** Run every code cell of one sample and compare with what was recorded. */
export async function reexecuteSample(sb: Sandbox, response: string, signal: AbortSignal, fences: FenceMode = "as-written"): Promise<ReexecRecord> {
  const cells = codeCells(segmentResponse(response));
  const rec: ReexecRecord = { cells: cells.length, mismatches: 0, errors: 0, details: [], fenced: cells.filter((c) => hasCodeFence(c.code)).length, fences };
  for (const c of cells) {
    if (signal.aborted) break;
    // As written is what slime's tool runs; "strip" is what a SandboxFusion-style server runs.
    const code = fences === "strip" ? stripCodeFences(c.code) : c.code;
    const r = await sb.executeTool("code_interpreter", { code }, { signal });
    // No output at all with an error means the sandbox could not run it (not the program failing).
    const infra = r.status !== "success" && r.output === "" && r.error !== undefined;
    if (infra) rec.errors++;
    // Compare what was printed, not each format's wrapper (slime's "Output:", plain SFT tool text).
    const match = c.recorded === null ? true : !infra && compareOutput(c.recorded, r.output).match;
    if (!match) rec.mismatches++;
    rec.details.push({ cell: c.cell, match, recorded: c.recorded, live: infra ? (r.error ?? "") : r.output, status: r.status, result: r });
  }
  return rec;
}
