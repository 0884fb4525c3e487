import "server-only";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { Unpickler } from "./pickle";
import { Evicted, PickleError, isPyDict, newDict } from "./pickle";
import type { PyDict } from "./pickle";
import type { TorchFile } from "./torch-file";

// Streams the items of a dump's sample list ({..., "samples": [...]} or a bare list) out of the
// pickle as soon as each is complete, with its byte range, and forgets them: the item leaves the
// parser's stack and the memo drops the big objects it defined (they can be rebuilt from its
// byte range). Memory holds about one sample, not the file. One item is re-read later by running
// the parser over its range with the memo the scan kept.

export interface StreamedItem {
  value: unknown;
  start: number;
  end: number;
  /** Memo entries defined before the item (where a protocol-4 MEMOIZE counter resumes). */
  memoBase: number;
}

const KEEP_STRING = 4096;
const SLICE_OPCODES = 200_000;

function big(v: unknown): boolean {
  if (typeof v === "string") return v.length > KEEP_STRING;
  if (v instanceof Uint8Array) return v.length > KEEP_STRING;
  return Array.isArray(v) || isPyDict(v);
}

export class SampleStream {
  /** The scan's memo, kept for re-reading items. */
  private memo: unknown[] | null = null;
  /** Top-level keys seen before the sample list (rollout_id, format_version, ...). */
  header: PyDict = newDict();
  /** The whole top-level object once the scan is done (its sample list is empty). */
  top: unknown = undefined;
  bytesDone = 0;
  found = false;
  private pending: StreamedItem[] = [];
  /** Items of the open append batch already handed out (they sit as nulls on the stack). */
  private emitted = 0;
  /** Memo indices below this are settled (kept or evicted). */
  private memoSeen = 0;
  /** The scan's parser (for the lists it counted). */
  private scanVm: Unpickler | null = null;
  /** Sample keys whose plain-number lists the scan counts instead of building (see scan()). */
  private countKeys: ReadonlySet<string> = new Set();
  private countedSeen = 0;

  constructor(readonly file: TorchFile) {}

  private materialize = (idx: number, ev: Evicted): unknown => {
    const vm = this.file.unpickler({ materialize: this.materialize }, ev.start, ev.end, this.memo);
    vm.memoNext = ev.memoBase;
    vm.run();
    const v = vm.memo[idx];
    if (v === undefined) throw new PickleError(`memo entry ${idx} could not be rebuilt`);
    return v;
  };

  /** The bare top-level list, or the list under the top dict's "samples" key (not one nested in a sample). */
  private isSampleList(vm: Unpickler, listAt: number): boolean {
    const st = vm.stack;
    if (!Array.isArray(st[listAt])) return false;
    if (listAt === 0) return true;
    if (listAt < 2 || st[listAt - 1] !== "samples" || !isPyDict(st[0])) return false;
    // Only the top dict's own MARK may be open below the list.
    const marks = vm.openMarks;
    let below = 0;
    for (const m of marks) if (m <= listAt) below++;
    return below === 0 || (below === 1 && marks[0] === 1);
  }

  private noteHeader(vm: Unpickler, listAt: number): void {
    if (this.found) return;
    this.found = true;
    const st = vm.stack;
    for (let k = 1; k + 1 < listAt - 1; k += 2) if (typeof st[k] === "string") this.header[st[k] as string] = st[k + 1];
  }

