import { isPyDict, newDict } from "./pickle";
import type { NumArray } from "./torch";
import { LazyTensor } from "./torch";

// Unpickled values to JSON-able values: tensors to number lists (read from the archive),
// Python ints beyond 2^53 to strings, bytes to base64 (as scripts/convert-debug-rollout.py does).
// NaN and infinities stay numbers here; JSON output writes them as null.

/** The shortest decimal that reads back as the same float32 (0.1, not 0.10000000149011612). */
export function shortFloat32(x: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  for (let p = 6; p < 10; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return x;
}

export function numbers(a: NumArray): number[] {
  const out = new Array<number>(a.length);
  if (a instanceof Float32Array) for (let k = 0; k < a.length; k++) out[k] = shortFloat32(a[k]!);
  else for (let k = 0; k < a.length; k++) out[k] = a[k]!;
  return out;
}

export type TensorReader = (t: LazyTensor) => NumArray;

function nest(flat: number[], shape: number[], d = 0, at = { i: 0 }): unknown {
  if (d === shape.length - 1) {
    const row = flat.slice(at.i, at.i + shape[d]!);
    at.i += shape[d]!;
    return row;
  }
  const out: unknown[] = [];
  for (let k = 0; k < shape[d]!; k++) out.push(nest(flat, shape, d + 1, at));
  return out;
}

export function toPlain(v: unknown, tensor: TensorReader): unknown {
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof LazyTensor) {
    const flat = numbers(tensor(v));
    if (v.shape.length === 0) return flat[0] ?? null;
    return v.shape.length === 1 ? flat : nest(flat, v.shape);
  }
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
  if (Array.isArray(v)) {
    let allNum = true;
    for (let k = 0; k < v.length; k++) if (typeof v[k] !== "number") { allNum = false; break; }
    return allNum ? v : v.map((x) => toPlain(x, tensor));
  }
  if (isPyDict(v)) {
    const o = newDict();
    for (const k of Object.keys(v)) o[k] = toPlain(v[k], tensor);
    return o;
  }
  return String(v);
}
