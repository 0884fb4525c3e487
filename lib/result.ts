// One Result shape for every operation whose failure is data, not an exception
// (sandbox runs, model calls, file reads, batch jobs). The failure side is an AppErrorData
// so every layer can render or serialise it the same way.
import { AppError, type AppErrorData } from "./errors";

export type Ok<T> = { ok: true; value: T };
export type Err<E = AppErrorData> = { ok: false; error: E };
export type Result<T, E = AppErrorData> = Ok<T> | Err<E>;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = <E = AppErrorData>(error: E): Err<E> => ({ ok: false, error });

export function isOk<T, E>(r: Result<T, E>): r is Ok<T> {
  return r.ok;
}

/** The value, or throw the failure as an AppError (for callers at a boundary that maps it to HTTP). */
export function unwrap<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw new AppError(r.error.code, r.error.message, r.error.field === undefined ? undefined : { field: r.error.field });
}
