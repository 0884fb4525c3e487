import "server-only";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { computeReward } from "@/lib/reward";
import type { Sandbox } from "@/lib/sandbox/types";
import type { Dataset } from "./dataset";
import type { ReexecEvent, ReexecRecord, RescoreEvent } from "./types";
export type { ReexecEvent, RescoreEvent } from "./types";
import { codeCells, normalizeOutput, segmentResponse } from "./segments";

// Batch actions over a dataset: re-score with a reward type, re-execute code cells.
// Both report progress through `emit` and stop when the signal aborts.

export async function rescoreRows(
  ds: Dataset,
  rows: Uint32Array | number[],
  opts: { rewardType: string; rmUrl?: string; signal: AbortSignal; emit: (e: RescoreEvent) => void },
): Promise<void> {
  const started = Date.now();
  const total = rows.length;
  const state = { reward_type: opts.rewardType, done: 0, disagreements: 0, preds: new Map() } as NonNullable<Dataset["rescore"]>;
  // A new reward type starts a fresh column; rescoring a subset with the same type keeps the rest.
  if (ds.rescore?.reward_type === opts.rewardType) {
    state.preds = ds.rescore.preds;
  } else {
    ds.store.rescored.fill(NaN);
    ds.store.rescoredAcc.fill(-1);
  }
  ds.rescore = state;
  let errors = 0;
  let last = 0;
  const concurrency = opts.rewardType.includes("remote_rm") ? 8 : 1;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total && !opts.signal.aborted) {
      const row = rows[next++]!;
      const { sample } = await ds.sample(row);
      const out = await computeReward(
        opts.rewardType,
        { prompt: sample.prompt, response: sample.response, label: sample.label ?? "", tool_call_count: sample.tool_call_count ?? 0, metadata: sample.metadata },
        { rmUrl: opts.rmUrl, signal: opts.signal },
      );
      if (out.ok) {
        ds.store.rescored[row] = out.score;
        ds.store.rescoredAcc[row] = out.acc === undefined ? -1 : out.acc ? 1 : 0;
        state.preds.set(row, { score: out.score, acc: out.acc, pred: out.pred });
      } else {
        errors++;
        ds.store.rescored[row] = NaN;
        state.preds.set(row, { score: NaN, error: out.error });
      }
      state.done++;
      if (state.done % 64 === 0) await yieldToLoop();
      const now = Date.now();
      if (now - last > 150) {
        last = now;
        state.disagreements = countDisagreements(ds);
        opts.emit({ type: "progress", done: state.done, total, disagreements: state.disagreements, errors });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  state.disagreements = countDisagreements(ds);
  ds.markChanged();
  opts.emit({ type: "done", done: state.done, total, disagreements: state.disagreements, errors, ms: Date.now() - started, cancelled: opts.signal.aborted });
}

export function countDisagreements(ds: Dataset): number {
  const s = ds.store;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const rs = s.rescored[i]!;
    if (Number.isNaN(rs)) continue;
    const r = s.reward[i]!;
    if (Number.isNaN(r) || Math.abs(r - rs) >= 1e-9) n++;
  }
  return n;
}

/** Run every code cell of one sample and compare with what was recorded. */
export async function reexecuteSample(sb: Sandbox, response: string, signal: AbortSignal): Promise<ReexecRecord> {
  const cells = codeCells(segmentResponse(response));
  const rec: ReexecRecord = { cells: cells.length, mismatches: 0, errors: 0, details: [] };
  for (const c of cells) {
    if (signal.aborted) break;
    const r = await sb.executeTool("code_interpreter", { code: c.code }, { signal });
    // No output at all with an error means the sandbox could not run it (not the program failing).
    const infra = r.status !== "success" && r.output === "" && r.error !== undefined;
    if (infra) rec.errors++;
    const match = c.recorded === null ? true : !infra && normalizeOutput(r.output) === normalizeOutput(c.recorded);
    if (!match) rec.mismatches++;
    rec.details.push({ cell: c.cell, match, recorded: c.recorded, live: infra ? (r.error ?? "") : r.output, status: r.status, result: r });
  }
  return rec;
}

export async function reexecuteRows(
  ds: Dataset,
  rows: Uint32Array | number[],
  opts: { sandbox: Sandbox; signal: AbortSignal; emit: (e: ReexecEvent) => void; concurrency?: number },
): Promise<void> {
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
      const { sample } = await ds.sample(row);
      const rec = await reexecuteSample(opts.sandbox, sample.response, opts.signal);
      if (opts.signal.aborted && rec.details.length < rec.cells) break; // partial: do not record
      ds.reexec.set(row, rec);
      ds.store.setReexec(row, rec.errors ? "error" : rec.mismatches ? "mismatch" : "match");
      ds.reexecDone = ds.reexec.size;
      done++;
      cells += rec.cells;
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
  ds.markChanged();
  opts.emit({ type: "done", done, total, cells, mismatches, errors, ms: Date.now() - started, cancelled: opts.signal.aborted, mismatched_rows: mismatched.sort((a, b) => a - b) });
}
