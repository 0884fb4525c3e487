import "server-only";
import type { Result } from "@/lib/result";
import { err, ok } from "@/lib/result";
import type { Dataset } from "./dataset";
import type { RowQuery } from "./query";
import { compileSearch, statusList } from "./query";
import type { RowStore } from "./row-store";
import type { SearchOutcome, SearchProgress } from "./text-cache";
import { searchTextCache } from "./text-cache";
import type { GroupSummary, NormalizedSample, RowsPage } from "./types";
import { errorFlagMask } from "./types";
import { allSameRewardGroups, grpoAdvantages } from "./grpo";

// What the list shows: filters, sort order and text search over a Dataset's row summaries.
// Orders and searches are cached per query; a batch job bumps `jobs.version`, which retires them.

const NONE = -2147483648; // RowStore's int32 "absent"

/** Rows that pass the filters (`mask`: the rows a text search matched), in the query's order. */
export function filterOrder(s: RowStore, q: RowQuery, mask: Uint8Array | null): Uint32Array {
  const n = s.length;
  const statuses = statusList(q);
  let statusIds: Set<number> | null = null;
  if (statuses) {
    statusIds = new Set();
    for (const name of statuses) {
      if (name === "(none)") statusIds.add(-1);
      else {
        const id = s.statuses.indexOf(name);
        if (id >= 0) statusIds.add(id);
      }
    }
  }
  const same = q.same ? allSameRewardGroups(s.group, s.reward, s.length) : null;
  const out = new Uint32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (mask && (i >= mask.length || mask[i] === 0)) continue;
    if (statusIds && !statusIds.has(s.status[i]!)) continue;
    const r = s.reward[i]!;
    if (q.rmin !== undefined && !(r >= q.rmin)) continue;
    if (q.rmax !== undefined && !(r <= q.rmax)) continue;
    const tc = s.toolCalls[i]!;
    if (q.tcmin !== undefined && (tc === NONE ? 0 : tc) < q.tcmin) continue;
    if (q.tcmax !== undefined && (tc === NONE ? 0 : tc) > q.tcmax) continue;
    if (q.err && (s.flags[i]! & errorFlagMask) === 0) continue;
    if (q.group !== undefined && s.group[i] !== q.group) continue;
    if (same && same[s.group[i]!] !== 1) continue;
    if (q.lpmin !== undefined && !(s.lpMax[i]! >= q.lpmin)) continue;
    if (q.disagree) {
      const rs = s.rescored[i]!;
      if (Number.isNaN(rs)) continue;
      if (Number.isNaN(r) || Math.abs(rs - r) < 1e-9) continue; // no recorded reward: nothing to disagree with
    }
    if (q.mismatch) {
      const st = s.reexecOf(i);
      if (st !== "mismatch" && st !== "error") continue;
    }
    out[m++] = i;
  }
  const ids = out.subarray(0, m);
  const key = q.sort ?? "row";
  if (key === "row") {
    if (q.desc) ids.reverse();
    return ids;
  }
  const keys = new Float64Array(n);
  const numeric = (arr: ArrayLike<number>, none?: number): void => {
    for (const i of ids) {
      const v = arr[i]!;
      keys[i] = v === none || Number.isNaN(v) ? NaN : v;
    }
  };
  switch (key) {
    case "step": numeric(s.step); break;
    case "index": numeric(s.index, NONE); break;
    case "group": numeric(s.group); break;
    case "reward": numeric(s.reward); break;
    case "rescored": numeric(s.rescored); break;
    case "acc": for (const i of ids) keys[i] = s.acc[i]! < 0 ? NaN : s.acc[i]!; break;
    case "tool_calls": numeric(s.toolCalls, NONE); break;
    case "lp_max": numeric(s.lpMax); break;
    case "lp_mean": numeric(s.lpMean); break;
    case "response_length": for (const i of ids) keys[i] = s.respLenOf(i) ?? NaN; break;
    case "status": {
      const rank = [...s.statuses].map((name, id) => ({ name, id })).sort((a, b) => a.name.localeCompare(b.name));
      const pos = new Map(rank.map((r, k) => [r.id, k]));
      for (const i of ids) keys[i] = s.status[i]! < 0 ? NaN : pos.get(s.status[i]!)!;
      break;
    }
  }
  const dir = q.desc ? -1 : 1;
  // Missing values always sort last; ties keep file order.
  const arr = Array.from(ids);
  arr.sort((a, b) => {
    const ka = keys[a]!;
    const kb = keys[b]!;
    const na = Number.isNaN(ka);
    const nb = Number.isNaN(kb);
    if (na || nb) return na && nb ? a - b : na ? 1 : -1;
    return ka === kb ? a - b : (ka - kb) * dir;
  });
  return Uint32Array.from(arr);
}

