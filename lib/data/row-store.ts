// Compact per-row summary kept in typed arrays (~60 bytes a row), so 100k rows cost a few MB
// and filtering/sorting never touches the file. Isomorphic.
import type { NonFiniteName, ReexecState, RowSummary } from "./types";
import { nonFiniteName, reexecStates } from "./types";

const NONE = -2147483648; // int32 sentinel for "absent"

export class RowStore {
  length = 0;
  private cap: number;
  offset: Float64Array;
  byteLength: Float64Array;
  line: Int32Array;
  index: Int32Array;
  group: Int32Array;
  status: Int16Array; // index into statuses, -1 absent
  reward: Float64Array; // NaN absent
  acc: Int8Array; // -1 absent
  toolCalls: Int32Array;
  respLen: Int32Array;
  flags: Uint16Array;
  textOffset: Float64Array;
  textLength: Int32Array;
  rescored: Float64Array;
  rescoredAcc: Int8Array;
  reexec: Uint8Array;
  /** Train dumps: max / mean |log_probs − rollout_log_probs| (NaN absent). */
  lpMax: Float64Array;
  lpMean: Float64Array;
  /** Train dumps: mean per-token entropy over the loss-masked tokens (NaN absent). */
  entropy: Float64Array;
  /** The training step (verl's step, slime's rollout id; NaN absent). */
  step: Float64Array;
  previews: string[] = [];
  /** Rows whose reward is NaN or ±Infinity (rare): `reward` holds NaN for them, like an absent one. */
  readonly nonFiniteRewards = new Map<number, NonFiniteName>();
  readonly statuses: string[] = [];
  private statusIds = new Map<string, number>();

  constructor(initial = 1024) {
    this.cap = initial;
    this.offset = new Float64Array(initial);
    this.byteLength = new Float64Array(initial);
    this.line = new Int32Array(initial);
    this.index = new Int32Array(initial);
    this.group = new Int32Array(initial);
    this.status = new Int16Array(initial);
    this.reward = new Float64Array(initial);
    this.acc = new Int8Array(initial);
    this.toolCalls = new Int32Array(initial);
    this.respLen = new Int32Array(initial);
    this.flags = new Uint16Array(initial);
    this.textOffset = new Float64Array(initial);
    this.textLength = new Int32Array(initial);
    this.rescored = new Float64Array(initial).fill(NaN);
    this.rescoredAcc = new Int8Array(initial).fill(-1);
    this.reexec = new Uint8Array(initial);
    this.lpMax = new Float64Array(initial).fill(NaN);
    this.lpMean = new Float64Array(initial).fill(NaN);
    this.entropy = new Float64Array(initial).fill(NaN);
    this.step = new Float64Array(initial).fill(NaN);
  }

  private grow(): void {
    const cap = this.cap * 2;
    const g = <T extends Float64Array | Int32Array | Int16Array | Int8Array | Uint16Array | Uint8Array>(a: T, fill?: number): T => {
      const n = new (a.constructor as new (n: number) => T)(cap);
      if (fill !== undefined) n.fill(fill);
      n.set(a);
      return n;
    };
    this.offset = g(this.offset);
    this.byteLength = g(this.byteLength);
    this.line = g(this.line);
    this.index = g(this.index);
    this.group = g(this.group);
    this.status = g(this.status);
    this.reward = g(this.reward);
    this.acc = g(this.acc);
    this.toolCalls = g(this.toolCalls);
    this.respLen = g(this.respLen);
    this.flags = g(this.flags);
    this.textOffset = g(this.textOffset);
    this.textLength = g(this.textLength);
    this.rescored = g(this.rescored, NaN);
    this.rescoredAcc = g(this.rescoredAcc, -1);
    this.reexec = g(this.reexec);
    this.lpMax = g(this.lpMax, NaN);
    this.lpMean = g(this.lpMean, NaN);
    this.entropy = g(this.entropy, NaN);
    this.step = g(this.step, NaN);
    this.cap = cap;
  }

  statusId(s: string | null): number {
    if (s === null) return -1;
    let id = this.statusIds.get(s);
    if (id === undefined) {
      id = this.statuses.length;
      this.statuses.push(s);
      this.statusIds.set(s, id);
    }
    return id;
  }

