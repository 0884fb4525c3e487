// A safe unpickler: it builds only plain data (None, bool, int, float, str, bytes, list, tuple,
// dict, set) and calls nothing but the handlers a caller registers for named globals; any other
// global, and the opcodes that instantiate arbitrary classes (INST, OBJ, EXT*), is refused with a
// message naming it. No pickle code is ever executed.
//
// Why not the `pickleparser` npm package: it parses a whole in-memory buffer, and a slime dump's
// data.pkl can be hundreds of MB. This one streams from the file in windows, reports where every
// object starts (so one sample can be re-read later from its byte range), and lets the caller
// take list items as they are appended (so samples are handed over and freed one batch at a time).
// Isomorphic: the bytes come through a `read(pos, len)` callback.

export class PickleError extends Error {}
/** The pickle asks for something a safe loader must not build (torch.load(weights_only=True) refuses it too). */
export class PickleRefused extends PickleError {}

/** A Python dict: a null-prototype object, so a key like "__proto__" is just a key. */
export type PyDict = Record<string, unknown>;
export function newDict(): PyDict {
  return Object.create(null) as PyDict;
}
export function isPyDict(v: unknown): v is PyDict {
  return typeof v === "object" && v !== null && Object.getPrototypeOf(v) === null;
}

/** A global the caller allowed: what REDUCE/NEWOBJ calls. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly call: (args: unknown[]) => unknown,
  ) {}
  get qualname(): string {
    return `${this.module}.${this.name}`;
  }
}

/** A memo entry the caller dropped to save memory; `owner` says which byte range rebuilds it. */
export class Evicted {
  constructor(readonly start: number, readonly end: number, readonly memoBase: number) {}
}

export interface PickleHooks {
  /** Resolve GLOBAL module.name; throw PickleRefused for anything not allowed. */
  global(module: string, name: string): PyGlobal;
  persistentLoad?(pid: unknown): unknown;
  /**
   * Items about to be appended to `list` (at stack position `listAt`); starts[k] is where item k's
   * bytes begin and `end` where the last one ends. Return true to take them (they are not appended).
   */
  onAppends?(vm: Unpickler, list: unknown[], listAt: number, items: unknown[], starts: number[], end: number): boolean;
  /** Cheap filter: is the list at stack position `listAt` one onAppends wants? */
  isTarget?(vm: Unpickler, listAt: number): boolean;
  /** Rebuild an evicted memo entry. */
  materialize?(idx: number, ev: Evicted): unknown;
  /**
   * Is the empty list at stack position `listAt` one whose numbers are only counted (the index
   * needs the length of a sample's token ids, not the ids)? Asked when its first batch of items
   * starts; see Unpickler.countOf.
   */
  countList?(vm: Unpickler, listAt: number): boolean;
}

export type ReadFn = (pos: number, len: number) => Uint8Array;

const CHUNK = 1 << 20;
const dec = new TextDecoder("utf-8");
const latin1 = new TextDecoder("latin1");

function pyRepr(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v === null) return "None";
  if (Array.isArray(v)) return `(${v.map(pyRepr).join(", ")})`;
  if (v instanceof PyGlobal) return v.qualname;
  return String(v);
}