export interface Ordered {
  order: Uint32Array;
  search: { pattern: string; ms: number } | null;
  /** Why the query selects nothing (a bad or stopped regular expression), else null. */
  error: string | null;
}

/** Which rows a batch job runs over: the whole file, or the list as filtered by `query`. */
export type RowScope = "all" | "filtered";

export class DatasetView {
  private orderCache: { key: string; order: Uint32Array } | null = null;
  private searches = new Map<string, { n: number; promise: Promise<SearchOutcome>; progress: SearchProgress }>();

  constructor(private readonly ds: Dataset) {}

  /** Text search over prompt + response; null when the query has no text. Results are cached. */
  search(q: Pick<RowQuery, "q" | "re" | "cs">, onProgress?: (p: SearchProgress) => void, signal?: AbortSignal): Promise<SearchOutcome> | null {
    const { regex, error } = compileSearch(q);
    if (error) return Promise.resolve(err({ code: "bad_request:query", message: error, field: "q" }));
    if (!regex) return null;
    const key = `${regex.source}/${regex.flags}`;
    const n = this.ds.searchableRows;
    const cached = this.searches.get(key);
    if (cached && cached.n === n) {
      if (onProgress) {
        onProgress(cached.progress);
        void cached.promise.then(() => onProgress(cached.progress));
      }
      return cached.promise;
    }
    const entry = { n, progress: { done: 0, total: n, matches: 0 }, promise: null as unknown as Promise<SearchOutcome> };
    entry.promise = searchTextCache({
      path: this.ds.opts.textCachePath,
      offsets: this.ds.store.textOffset,
      lengths: this.ds.store.textLength,
      n,
      regex,
      timeoutMs: this.ds.opts.searchTimeoutMs,
      signal,
      onProgress: (p) => {
        entry.progress = p;
        onProgress?.(p);
      },
    }).then((o) => {
      if (o.ok) entry.progress = { done: n, total: n, matches: o.value.matches };
      else this.searches.delete(key); // failures are not cached
      return o;
    });
    this.searches.set(key, entry);
    while (this.searches.size > 6) this.searches.delete(this.searches.keys().next().value!);
    return entry.promise;
  }

  async order(q: RowQuery, signal?: AbortSignal): Promise<Ordered> {
    let mask: Uint8Array | null = null;
    let search: { pattern: string; ms: number } | null = null;
    const pending = this.search(q, undefined, signal);
    if (pending) {
      const o = await pending;
      if (!o.ok) return { order: new Uint32Array(0), search: null, error: o.error.message };
      mask = o.value.mask;
      search = { pattern: q.q ?? "", ms: o.value.ms };
    }
    const store = this.ds.store;
    const key = JSON.stringify([q, store.length, this.ds.jobs.version, mask?.length ?? -1]);
    if (this.orderCache?.key === key) return { order: this.orderCache.order, search, error: null };
    const order = filterOrder(store, q, mask);
    this.orderCache = { key, order };
    return { order, search, error: null };
  }

