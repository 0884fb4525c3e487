// The Traffic table's order: newest request first. Calls are recorded when they finish, so a slow
// call arrives after quicker ones that started later; it goes where its start time puts it, not on
// top. Ties (same ms) by id, which grows with the finish. Isomorphic (pure).
import type { TrafficRow } from "./filter";

type Ordered = Pick<TrafficRow, "time" | "id">;

/** Negative when a comes first (a is newer). */
export function newerFirst(a: Ordered, b: Ordered): number {
  return b.time - a.time || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** `rows` (newest first) with `incoming` (any order) merged in, at most `max` kept (the newest). */
export function mergeNewestFirst<T extends Ordered>(rows: readonly T[], incoming: readonly T[], max: number): T[] {
  if (!incoming.length) return rows.length > max ? rows.slice(0, max) : (rows as T[]);
  const add = [...incoming].sort(newerFirst);
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (out.length < max && (i < rows.length || j < add.length)) {
    if (j >= add.length || (i < rows.length && newerFirst(rows[i]!, add[j]!) <= 0)) out.push(rows[i++]!);
    else out.push(add[j++]!);
  }
  return out;
}