  /** Memo entries defined before `at` (definition positions only grow with the index). */
  private memoCount(vm: Unpickler, at: number): number {
    const defs = vm.memoDefs!;
    let lo = this.memoSeen;
    let hi = vm.memo.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((defs[mid] ?? -1) < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Hand out items [starts[k], ends[k]) and forget the big memo entries they defined. */
  private emit(vm: Unpickler, values: unknown[], starts: number[], ends: number[]): void {
    if (!values.length) return;
    const bases = starts.map((s) => this.memoCount(vm, s));
    for (let k = 0; k < values.length; k++) this.pending.push({ value: values[k], start: starts[k]!, end: ends[k]!, memoBase: bases[k]! });
    const first = starts[0]!;
    const last = ends[ends.length - 1]!;
    const defs = vm.memoDefs!;
    const stop = this.memoCount(vm, last);
    let owner = 0;
    for (let idx = this.memoCount(vm, first); idx < stop; idx++) {
      if (!big(vm.memo[idx])) continue;
      const at = defs[idx]!;
      while (owner + 1 < starts.length && starts[owner + 1]! <= at) owner++;
      vm.memo[idx] = new Evicted(starts[owner]!, ends[owner]!, bases[owner]!);
    }
    this.memoSeen = stop;
  }

  /** Between slices: hand out the items of the open batch that are complete (all but the one being built). */
  private harvest(vm: Unpickler): void {
    const marks = vm.openMarks;
    // The sample list's append MARK: right above the list (at the bottom, or under "samples").
    let k = -1;
    for (const c of [0, 1]) {
      if (c < marks.length && marks[c]! >= 1 && this.isSampleList(vm, marks[c]! - 1)) {
        k = c;
        break;
      }
    }
    if (k < 0) return;
    const listAt = marks[k]! - 1;
    this.noteHeader(vm, listAt);
    const from = marks[k]! + this.emitted;
    const building = marks.length > k + 1 ? marks[k + 1]! - 1 : vm.stack.length - 1;
    if (building <= from) return;
    const values: unknown[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    for (let i = from; i < building; i++) {
      values.push(vm.stack[i]);
      starts.push(vm.starts[i]!);
      ends.push(vm.starts[i + 1]!);
      vm.stack[i] = null; // the parser no longer holds it
    }
    this.emitted += values.length;
    this.emit(vm, values, starts, ends);
  }

  /**
   * A list under one of the count keys, directly in a sample dict of the sample list: its numbers
   * need not be built (the index wants its length).
   */
  private countable = (vm: Unpickler, listAt: number): boolean => {
    const marks = vm.openMarks;
    const n = marks.length; // the last one is the list's own batch
    if (n < 3) return false;
    const dictItems = marks[n - 2]!;
    const listItems = marks[n - 3]!;
    const st = vm.stack;
    const key = st[listAt - 1];
    return (listAt - dictItems) % 2 === 1 && typeof key === "string" && this.countKeys.has(key) && dictItems - 1 >= listItems && isPyDict(st[dictItems - 1]) && this.isSampleList(vm, listItems - 1);
  };

  /** Items of a list the scan counted (undefined: not counted; -1: not only numbers, read the item in full). */
  countOf(list: unknown[]): number | undefined {
    return this.scanVm?.countOf(list);
  }

  /** How many lists the scan counted in bytes [start, end); call for the items in file order. */
  countedIn(start: number, end: number): number {
    const at = this.scanVm?.countedAt ?? [];
    while (this.countedSeen < at.length && at[this.countedSeen]! < start) this.countedSeen++;
    let n = 0;
    while (this.countedSeen < at.length && at[this.countedSeen]! < end) {
      this.countedSeen++;
      n++;
    }
    return n;
  }

  /**
   * `count`: sample keys (tokens, loss_mask, …) whose lists of plain numbers are counted, not
   * built: such a list stays empty in the item and countOf() gives its length. The index uses this;
   * nothing else should (the items are then not the file's values).
   */
  async *scan(signal?: AbortSignal, sliceOpcodes = SLICE_OPCODES, count: readonly string[] = []): AsyncGenerator<{ items: StreamedItem[]; bytesDone: number }> {
    this.file.checkNotLegacy();
    this.countKeys = new Set(count);
    const vm: Unpickler = this.file.unpickler({
      ...(count.length ? { countList: this.countable } : {}),
      materialize: this.materialize,
      isTarget: (v, listAt) => this.isSampleList(v, listAt),
      onAppends: (v, _list, listAt, items, starts, end) => {
        this.noteHeader(v, listAt);
        const skip = this.emitted;
        this.emitted = 0;
        const ends = starts.map((_s, k) => (k + 1 < starts.length ? starts[k + 1]! : end));
        this.emit(v, items.slice(skip), starts.slice(skip), ends.slice(skip));
        return true;
      },
    });
    vm.memoDefs = [];
    this.memo = vm.memo;
    this.scanVm = vm;
    for (;;) {
      const done = vm.run(sliceOpcodes);
      if (!done) this.harvest(vm);
      if (signal?.aborted) return;
      this.bytesDone = vm.position - this.file.pickleStart;
      if (done) break;
      if (this.pending.length) {
        yield { items: this.pending, bytesDone: this.bytesDone };
        this.pending = [];
      }
      await yieldToLoop();
    }
    if (vm.result === undefined) throw new PickleError("the pickle ends without a STOP (truncated file?)");
    this.top = vm.result;
    this.bytesDone = this.file.pickleEnd - this.file.pickleStart;
    if (!this.found && !(Array.isArray(this.top) && this.top.length === 0) && !(isPyDict(this.top) && Array.isArray(this.top.samples))) {
      throw new PickleError("expected a dict with 'samples' or a list of samples");
    }
    if (isPyDict(this.top)) for (const [k, val] of Object.entries(this.top)) if (k !== "samples" && !(k in this.header)) this.header[k] = val;
    yield { items: this.pending, bytesDone: this.bytesDone };
    this.pending = [];
  }

  /** Re-read one item from its byte range (after, or during, the scan). */
  readItem(item: { start: number; end: number; memoBase: number }): unknown {
    if (!this.memo) throw new PickleError("the file has not been scanned");
    const { start, end } = item;
    const vm = this.file.unpickler({ materialize: this.materialize }, start, end, this.memo);
    vm.memoNext = item.memoBase;
    vm.run();
    if (vm.stack.length !== 1) throw new PickleError(`sample bytes ${start}-${end} do not hold one object`);
    return vm.stack[0];
  }
}