  push(r: {
    offset: number; byteLength: number; line: number; index: number | null; group: number;
    status: string | null; reward: number | null; acc: boolean | null; toolCalls: number | null;
    respLen: number | null; lenInChars: boolean; flags: number; textOffset: number; textLength: number; preview: string;
    step?: number | null;
  }): number {
    if (this.length === this.cap) this.grow();
    const i = this.length++;
    this.offset[i] = r.offset;
    this.byteLength[i] = r.byteLength;
    this.line[i] = r.line;
    this.index[i] = r.index ?? NONE;
    this.group[i] = r.group;
    this.status[i] = this.statusId(r.status);
    const special = r.reward === null ? null : nonFiniteName(r.reward);
    if (special) this.nonFiniteRewards.set(i, special);
    this.reward[i] = r.reward === null || special ? NaN : r.reward;
    this.acc[i] = r.acc === null ? -1 : r.acc ? 1 : 0;
    this.toolCalls[i] = r.toolCalls ?? NONE;
    // Negative lengths mark character counts (no token count recorded).
    this.respLen[i] = r.respLen === null ? NONE : r.lenInChars ? -r.respLen - 1 : r.respLen;
    this.flags[i] = r.flags;
    this.textOffset[i] = r.textOffset;
    this.textLength[i] = r.textLength;
    this.step[i] = r.step ?? NaN;
    this.previews.push(r.preview);
    return i;
  }

  indexOf(i: number): number | null {
    const v = this.index[i]!;
    return v === NONE ? null : v;
  }
  toolCallsOf(i: number): number | null {
    const v = this.toolCalls[i]!;
    return v === NONE ? null : v;
  }
  respLenOf(i: number): number | null {
    const v = this.respLen[i]!;
    if (v === NONE) return null;
    return v < 0 ? -v - 1 : v;
  }
  rewardOf(i: number): number | null {
    const v = this.reward[i]!;
    return Number.isNaN(v) ? null : v;
  }
  /** The reward as the trainer sees it: a number, NaN or ±Infinity, null when absent. */
  trainerRewardOf(i: number): number | null {
    const special = this.nonFiniteRewards.get(i);
    return special ? Number(special) : this.rewardOf(i);
  }
  rescoredOf(i: number): number | null {
    const v = this.rescored[i]!;
    return Number.isNaN(v) ? null : v;
  }
  statusOf(i: number): string | null {
    const id = this.status[i]!;
    return id < 0 ? null : (this.statuses[id] ?? null);
  }
  reexecOf(i: number): ReexecState {
    return reexecStates[this.reexec[i]!] ?? "none";
  }
  setReexec(i: number, s: ReexecState): void {
    this.reexec[i] = reexecStates.indexOf(s);
  }
  /** A recomputed reward (NaN when it failed) and its accuracy, if the reward gives one. */
  setRescored(i: number, score: number, acc?: boolean): void {
    this.rescored[i] = score;
    this.rescoredAcc[i] = acc === undefined ? -1 : acc ? 1 : 0;
  }
  setLogprobDiff(i: number, max: number, mean: number): void {
    this.lpMax[i] = max;
    this.lpMean[i] = mean;
  }
  setEntropy(i: number, mean: number): void {
    this.entropy[i] = mean;
  }
  stepOf(i: number): number | null {
    const v = this.step[i]!;
    return Number.isNaN(v) ? null : v;
  }
  clearRescored(): void {
    this.rescored.fill(NaN);
    this.rescoredAcc.fill(-1);
  }

  summary(i: number): RowSummary {
    const acc = this.acc[i]!;
    const racc = this.rescoredAcc[i]!;
    return {
      row: i,
      line: this.line[i]!,
      index: this.indexOf(i),
      group: this.group[i]!,
      status: this.statusOf(i),
      reward: this.rewardOf(i),
      ...(this.nonFiniteRewards.has(i) ? { reward_nonfinite: this.nonFiniteRewards.get(i)! } : {}),
      acc: acc < 0 ? null : acc === 1,
      tool_calls: this.toolCallsOf(i),
      response_length: this.respLenOf(i),
      length_in_chars: this.respLen[i]! < 0 && this.respLen[i]! !== NONE,
      flags: this.flags[i]!,
      rescored: this.rescoredOf(i),
      rescored_acc: racc < 0 ? null : racc === 1,
      reexec: this.reexecOf(i),
      preview: this.previews[i] ?? "",
      ...(Number.isNaN(this.lpMax[i]!) ? {} : { lp_max: this.lpMax[i]!, lp_mean: this.lpMean[i]! }),
      ...(Number.isNaN(this.step[i]!) ? {} : { step: this.step[i]! }),
    };
  }

  /** Approximate bytes held, for the benchmark. */
  bytes(): number {
    return this.cap * (8 * 7 + 4 * 6 + 2 * 2 + 1 * 3) + this.previews.reduce((a, p) => a + p.length * 2, 0);
  }
}
