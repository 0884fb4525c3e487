import "server-only";
import fs from "node:fs";
import { readRangeSync } from "../../scan";
import type { PickleHooks, ReadFn } from "./pickle";
import { PickleError, PickleRefused, Unpickler } from "./pickle";
import type { LazyTensor, NumArray } from "./torch";
import { decodeTensor, dtypes, torchGlobal, torchPersistentLoad } from "./torch";
import type { ZipMember } from "./zip";
import { isZip, readMember, readZipDirectory } from "./zip";

// One torch.save file: the zip archive torch writes by default (data.pkl + data/<key> storages),
// or a plain pickle without tensors. The pickle is streamed from the file; tensors are read on
// demand from their own member. The legacy (pre-1.6, non-zip) tensor format is refused.

// torch's legacy format starts with this magic number, pickled.
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

export class TorchFile {
  private fdOrNull: number | null;
  readonly size: number;
  readonly kind: "zip" | "pickle";
  private members: Map<string, ZipMember> | null = null;
  private prefix = "";
  /** Byte range of the pickle in the file. */
  readonly pickleStart: number;
  readonly pickleEnd: number;
  private inflated: Buffer | null = null;

  constructor(readonly path: string) {
    this.fdOrNull = fs.openSync(path, "r");
    try {
      this.size = fs.fstatSync(this.fd).size;
      if (this.size === 0) throw new PickleError("the file is empty");
      if (isZip(this.fd)) {
        this.kind = "zip";
        this.members = readZipDirectory(this.fd, this.size);
        const pkl = [...this.members.values()].find((m) => m.name.endsWith("data.pkl") && m.name.split("/").length <= 2);
        if (!pkl) throw new PickleError("this zip archive has no data.pkl: it is not a torch.save file");
        this.prefix = pkl.name.slice(0, pkl.name.length - "data.pkl".length);
        const order = this.members.get(`${this.prefix}byteorder`);
        if (order && readMember(this.fd, order).toString("latin1").trim() === "big") throw new PickleError("this file was saved big-endian; only little-endian torch files are read");
        if (pkl.method === 0) {
          this.pickleStart = pkl.dataOffset;
          this.pickleEnd = pkl.dataOffset + pkl.size;
        } else {
          this.inflated = readMember(this.fd, pkl);
          this.pickleStart = 0;
          this.pickleEnd = this.inflated.length;
        }
      } else {
        this.kind = "pickle";
        this.pickleStart = 0;
        this.pickleEnd = this.size;
      }
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** The file descriptor, reopened after close() (a folder reader keeps only a few open). */
  get fd(): number {
    if (this.fdOrNull === null) this.fdOrNull = fs.openSync(this.path, "r");
    return this.fdOrNull;
  }
  get isOpen(): boolean {
    return this.fdOrNull !== null;
  }

  close(): void {
    if (this.fdOrNull === null) return;
    try {
      fs.closeSync(this.fdOrNull);
    } catch {
      /* already closed */
    }
    this.fdOrNull = null;
  }

  readonly read: ReadFn = (pos, len) => {
    if (this.inflated) return this.inflated.subarray(pos, pos + len);
    return readRangeSync(this.fd, pos, len);
  };

  hooks(extra: Partial<PickleHooks> = {}): PickleHooks {
    return {
      global: torchGlobal,
      persistentLoad:
        this.kind === "zip"
          ? torchPersistentLoad
          : () => {
              throw new PickleRefused("this plain pickle refers to tensor storages; only torch.save zip archives carry them");
            },
      ...extra,
    };
  }

  unpickler(extra: Partial<PickleHooks> = {}, start = this.pickleStart, end = this.pickleEnd, shared: unknown[] | null = null): Unpickler {
    return new Unpickler(this.read, start, end, this.hooks(extra), shared);
  }

  /** Refuse torch's legacy format up front (its first pickle is a magic number). */
  checkNotLegacy(): void {
    if (this.kind !== "pickle") return;
    const head = this.read(0, Math.min(this.size, 16));
    // PROTO 2, LONG1 10 bytes: the magic number.
    if (head[0] === 0x80 && head[2] === 0x8a && head[3] === 10) {
      let v = 0n;
      for (let k = 13; k >= 4; k--) v = (v << 8n) | BigInt(head[k] ?? 0);
      if (v === LEGACY_MAGIC)
        throw new PickleRefused("this is torch's legacy (pre-1.6, non-zip) format, which is not read; re-save it with torch.save(obj, path) from a current torch");
    }
  }

  /** The elements of a tensor, read from its storage member. */
  tensor(t: LazyTensor): NumArray {
    if (!this.members) throw new PickleError("tensor data outside a torch zip archive");
    const m = this.members.get(`${this.prefix}data/${t.storage.key}`);
    if (!m) throw new PickleError(`tensor storage ${t.storage.key} is missing from the archive (truncated file?)`);
    const size = dtypes[t.dtype].size;
    const n = t.numel;
    if (n === 0) return decodeTensor(t, new Uint8Array(0), 0);
    let lo = t.offset;
    let hi = t.span;
    for (let d = 0; d < t.shape.length; d++) if (t.stride[d]! < 0) throw new PickleError("negative tensor strides are not supported");
    if (hi * size > m.size) throw new PickleError(`tensor storage ${t.storage.key} is shorter than the tensor (truncated file?)`);
    lo = Math.max(0, lo);
    hi = Math.max(lo, hi);
    return decodeTensor(t, readMember(this.fd, m, lo * size, (hi - lo) * size), lo);
  }
}
