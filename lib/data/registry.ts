import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { serverEnv } from "@/lib/env";
import { globalStore } from "@/lib/global-store";
import type { Result } from "@/lib/result";
import { err, ok } from "@/lib/result";
import { Dataset } from "./dataset";
import { cacheDir, resolveSource } from "./paths";
import type { DatasetFormat, DatasetInfo } from "./types";

// Open datasets live for the life of the server process (a global store, so dev reloads keep them).
const MAX_OPEN = 8;
const open = globalStore("data:open-datasets", () => new Map<string, Dataset>());

/** Open a file of the data dir (or an upload) once; the same file and format give the same id. */
const FIRST_ROWS_WAIT_MS = 1000;

export async function openDataset(source: string, format?: DatasetFormat): Promise<Result<DatasetInfo>> {
  const resolved = await resolveSource(source);
  if (!resolved.ok) return resolved;
  const r = resolved.value;
  const st = await fs.promises.stat(r.path);
  // A folder opens as one dataset when it holds slime dumps or verl step files (readers/index.ts).
  if (!st.isFile() && !st.isDirectory()) return err({ code: "bad_request:path", message: "That path is not a file." });
  const sizeBytes = st.isDirectory() ? await folderBytes(r.path) : st.size;
  const id = crypto
    .createHash("sha1")
    .update(`${r.path}\0${sizeBytes}\0${st.mtimeMs}\0${format ?? "auto"}`)
    .digest("hex")
    .slice(0, 16);
  let ds = open.get(id);
  if (!ds) {
    const env = serverEnv();
    ds = new Dataset({
      id,
      name: path.basename(r.path),
      source: r.source,
      path: r.path,
      sizeBytes,
      format,
      maxRecordBytes: Math.round(env.PLAYGROUND_INSPECT_MAX_RECORD_MB * 1024 * 1024),
      textCachePath: path.join(cacheDir(), "text", `${id}.txt`),
      searchTimeoutMs: env.PLAYGROUND_INSPECT_SEARCH_TIMEOUT_S * 1000,
    });
    open.set(id, ds);
    evict();
  }
  // The answer carries the first rows' count when they come quickly (a screenful is summarized at
  // once), so the list paints without waiting for the next progress poll.
  if (ds.indexing && ds.store.length === 0) await ds.waitForRow(0, AbortSignal.timeout(FIRST_ROWS_WAIT_MS));
  return ok(ds.info());
}

/** Bytes of the files in a folder and its subfolders one level down (train_data/, rollout_data/). */
async function folderBytes(dir: string, depth = 0): Promise<number> {
  let n = 0;
  for (const d of await fs.promises.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isFile()) n += (await fs.promises.stat(p)).size;
    else if (d.isDirectory() && depth === 0) n += await folderBytes(p, 1);
  }
  return n;
}

function evict(): void {
  if (open.size <= MAX_OPEN) return;
  const idle = [...open.values()].filter((d) => !d.indexing).sort((a, b) => a.lastUsed - b.lastUsed);
  while (open.size > MAX_OPEN && idle.length) {
    const d = idle.shift()!;
    d.close();
    open.delete(d.id);
  }
}

export function getDataset(id: string): Dataset | undefined {
  const d = open.get(id);
  if (d) d.lastUsed = Date.now();
  return d;
}