  /**
   * The rows a batch job or an export covers, in list order. Waits for indexing to finish so the
   * whole file counts; a query that cannot run (a bad regular expression) is a failure.
   */
  async rowsFor(scope: RowScope, q: RowQuery, signal?: AbortSignal): Promise<Result<Uint32Array>> {
    await this.ds.ready;
    if (scope === "all") return ok(Uint32Array.from({ length: this.ds.store.length }, (_, i) => i));
    const { order, error } = await this.order(q, signal);
    return error === null ? ok(order) : err({ code: "bad_request:query", message: error, field: "q" });
  }

  async page(q: RowQuery, offset: number, limit: number, signal?: AbortSignal): Promise<RowsPage> {
    const { order, search, error } = await this.order(q, signal);
    const rows = [];
    for (let k = offset; k < Math.min(order.length, offset + limit); k++) rows.push(this.ds.store.summary(order[k]!));
    return { total: this.ds.store.length, matched: order.length, offset, rows, indexing: this.ds.indexing, search, error };
  }

  /** Position of a row in the current order, for "next/previous sample". */
  async neighbours(q: RowQuery, row: number): Promise<{ position: number; prev: number | null; next: number | null; matched: number }> {
    const { order } = await this.order(q);
    const pos = order.indexOf(row);
    if (pos < 0) return { position: -1, prev: order[0] ?? null, next: order[0] ?? null, matched: order.length };
    return { position: pos, prev: pos > 0 ? order[pos - 1]! : null, next: pos + 1 < order.length ? order[pos + 1]! : null, matched: order.length };
  }

  /** All samples of one prompt (GRPO group) with mean reward and pass rate. */
  async group(groupId: number, limit = 64): Promise<GroupSummary> {
    const s = this.ds.store;
    const rows: number[] = [];
    for (let i = 0; i < s.length; i++) if (s.group[i] === groupId) rows.push(i);
    let sum = 0;
    let n = 0;
    let pass = 0;
    let judged = 0;
    for (const i of rows) {
      const r = s.reward[i]!;
      if (!Number.isNaN(r)) {
        sum += r;
        n++;
      }
      const a = s.acc[i]!;
      if (a >= 0) {
        judged++;
        pass += a;
      } else if (!Number.isNaN(r)) {
        judged++;
        pass += r > 0 ? 1 : 0;
      }
    }
    const samples: NormalizedSample[] = [];
    for (const i of rows.slice(0, limit)) {
      const { sample } = await this.ds.sample(i);
      // The group view needs text, not token arrays.
      delete sample.tokens;
      delete sample.loss_mask;
      delete sample.rollout_log_probs;
      samples.push(sample);
    }
    // NaN rewards count: in slime one makes every advantage of the group NaN.
    const rewards = rows.map((i) => s.trainerRewardOf(i));
    const grpo = grpoAdvantages(rewards, this.ds.format === "verl" ? "verl" : "slime");
    return { group: groupId, rows, mean_reward: n ? sum / n : null, pass_rate: judged ? pass / judged : null, samples, grpo };
  }

  /** Reward distribution; both histograms share one range so they can be compared bin by bin. */
  rewardHistogram(which: "recorded" | "rescored", bins = 20): { min: number; max: number; counts: number[]; missing: number } {
    const s = this.ds.store;
    const arr = which === "recorded" ? s.reward : s.rescored;
    let min = Infinity;
    let max = -Infinity;
    let missing = 0;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const v = arr[i]!;
      if (Number.isNaN(v)) missing++;
      for (const x of [s.reward[i]!, s.rescored[i]!]) {
        if (Number.isNaN(x)) continue;
        if (x < min) min = x;
        if (x > max) max = x;
      }
    }
    const counts = new Array<number>(bins).fill(0);
    if (min === Infinity) return { min: 0, max: 0, counts, missing };
    const width = max > min ? (max - min) / bins : 1;
    for (let i = 0; i < n; i++) {
      const v = arr[i]!;
      if (Number.isNaN(v)) continue;
      const b = Math.min(bins - 1, Math.floor((v - min) / width));
      counts[b]!++;
    }
    return { min, max, counts, missing };
  }
}
