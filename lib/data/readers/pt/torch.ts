// torch's pickle vocabulary: the globals torch.load(weights_only=True) accepts, turned into
// plain data. Tensors stay lazy (dtype, shape, strides, offset, storage key) until their bytes
// are asked for, and are then read from the archive member alone. Isomorphic.
import { PickleRefused, PyGlobal, isPyDict, newDict } from "./pickle";

export const dtypes = {
  float64: { size: 8 },
  float32: { size: 4 },
  float16: { size: 2 },
  bfloat16: { size: 2 },
  int64: { size: 8 },
  int32: { size: 4 },
  int16: { size: 2 },
  int8: { size: 1 },
  uint8: { size: 1 },
  bool: { size: 1 },
} as const;
export type DType = keyof typeof dtypes;

const storageTypes: Record<string, DType> = {
  DoubleStorage: "float64",
  FloatStorage: "float32",
  HalfStorage: "float16",
  BFloat16Storage: "bfloat16",
  LongStorage: "int64",
  IntStorage: "int32",
  ShortStorage: "int16",
  CharStorage: "int8",
  ByteStorage: "uint8",
  BoolStorage: "bool",
};
const dtypeNames: Record<string, DType> = {
  float64: "float64", double: "float64", float32: "float32", float: "float32", float16: "float16", half: "float16",
  bfloat16: "bfloat16", int64: "int64", long: "int64", int32: "int32", int: "int32", int16: "int16", short: "int16",
  int8: "int8", uint8: "uint8", bool: "bool",
};

/** A storage type or dtype global (torch.FloatStorage, torch.bfloat16). */
export class DTypeGlobal extends PyGlobal {
  constructor(module: string, name: string, readonly dtype: DType | null) {
    super(module, name, () => {
      throw new PickleRefused(`the pickle calls ${module}.${name}, which a safe loader does not allow`);
    });
  }
}

/** What persistent_load returns for ('storage', type, key, location, numel). */
export class StorageRef {
  constructor(readonly key: string, readonly dtype: DType, readonly numel: number | null) {}
}

export class LazyTensor {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
  get dtype(): DType {
    return this.storage.dtype;
  }
  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  /** Highest element index it touches, +1 (how much of the storage it needs). */
  get span(): number {
    if (this.numel === 0) return 0;
    return this.offset + this.shape.reduce((a, d, k) => a + (d - 1) * this.stride[k]!, 0) + 1;
  }
}

export type NumArray = Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint8Array;

/** Elements of a tensor, little-endian, in row-major order. `bytes` holds storage elements [first, first+n). */
export function decodeTensor(t: LazyTensor, bytes: Uint8Array, first: number): NumArray {
  const size = dtypes[t.dtype].size;
  const n = t.numel;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = (e: number): number => (e - first) * size;
  let get: (p: number) => number;
  let out: NumArray;
  switch (t.dtype) {
    case "float64": out = new Float64Array(n); get = (p) => dv.getFloat64(p, true); break;
    case "float32": out = new Float32Array(n); get = (p) => dv.getFloat32(p, true); break;
    case "float16": out = new Float32Array(n); get = (p) => halfToFloat(dv.getUint16(p, true)); break;
    case "bfloat16": {
      out = new Float32Array(n);
      const tmp = new DataView(new ArrayBuffer(4));
      get = (p) => {
        tmp.setUint32(0, dv.getUint16(p, true) << 16);
        return tmp.getFloat32(0);
      };
      break;
    }
    case "int64":
      out = new Float64Array(n);
      // Exact below 2^53, which token ids and lengths always are.
      get = (p) => dv.getInt32(p + 4, true) * 4294967296 + dv.getUint32(p, true);
      break;
    case "int32": out = new Int32Array(n); get = (p) => dv.getInt32(p, true); break;
    case "int16": out = new Int16Array(n); get = (p) => dv.getInt16(p, true); break;
    case "int8": out = new Int8Array(n); get = (p) => dv.getInt8(p); break;
    case "uint8":
    case "bool": out = new Uint8Array(n); get = (p) => dv.getUint8(p); break;
  }
  const nd = t.shape.length;
  if (nd <= 1) {
    const st = nd === 0 ? 0 : t.stride[0]!;
    for (let k = 0; k < n; k++) out[k] = get(at(t.offset + k * st));
    return out;
  }
  const idx = new Array<number>(nd).fill(0);
  for (let k = 0; k < n; k++) {
    let e = t.offset;
    for (let d = 0; d < nd; d++) e += idx[d]! * t.stride[d]!;
    out[k] = get(at(e));
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d]! < t.shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function ints(v: unknown, what: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === "number")) throw new PickleRefused(`torch tensor ${what} is not a tuple of ints`);
  return v as number[];
}