export class Unpickler {
  stack: unknown[] = [];
  /** Where each stack item's bytes start. */
  starts: number[] = [];
  private marks: number[] = [];
  memo: unknown[] = [];
  /** Where each memo entry was defined (index VM only, for eviction). */
  memoDefs: number[] | null = null;
  /** Index MEMOIZE assigns next (a fragment starts at the count defined before it). */
  memoNext = 0;
  private buf: Uint8Array = new Uint8Array(0);
  private view = new DataView(this.buf.buffer);
  private bufStart = 0;
  private i = 0;
  opcodes = 0;
  stopped = false;
  result: unknown = undefined;
  /**
   * After a MARK above a list: a run of plain numbers (token ids, masks, logprobs: nearly all of a
   * dump) followed by APPENDS is read in one tight loop, straight into the list. Anything else
   * stops the loop; the numbers read so far go on the stack as usual.
   */
  private numberRun(markAt: number): void {
    const list = this.stack[this.stack.length - 1] as unknown[];
    const counts = this.counts;
    if (counts && list.length === 0) {
      const c = counts.get(list);
      if (c === undefined ? this.hooks.countList!(this, this.stack.length - 1) : c >= 0) {
        if (c === undefined) {
          counts.set(list, 0);
          this.countedAt.push(markAt);
        }
        this.countRun(list, markAt);
        return;
      }
    }
    let tmp: number[] | null = null;
    for (;;) {
      if (this.i + 9 > this.buf.length) {
        if (this.position + 9 > this.end) break;
        this.fill(9);
      }
      const b = this.buf;
      const i = this.i;
      const op = b[i]!;
      let v: number;
      if (op === 0x4a) {
        v = this.view.getInt32(i + 1, true);
        this.i = i + 5;
      } else if (op === 0x4b) {
        v = b[i + 1]!;
        this.i = i + 2;
      } else if (op === 0x4d) {
        v = b[i + 1]! | (b[i + 2]! << 8);
        this.i = i + 3;
      } else if (op === 0x47) {
        v = this.view.getFloat64(i + 1, false);
        this.i = i + 9;
      } else if (op === 0x65 && tmp !== null) {
        // APPENDS: the run was the whole batch.
        this.i = i + 1;
        this.opcodes++;
        for (let k = 0; k < tmp.length; k++) list.push(tmp[k]!);
        this.marks.pop();
        this.markPos.pop();
        return;
      } else break;
      this.opcodes++;
      (tmp ??= []).push(v);
    }
    if (tmp) for (const v of tmp) this.push(v, markAt);
  }

  /**
   * Lists whose items are counted instead of kept (hooks.countList): the list stays empty and its
   * length is here; -1 once anything but a plain number was added, or the list was referred to
   * again (then its items are not known, and the caller must read its owner in full).
   */
  private readonly counts: WeakMap<unknown[], number> | null;
  /** Where each counted list's first batch starts, in the order they were met. */
  readonly countedAt: number[] = [];
  /** How many items a counted list holds: undefined when it is not counted, -1 when unknown. */
  countOf(list: unknown[]): number | undefined {
    return this.counts?.get(list);
  }

  /**
   * A batch of items for a counted list (its MARK at `markAt`): plain numbers up to APPENDS are
   * counted and skipped, not decoded. Anything else in the batch: the list's items are no longer
   * known, and the batch is read again from its start the usual way (so the rest of the pickle,
   * memo included, reads exactly as it would have).
   */
  private countRun(list: unknown[], markAt: number): void {
    const counts = this.counts!;
    let b = this.buf;
    let i = this.i;
    let k = 0;
    scan: for (;;) {
      if (i + 9 > b.length) {
        this.i = i;
        if (this.position + 9 > this.end) break;
        this.fill(9);
        b = this.buf;
        i = this.i;
      }
      // Every opcode here is at most 9 bytes: no window check until `last`.
      const last = b.length - 9;
      while (i <= last) {
        const op = b[i]!;
        if (op === 0x47) i += 9; // BINFLOAT
        else if (op === 0x4a) i += 5; // BININT
        else if (op === 0x4b) i += 2; // BININT1
        else if (op === 0x4d) i += 3; // BININT2
        else if (op === 0x65) {
          // APPENDS: the batch was plain numbers.
          this.i = i + 1;
          this.opcodes += k + 1;
          counts.set(list, counts.get(list)! + k);
          this.marks.pop();
          this.markPos.pop();
          return;
        } else break scan;
        k++;
      }
    }
    counts.set(list, -1);
    this.bufStart = markAt + 1;
    this.buf = new Uint8Array(0);
    this.view = new DataView(this.buf.buffer);
    this.i = 0;
  }

  /** A counted list met anywhere but in its batches: its items are not known any more. */
  private uncount(v: unknown): void {
    if (this.counts && Array.isArray(v) && this.counts.has(v)) this.counts.set(v, -1);
  }

  /** Start position of the item popped last (the lowest one, for multi-pops). */
  private poppedStart = 0;

  constructor(
    private readonly read: ReadFn,
    start: number,
    readonly end: number,
    private readonly hooks: PickleHooks,
    private readonly shared: unknown[] | null = null,
  ) {
    this.bufStart = start;
    this.counts = hooks.countList ? new WeakMap() : null;
  }

