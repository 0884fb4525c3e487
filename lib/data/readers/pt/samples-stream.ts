import "server-only";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { Unpickler } from "./pickle";
import { Evicted, PickleError, isPyDict, newDict } from "./pickle";
import type { PyDict } from "./pickle";
import type { TorchFile } from "./torch-file";

// Streams the items of a dump's sample list ({..., "samples": [...]} or a bare list) out of the
// pickle as they are appended, with each item's byte range, and forgets them: the parser's memo
// drops big objects an item defined (they can be rebuilt from that item's byte range), so memory
// holds one append batch (at most 1000 samples), not the file. One item is re-read later by
// running the parser over its range with the memo the scan kept.

export interface StreamedItem {
  value: unknown;
  start: number;
  end: number;
  /** Memo entries defined before the item (where a protocol-4 MEMOIZE counter resumes). */
  memoBase: number;
}

const KEEP_STRING = 4096;
const SLICE_OPCODES = 300_000;

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

  constructor(readonly file: TorchFile) {}

  private materialize = (idx: number, ev: Evicted): unknown => {
    const vm = this.file.unpickler({ materialize: this.materialize }, ev.start, ev.end, this.memo);
    vm.memoNext = ev.memoBase;
    vm.run();
    const v = vm.memo[idx];
    if (v === undefined) throw new PickleError(`memo entry ${idx} could not be rebuilt`);
    return v;
  };

  private isSampleList(vm: Unpickler, listAt: number): boolean {
    const st = vm.stack;
    if (listAt === 0) return vm.markDepth === 0;
    return listAt >= 2 && st[listAt - 1] === "samples" && isPyDict(st[0]) && vm.markDepth <= 1;
  }

  async *scan(signal?: AbortSignal, sliceOpcodes = SLICE_OPCODES): AsyncGenerator<{ items: StreamedItem[]; bytesDone: number }> {
    this.file.checkNotLegacy();
    let pending: StreamedItem[] = [];
    let memoSeen = 0;
    const vm: Unpickler = this.file.unpickler({
      materialize: this.materialize,
      onAppends: (v, _list, listAt, items, starts, end) => {
        if (!this.isSampleList(v, listAt)) return false;
        if (!this.found) {
          this.found = true;
          const st = v.stack;
          for (let k = 1; k + 1 < listAt - 1; k += 2) if (typeof st[k] === "string") this.header[st[k] as string] = st[k + 1];
        }
        const defs = v.memoDefs!;
        // Memo indices are assigned in file order, so definition positions only grow.
        const bases = starts.map((at) => {
          let lo = memoSeen;
          let hi = v.memo.length;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if ((defs[mid] ?? -1) < at) lo = mid + 1;
            else hi = mid;
          }
          return lo;
        });
        for (let k = 0; k < items.length; k++)
          pending.push({ value: items[k], start: starts[k]!, end: k + 1 < items.length ? starts[k + 1]! : end, memoBase: bases[k]! });
        // Forget what these items defined; keep small values (keys, status strings) for later items.
        const first = starts[0]!;
        for (let idx = memoSeen; idx < v.memo.length; idx++) {
          const at = defs[idx];
          if (at === undefined || at < first || !big(v.memo[idx])) continue;
          let lo = 0;
          let hi = starts.length - 1;
          while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (starts[mid]! <= at) lo = mid;
            else hi = mid - 1;
          }
          v.memo[idx] = new Evicted(starts[lo]!, lo + 1 < starts.length ? starts[lo + 1]! : end, bases[lo]!);
        }
        memoSeen = v.memo.length;
        return true;
      },
    });
    vm.memoDefs = [];
    this.memo = vm.memo;
    while (!vm.run(sliceOpcodes)) {
      if (signal?.aborted) return;
      this.bytesDone = vm.position - this.file.pickleStart;
      if (pending.length) {
        yield { items: pending, bytesDone: this.bytesDone };
        pending = [];
      }
      await yieldToLoop();
    }
    this.memo = vm.memo;
    if (vm.result === undefined) throw new PickleError("the pickle ends without a STOP (truncated file?)");
    this.top = vm.result;
    this.bytesDone = this.file.pickleEnd - this.file.pickleStart;
    if (!this.found && !(Array.isArray(this.top) && this.top.length === 0) && !(isPyDict(this.top) && Array.isArray(this.top.samples))) {
      throw new PickleError("expected a dict with 'samples' or a list of samples");
    }
    if (isPyDict(this.top)) for (const [k, val] of Object.entries(this.top)) if (k !== "samples" && !(k in this.header)) this.header[k] = val;
    yield { items: pending, bytesDone: this.bytesDone };
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