function rebuildTensor(args: unknown[]): LazyTensor {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof StorageRef)) throw new PickleRefused("a torch tensor is rebuilt from something that is not a storage");
  if (typeof offset !== "number") throw new PickleRefused("torch tensor storage offset is not an int");
  const t = new LazyTensor(storage, offset, ints(size, "size"), ints(stride, "stride"));
  if (t.shape.length !== t.stride.length) throw new PickleRefused("torch tensor size and stride differ in length");
  if (storage.numel !== null && t.span > storage.numel) throw new PickleRefused("a torch tensor reaches past the end of its storage");
  return t;
}

/** Unsupported-but-known torch builders: named so the refusal says why. */
const unsupported = new Set(["_rebuild_qtensor", "_rebuild_sparse_tensor", "_rebuild_sparse_csr_tensor", "_rebuild_wrapper_subclass", "_rebuild_meta_tensor_no_storage", "_rebuild_nested_tensor", "_rebuild_device_tensor_from_numpy"]);

/** The globals a safe loader builds; everything else is refused with its name. */
export function torchGlobal(module: string, name: string): PyGlobal {
  const full = `${module}.${name}`;
  if (module === "torch") {
    if (name in storageTypes) return new DTypeGlobal(module, name, storageTypes[name]!);
    if (name in dtypeNames) return new DTypeGlobal(module, name, dtypeNames[name]!);
    if (name === "Size") return new PyGlobal(module, name, (a) => ints(a[0] ?? [], "Size"));
    if (name === "device") return new PyGlobal(module, name, (a) => a.map(String).join(":"));
    if (name === "UntypedStorage") return new DTypeGlobal(module, name, "uint8");
  }
  if (module === "torch._utils") {
    if (name === "_rebuild_tensor_v2" || name === "_rebuild_tensor") return new PyGlobal(module, name, rebuildTensor);
    if (name === "_rebuild_parameter" || name === "_rebuild_parameter_with_state") return new PyGlobal(module, name, (a) => a[0]);
    if (unsupported.has(name)) throw new PickleRefused(`the pickle uses ${full} (quantized, sparse or device tensors), which this reader does not support`);
  }
  if (full === "torch.nn.parameter.Parameter") return new PyGlobal(module, name, (a) => a[0]);
  if (full === "collections.OrderedDict") {
    return new PyGlobal(module, name, (a) => {
      const d = newDict();
      if (Array.isArray(a[0])) for (const kv of a[0]) if (Array.isArray(kv) && kv.length === 2) d[String(kv[0])] = kv[1];
      return d;
    });
  }
  if (full === "_codecs.encode")
    return new PyGlobal(module, name, (a) => Buffer.from(String(a[0] ?? ""), a[1] === "latin1" || a[1] === "latin-1" ? "latin1" : "utf8"));
  if ((module === "builtins" || module === "__builtin__") && (name === "set" || name === "frozenset" || name === "list" || name === "tuple"))
    return new PyGlobal(module, name, (a) => (Array.isArray(a[0]) ? [...a[0]] : []));
  if ((module === "builtins" || module === "__builtin__") && name === "bytearray") return new PyGlobal(module, name, (a) => (a[0] instanceof Uint8Array ? Buffer.from(a[0]) : Buffer.alloc(0)));
  if (full === "builtins.dict" || full === "__builtin__.dict") return new PyGlobal(module, name, (a) => (isPyDict(a[0]) ? Object.assign(newDict(), a[0]) : newDict()));
  throw new PickleRefused(
    `the pickle asks for the global ${full}, which a safe loader (torch.load with weights_only=True) does not allow; nothing was executed`,
  );
}

/** torch's persistent ids: ('storage', storage_type, key, location, numel). */
export function torchPersistentLoad(pid: unknown): StorageRef {
  if (!Array.isArray(pid) || pid[0] !== "storage") throw new PickleRefused(`unknown persistent id ${JSON.stringify(String(pid)).slice(0, 80)}`);
  const [, type, key, , numel] = pid;
  if (!(type instanceof DTypeGlobal) || !type.dtype) throw new PickleRefused("a torch storage of an unknown type");
  if (typeof key !== "string" || !/^[\w.-]+$/.test(key)) throw new PickleRefused("a torch storage key that is not a plain name");
  // numel counts bytes for UntypedStorage; for typed storages it counts elements.
  return new StorageRef(key, type.dtype, typeof numel === "number" && type.name !== "UntypedStorage" ? numel : null);
}