  /** How many MARKs are open. */
  get markDepth(): number {
    return this.marks.length;
  }
  /** Stack lengths at the open MARKs. */
  get openMarks(): readonly number[] {
    return this.marks;
  }

  /** Stream position of the next opcode. */
  get position(): number {
    return this.bufStart + this.i;
  }

  private fill(n: number): void {
    const at = this.bufStart + this.i;
    if (at + n > this.end) throw new PickleError(`the pickle ends early at byte ${this.end} (truncated file?)`);
    const len = Math.min(this.end - at, Math.max(n, CHUNK));
    const b = this.read(at, len);
    if (b.length < n) throw new PickleError(`the pickle ends early at byte ${at + b.length} (truncated file?)`);
    this.buf = b;
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.bufStart = at;
    this.i = 0;
  }
  private need(n: number): void {
    if (this.i + n > this.buf.length) this.fill(n);
  }
  private u8(): number {
    if (this.i >= this.buf.length) this.fill(1);
    return this.buf[this.i++]!;
  }
  private u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.i, true);
    this.i += 2;
    return v;
  }
  private i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.i, true);
    this.i += 4;
    return v;
  }
  private u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.i, true);
    this.i += 4;
    return v;
  }
  private u64(): number {
    this.need(8);
    const v = this.view.getBigUint64(this.i, true);
    this.i += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new PickleError("a length in the pickle is too large");
    return Number(v);
  }
  private bytes(n: number): Uint8Array {
    if (n > this.end - this.position) throw new PickleError(`the pickle ends early: ${n} bytes announced at byte ${this.position} (truncated file?)`);
    if (n <= CHUNK) {
      this.need(n);
      const b = this.buf.subarray(this.i, this.i + n);
      this.i += n;
      return b;
    }
    const at = this.position;
    const b = this.read(at, n);
    if (b.length < n) throw new PickleError("the pickle ends early (truncated file?)");
    this.bufStart = at + n;
    this.buf = new Uint8Array(0);
    this.i = 0;
    return b;
  }
  private line(): string {
    let s = "";
    for (;;) {
      const c = this.u8();
      if (c === 10) return s;
      s += String.fromCharCode(c);
      if (s.length > 1 << 16) throw new PickleError("a text opcode argument is too long");
    }
  }
  private str(n: number): string {
    return dec.decode(this.bytes(n));
  }

  private push(v: unknown, start: number): void {
    this.stack.push(v);
    this.starts.push(start);
  }
  private pop(): unknown {
    if (this.stack.length === 0 || (this.marks.length && this.stack.length <= this.marks[this.marks.length - 1]!)) throw new PickleError("stack underflow in the pickle");
    this.poppedStart = this.starts.pop()!;
    return this.stack.pop();
  }
  private top(): unknown {
    if (this.stack.length === 0) throw new PickleError("stack underflow in the pickle");
    return this.stack[this.stack.length - 1];
  }
  /** Pop everything above the last MARK; returns the items and their start positions. */
  private popMark(): { items: unknown[]; starts: number[]; markAt: number } {
    const m = this.marks.pop();
    if (m === undefined) throw new PickleError("MARK missing in the pickle");
    const items = this.stack.splice(m);
    const starts = this.starts.splice(m);
    return { items, starts, markAt: this.markPos.pop()! };
  }
  private markPos: number[] = [];
  private memoPut(idx: number, at: number): void {
    if (this.stack.length === 0) throw new PickleError("memo put with an empty stack");
    this.memo[idx] = this.stack[this.stack.length - 1];
    if (idx >= this.memoNext) this.memoNext = idx + 1;
    if (this.memoDefs) this.memoDefs[idx] = at;
  }
  private memoGet(idx: number): unknown {
    let v = this.memo[idx];
    if (v === undefined && this.shared) v = this.shared[idx];
    if (v instanceof Evicted) {
      if (!this.hooks.materialize) throw new PickleError(`memo entry ${idx} is not available`);
      v = this.hooks.materialize(idx, v);
      this.memo[idx] = v;
    }
    if (v === undefined) throw new PickleError(`the pickle refers to memo entry ${idx}, which was never stored`);
    // A second reference to a counted list would see it empty.
    this.uncount(v);
    return v;
  }

  private callGlobal(f: unknown, args: unknown, op: string): unknown {
    if (!(f instanceof PyGlobal)) throw new PickleRefused(`${op} on ${pyRepr(f)}, which is not an allowed global`);
    if (!Array.isArray(args)) throw new PickleError(`${op} arguments for ${f.qualname} are not a tuple`);
    return f.call(args);
  }

  private resolveGlobal(module: string, name: string): PyGlobal {
    return this.hooks.global(module, name);
  }

  private long(b: Uint8Array): number | bigint {
    if (b.length === 0) return 0;
    if (b.length <= 6) {
      let v = 0;
      for (let k = b.length - 1; k >= 0; k--) v = v * 256 + b[k]!;
      if (b[b.length - 1]! & 0x80) v -= 2 ** (8 * b.length);
      return v;
    }
    let v = 0n;
    for (let k = b.length - 1; k >= 0; k--) v = (v << 8n) | BigInt(b[k]!);
    if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  /**
   * Run opcodes until STOP, the end of the range, or `budget` opcodes (then call again).
   * Returns true when finished.
   */
  run(budget = Infinity): boolean {
    const stopAt = this.opcodes + budget;
    while (!this.stopped) {
      if (this.position >= this.end) {
        this.stopped = true;
        break;
      }
      if (this.opcodes >= stopAt) return false;
      const at = this.position;
      const op = this.u8();
      this.opcodes++;
      switch (op) {
        case 0x80: // PROTO
          if (this.u8() > 5) throw new PickleError("unsupported pickle protocol");
          break;
        case 0x95: // FRAME
          this.u64();
          break;
        case 0x28: // MARK
          this.marks.push(this.stack.length);
          this.markPos.push(at);
          if (Array.isArray(this.stack[this.stack.length - 1])) this.numberRun(at);
          break;
        case 0x2e: // STOP
          this.result = this.pop();
          this.stopped = true;
          break;
        case 0x30: // POP
          if (this.marks.length && this.stack.length === this.marks[this.marks.length - 1]) this.popMark();
          else this.pop();
          break;
        case 0x31: // POP_MARK
          this.popMark();
          break;
        case 0x32: { // DUP
          this.uncount(this.top());
          this.push(this.top(), at);
          break;
        }
        case 0x4e: this.push(null, at); break; // NONE
        case 0x88: this.push(true, at); break; // NEWTRUE
        case 0x89: this.push(false, at); break; // NEWFALSE
        case 0x4a: this.push(this.i32(), at); break; // BININT
        case 0x4b: this.push(this.u8(), at); break; // BININT1
        case 0x4d: this.push(this.u16(), at); break; // BININT2
        case 0x8a: this.push(this.long(this.bytes(this.u8())), at); break; // LONG1
        case 0x8b: this.push(this.long(this.bytes(this.u32())), at); break; // LONG4
        case 0x49: { // INT (text)
          const s = this.line();
          this.push(s === "01" ? true : s === "00" ? false : Number(s), at);
          break;
        }
        case 0x4c: { // LONG (text)
          const s = this.line().replace(/L$/, "");
          const b = BigInt(s);
          this.push(b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b, at);
          break;
        }
        case 0x47: { // BINFLOAT (big-endian)
          this.need(8);
          const v = this.view.getFloat64(this.i, false);
          this.i += 8;
          this.push(v, at);
          break;
        }
        case 0x46: this.push(parseFloat(this.line()), at); break; // FLOAT
        case 0x58: this.push(this.str(this.u32()), at); break; // BINUNICODE
        case 0x8c: this.push(this.str(this.u8()), at); break; // SHORT_BINUNICODE
        case 0x8d: this.push(this.str(this.u64()), at); break; // BINUNICODE8
        case 0x56: { // UNICODE (raw-unicode-escape)
          const s = this.line().replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, a: string, b: string) => String.fromCodePoint(parseInt(a ?? b, 16)));
          this.push(s, at);
          break;
        }
        case 0x55: this.push(latin1.decode(this.bytes(this.u8())), at); break; // SHORT_BINSTRING
        case 0x54: this.push(latin1.decode(this.bytes(this.i32())), at); break; // BINSTRING
        case 0x53: { // STRING (quoted repr)
          const s = this.line();
          this.push(s.slice(1, -1), at);
          break;
        }
        case 0x43: this.push(Buffer.from(this.bytes(this.u8())), at); break; // SHORT_BINBYTES
        case 0x42: this.push(Buffer.from(this.bytes(this.u32())), at); break; // BINBYTES
        case 0x8e: this.push(Buffer.from(this.bytes(this.u64())), at); break; // BINBYTES8
        case 0x96: this.push(Buffer.from(this.bytes(this.u64())), at); break; // BYTEARRAY8
        case 0x29: this.push([], at); break; // EMPTY_TUPLE
        case 0x5d: this.push([], at); break; // EMPTY_LIST
        case 0x7d: this.push(newDict(), at); break; // EMPTY_DICT
        case 0x8f: this.push([], at); break; // EMPTY_SET (a list: JSON has no sets)
        case 0x85: { // TUPLE1
          const a = this.pop();
          this.push([a], this.poppedStart);
          break;
        }
        case 0x86: { // TUPLE2
          const b = this.pop();
          const a = this.pop();
          this.push([a, b], this.poppedStart);
          break;
        }
        case 0x87: { // TUPLE3
          const c = this.pop();
          const b = this.pop();
          const a = this.pop();
          this.push([a, b, c], this.poppedStart);
          break;
        }
        case 0x74: // TUPLE
        case 0x6c: { // LIST
          const { items, markAt } = this.popMark();
          this.push(items, markAt);
          break;
        }
        case 0x91: { // FROZENSET
          const { items, markAt } = this.popMark();
          this.push(items, markAt);
          break;
        }
        case 0x64: { // DICT
          const { items, markAt } = this.popMark();
          const d = newDict();
          for (let k = 0; k + 1 < items.length; k += 2) d[dictKey(items[k])] = items[k + 1];
          this.push(d, markAt);
          break;
        }
        case 0x61: { // APPEND
          const v = this.pop();
          const vStart = this.poppedStart;
          const list = this.top();
          if (!Array.isArray(list)) throw new PickleError("APPEND to something that is not a list");
          const listAt = this.stack.length - 1;
          if (this.hooks.onAppends && (this.hooks.isTarget?.(this, listAt) ?? true) && this.hooks.onAppends(this, list, listAt, [v], [vStart], at)) break;
          const c = this.counts?.get(list);
          if (c !== undefined) {
            // A counted list's last item comes alone (pickle batches lists by 1000).
            const counted = c >= 0 && typeof v === "number";
            this.counts!.set(list, counted ? c + 1 : -1);
            if (counted) break;
          }
          list.push(v);
          break;
        }
        case 0x65: // APPENDS
        case 0x90: { // ADDITEMS
          const m = this.marks[this.marks.length - 1];
          if (m === undefined) throw new PickleError("MARK missing in the pickle");
          const list = this.stack[m - 1];
          if (!Array.isArray(list)) throw new PickleError("APPENDS to something that is not a list");
          if (op === 0x65 && this.hooks.onAppends && (this.hooks.isTarget?.(this, m - 1) ?? true)) {
            const { items, starts } = this.popMark();
            if (this.hooks.onAppends(this, list, this.stack.length - 1, items, starts, at)) break;
            for (const v of items) list.push(v);
            break;
          }
          // A counted list is here only after countRun met something other than a number.
          if (this.counts?.has(list)) this.counts.set(list, -1);
          // The hot path of every token list: copy straight off the stack, no temporary arrays.
          const st = this.stack;
          for (let k = m; k < st.length; k++) list.push(st[k]);
          st.length = m;
          this.starts.length = m;
          this.marks.pop();
          this.markPos.pop();
          break;
        }
        case 0x73: { // SETITEM
          const v = this.pop();
          const k = this.pop();
          const d = this.top();
          if (!isPyDict(d)) throw new PickleError("SETITEM on something that is not a dict");
          d[dictKey(k)] = v;
          break;
        }
        case 0x75: { // SETITEMS
          const { items } = this.popMark();
          const d = this.top();
          if (!isPyDict(d)) throw new PickleError("SETITEMS on something that is not a dict");
          for (let k = 0; k + 1 < items.length; k += 2) d[dictKey(items[k])] = items[k + 1];
          break;
        }
        case 0x70: this.memoPut(Number(this.line()), at); break; // PUT
        case 0x71: this.memoPut(this.u8(), at); break; // BINPUT
        case 0x72: this.memoPut(this.u32(), at); break; // LONG_BINPUT
        case 0x94: this.memoPut(this.memoNext, at); break; // MEMOIZE
        case 0x67: this.push(this.memoGet(Number(this.line())), at); break; // GET
        case 0x68: this.push(this.memoGet(this.u8()), at); break; // BINGET
        case 0x6a: this.push(this.memoGet(this.u32()), at); break; // LONG_BINGET
        case 0x63: { // GLOBAL
          const module = this.line();
          const name = this.line();
          this.push(this.resolveGlobal(module, name), at);
          break;
        }
        case 0x93: { // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          const s = this.poppedStart;
          if (typeof module !== "string" || typeof name !== "string") throw new PickleError("STACK_GLOBAL needs two strings");
          this.push(this.resolveGlobal(module, name), s);
          break;
        }
        case 0x52: { // REDUCE
          const args = this.pop();
          const f = this.pop();
          const s = this.poppedStart;
          this.push(this.callGlobal(f, args, "REDUCE"), s);
          break;
        }
        case 0x81: { // NEWOBJ
          const args = this.pop();
          const cls = this.pop();
          const s = this.poppedStart;
          this.push(this.callGlobal(cls, args, "NEWOBJ"), s);
          break;
        }
        case 0x92: { // NEWOBJ_EX
          const kwargs = this.pop();
          const args = this.pop();
          const cls = this.pop();
          const s = this.poppedStart;
          if (isPyDict(kwargs) && Object.keys(kwargs).length) throw new PickleRefused(`NEWOBJ_EX with keyword arguments for ${pyRepr(cls)}`);
          this.push(this.callGlobal(cls, args, "NEWOBJ_EX"), s);
          break;
        }
        case 0x62: { // BUILD
          const state = this.pop();
          const obj = this.top();
          if (isPyDict(obj) && isPyDict(state)) Object.assign(obj, state);
          else if (obj instanceof BuildTarget) obj.build(state);
          else throw new PickleRefused(`BUILD (setting object state) on ${describe(obj)}, which a safe loader does not allow`);
          break;
        }
        case 0x51: { // BINPERSID
          const pid = this.pop();
          const s = this.poppedStart;
          if (!this.hooks.persistentLoad) throw new PickleRefused("the pickle refers to external (persistent) data, which this reader cannot resolve here");
          this.push(this.hooks.persistentLoad(pid), s);
          break;
        }
        case 0x50: { // PERSID (text)
          const pid = this.line();
          if (!this.hooks.persistentLoad) throw new PickleRefused("the pickle refers to external (persistent) data");
          this.push(this.hooks.persistentLoad(pid), at);
          break;
        }
        case 0x69: { // INST
          const module = this.line();
          const name = this.line();
          throw new PickleRefused(`the pickle instantiates ${module}.${name} (INST), which a safe loader does not allow`);
        }
        case 0x6f: // OBJ
          throw new PickleRefused("the pickle instantiates a class (OBJ), which a safe loader does not allow");
        case 0x82:
        case 0x83:
        case 0x84:
          throw new PickleRefused("the pickle uses the extension registry (EXT), which a safe loader does not allow");
        case 0x97:
        case 0x98:
          throw new PickleRefused("the pickle uses out-of-band buffers, which this reader does not support");
        default:
          throw new PickleError(`unknown pickle opcode 0x${op.toString(16)} at byte ${at} (not a pickle, or a corrupt one)`);
      }
    }
    return true;
  }

}

/** An object that accepts BUILD state (registered by handlers, e.g. a tensor's empty state). */
export class BuildTarget {
  build(state: unknown): void {
    void state;
  }
}

export function dictKey(k: unknown): string {
  if (typeof k === "string") return k;
  if (k === null) return "None";
  if (typeof k === "boolean") return k ? "True" : "False";
  if (Array.isArray(k)) return `(${k.map((x) => dictKey(x)).join(", ")})`;
  return String(k);
}

function describe(v: unknown): string {
  if (v === null) return "None";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return (v as object).constructor?.name ?? "an object";
  return typeof v;
}
