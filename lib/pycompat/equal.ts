// Python's `==` and `bool()` over JSON values (what json.loads gives): dict equality ignores key
// order, bool is an int (True == 1 == 1.0), and an empty container is falsy. slime routes chat
// messages by `==`, so these decide which tree node a replayed message lands on.

/** Python `a == b` for JSON values. NaN equals NaN: json.loads hands out one shared NaN object
 *  and list/dict comparison checks identity first. */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined || nb !== undefined) {
    if (na === undefined || nb === undefined) return false;
    return na === nb || (Number.isNaN(na) && Number.isNaN(nb));
  }
  if (typeof a === "string" || typeof b === "string") return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!pyEquals(a[i], b[i])) return false;
    return true;
  }
  if (typeof a !== "object" || typeof b !== "object") return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(rb, k) || !pyEquals(ra[k], rb[k])) return false;
  }
  return true;
}

function numeric(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  return undefined;
}

/** Python `bool(v)` for JSON values (NaN is truthy in Python). */
export function pyTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === "") return false;
  if (typeof v === "number") return v !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v).length > 0;
  return true;
}
