import "server-only";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { serverEnv } from "@/lib/env";

export type PathResult = { ok: true; path: string; source: string } | { ok: false; code: "not_found" | "forbidden" | "bad_request"; message: string };

export function dataDir(): string {
  return path.resolve(serverEnv().PLAYGROUND_DATA_DIR);
}
export function cacheDir(): string {
  return path.resolve(serverEnv().PLAYGROUND_INSPECT_CACHE_DIR ?? path.join(os.tmpdir(), "rollout-playground-inspect"));
}
export function uploadsDir(): string {
  return path.join(cacheDir(), "uploads");
}

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/**
 * Resolve a user-given path inside a root. Rejects `..`, absolute paths elsewhere and
 * symlinks whose target leaves the root (checked on the real path).
 */
export async function resolveInside(root: string, rel: string): Promise<PathResult> {
  if (rel.includes("\0")) return { ok: false, code: "bad_request", message: "The path contains a NUL byte." };
  let realRoot: string;
  try {
    realRoot = await fs.promises.realpath(root);
  } catch {
    return { ok: false, code: "not_found", message: `The data directory ${root} does not exist. Set PLAYGROUND_DATA_DIR or create it.` };
  }
  const candidate = path.resolve(realRoot, rel);
  if (!inside(realRoot, candidate)) return { ok: false, code: "forbidden", message: "That path is outside the data directory." };
  let real: string;
  try {
    real = await fs.promises.realpath(candidate);
  } catch {
    return { ok: false, code: "not_found", message: `No such file: ${rel}` };
  }
  if (!inside(realRoot, real)) return { ok: false, code: "forbidden", message: "That path leads outside the data directory (symlink)." };
  return { ok: true, path: real, source: path.relative(realRoot, real) };
}

/** `upload:<id>/<name>` or a path relative to PLAYGROUND_DATA_DIR. */
export async function resolveSource(source: string): Promise<PathResult> {
  if (source.startsWith("upload:")) {
    const r = await resolveInside(uploadsDir(), source.slice("upload:".length));
    return r.ok ? { ...r, source } : r;
  }
  return resolveInside(dataDir(), source);
}

export const datasetExtensions = [".jsonl", ".ndjson", ".json", ".parquet"];

export interface DirEntry {
  name: string;
  path: string;
  type: "dir" | "file";
  size: number;
}

export async function listDataDir(rel: string): Promise<{ ok: true; entries: DirEntry[]; dir: string } | Exclude<PathResult, { ok: true }>> {
  await fs.promises.mkdir(dataDir(), { recursive: true }).catch(() => undefined);
  const r = await resolveInside(dataDir(), rel || ".");
  if (!r.ok) return r;
  const st = await fs.promises.stat(r.path);
  if (!st.isDirectory()) return { ok: false, code: "bad_request", message: "Not a directory." };
  const dirents = await fs.promises.readdir(r.path, { withFileTypes: true });
  const entries: DirEntry[] = [];
  for (const d of dirents) {
    const full = path.join(r.path, d.name);
    // Resolve symlinks, and hide those that leave the data dir.
    const sub = await resolveInside(dataDir(), path.relative(await fs.promises.realpath(dataDir()), full));
    if (!sub.ok) continue;
    const s = await fs.promises.stat(sub.path).catch(() => null);
    if (!s) continue;
    if (s.isDirectory()) entries.push({ name: d.name, path: path.relative(await fs.promises.realpath(dataDir()), full), type: "dir", size: 0 });
    else if (s.isFile() && datasetExtensions.some((e) => d.name.toLowerCase().endsWith(e)))
      entries.push({ name: d.name, path: path.relative(await fs.promises.realpath(dataDir()), full), type: "file", size: s.size });
  }
  entries.sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === "dir" ? -1 : 1));
  return { ok: true, entries, dir: r.source };
}
