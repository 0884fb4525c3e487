"use client";
import { appError, readErrorEnvelope } from "@/lib/errors";
import { readNdjson } from "@/lib/http/read-ndjson";
import { err, ok, type Result } from "@/lib/result";
import type { RowQuery } from "@/lib/data/query";
import { writeRowQuery } from "@/lib/data/query";
import type { DatasetFormat, DatasetInfo, GroupSummary, NormalizedSample, Problem, PromptSteps, ReexecRecord, RowSummary, RowsPage } from "@/lib/data/types";

// Browser-side calls to /api/datasets. Failures come back as values (lib/result.ts, with the
// server's error envelope), never thrown into React. An aborted call is `cancelled:request`.

const cancelled = () => err(appError("cancelled:request", "Cancelled."));
const unreachable = (message: string) => err(appError("unavailable:server", message));

async function call<T>(url: string, init?: RequestInit): Promise<Result<T>> {
  try {
    const res = await fetch(url, { cache: "no-store", ...init });
    if (!res.ok) return err(await readErrorEnvelope(res));
    return ok((await res.json().catch(() => null)) as T);
  } catch (e) {
    if ((e as Error).name === "AbortError") return cancelled();
    return unreachable("The server could not be reached.");
  }
}

export function queryString(q: RowQuery, extra: Record<string, string | number> = {}): string {
  const p = writeRowQuery(q, new URLSearchParams());
  for (const [k, v] of Object.entries(extra)) p.set(k, String(v));
  return p.toString();
}

export interface DirListing {
  root: string;
  dir: string;
  entries: { name: string; path: string; type: "dir" | "file"; size: number }[];
}

export interface SampleResponse {
  sample: NormalizedSample;
  raw: string;
  raw_truncated: boolean;
  /** Dense group id used by the list and the group view (-1 for unparsed rows). */
  group: number;
  /** The row as the list shows it: the header renders the same fields from it (row-fields.tsx). */
  summary: RowSummary;
  nav: { position: number; prev: number | null; next: number | null; matched: number };
  reexec: ReexecRecord | null;
  rescore: { score: number; acc?: boolean; pred?: string | null; error?: string } | null;
  /** Display text of each token when the server has a tokenizer. */
  token_pieces: string[] | null;
  tokenizer_note: string | null;
}

/** Upload in chunks (the server's proxy caps one request body at 10 MB), reporting progress. */
async function uploadFile(file: File, onProgress: (sent: number) => void, format?: DatasetFormat): Promise<Result<DatasetInfo>> {
  const json = { "content-type": "application/json" };
  const start = await call<{ upload_id: string; chunk_bytes: number }>("/api/datasets/upload", { method: "POST", headers: json, body: JSON.stringify({ name: file.name }) });
  if (!start.ok) return start;
  const { upload_id, chunk_bytes } = start.value;
  for (let offset = 0; offset < file.size; offset += chunk_bytes) {
    const r = await call<{ size: number }>(`/api/datasets/upload/${upload_id}?offset=${offset}`, { method: "PUT", body: file.slice(offset, offset + chunk_bytes) });
    if (!r.ok) return r;
    onProgress(r.value.size);
  }
  return call<DatasetInfo>(`/api/datasets/upload/${upload_id}`, { method: "POST", headers: json, body: JSON.stringify({ size: file.size, format }) });
}

export const api = {
  listFiles: (dir: string) => call<DirListing>(`/api/datasets/files?dir=${encodeURIComponent(dir)}`),
  open: (source: string, format?: DatasetFormat) =>
    call<DatasetInfo>("/api/datasets", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ source, format }) }),
  upload: uploadFile,
  info: (id: string) => call<DatasetInfo>(`/api/datasets/${id}`),
  rows: (id: string, q: RowQuery, offset: number, limit: number, signal?: AbortSignal) =>
    call<RowsPage>(`/api/datasets/${id}/rows?${queryString(q, { offset, limit })}`, { signal }),
  sample: (id: string, row: number, q: RowQuery, signal?: AbortSignal) =>
    call<SampleResponse>(`/api/datasets/${id}/samples/${row}?${queryString(q)}`, { signal }),
  group: (id: string, group: number) => call<GroupSummary>(`/api/datasets/${id}/groups/${group}`),
  steps: (id: string, row: number) => call<PromptSteps>(`/api/datasets/${id}/steps?row=${row}`),
  problems: (id: string) => call<{ total: number; kept: number; problems: Problem[] }>(`/api/datasets/${id}/problems?limit=2000`),
  histogram: (id: string, which: "recorded" | "rescored") =>
    call<{ min: number; max: number; counts: number[]; missing: number }>(`/api/datasets/${id}/histogram?which=${which}`),
};

/** POST (or GET) and read an NDJSON stream, one callback per event. */
export async function streamEvents<E>(url: string, init: RequestInit, onEvent: (e: E) => void): Promise<Result<null>> {
  try {
    const res = await fetch(url, init);
    if (!res.ok || !res.body) return err(await readErrorEnvelope(res));
    for await (const event of readNdjson(res)) onEvent(event as E);
    return ok(null);
  } catch (e) {
    if ((e as Error).name === "AbortError") return cancelled();
    return unreachable("The connection to the server was lost.");
  }
}
