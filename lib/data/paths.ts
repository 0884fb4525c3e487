import "server-only";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { serverEnv } from "@/lib/env";
import type { Result } from "@/lib/result";
import { err, ok } from "@/lib/result";
import { hasDatasetExtension } from "./types";

/** A user-given path resolved inside a root: the real path, and the path relative to the root. */
export type PathResult = Result<{ path: string; source: string }>;

export function dataDir(): string {
  return path.resolve(serverEnv().PLAYGROUND_DATA_DIR);
}
export function cacheDir(): string {
  return path.resolve(/* turbopackIgnore: true */ serverEnv().PLAYGROUND_INSPECT_CACHE_DIR ?? path.join(os.tmpdir(), "rollout-playground-inspect"));
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
  if (rel.includes("\0")) return err({ code: "bad_request:path", message: "The path contains a NUL byte." });
  let realRoot: string;
  try {
    realRoot = await fs.promises.realpath(root);
  } catch {
    return err({ code: "not_found:data_dir", message: `The data directory ${root} does not exist. Set PLAYGROUND_DATA_DIR or create it.` });
  }
  const candidate = path.resolve(realRoot, rel);
  if (!inside(realRoot, candidate)) return err({ code: "forbidden:path", message: "That path is outside the data directory." });
  let real: string;
  try {
    real = await fs.promises.realpath(candidate);
  } catch {
    return err({ code: "not_found:file", message: `No such file: ${rel}` });
  }
  if (!inside(realRoot, real)) return err({ code: "forbidden:path", message: "That path leads outside the data directory (symlink)." });
  return ok({ path: real, source: path.relative(realRoot, real) });
}

/** `upload:<id>/<name>` or a path relative to PLAYGROUND_DATA_DIR. */
export async function resolveSource(source: string): Promise<PathResult> {
  if (source.startsWith("upload:")) {
    const r = await resolveInside(uploadsDir(), source.slice("upload:".length));
    return r.ok ? ok({ ...r.value, source }) : r;
  }
  return resolveInside(dataDir(), source);
}

export interface DirEntry {
  name: string;
  path: string;
  type: "dir" | "file";
  size: number;
}

export async function listDataDir(rel: string): Promise<Result<{ entries: DirEntry[]; dir: string }>> {
  await fs.promises.mkdir(dataDir(), { recursive: true }).catch(() => undefined);
  const r = await resolveInside(dataDir(), rel || ".");
  if (!r.ok) return r;
  const dir = r.value;
  const st = await fs.promises.stat(dir.path);
  if (!st.isDirectory()) return err({ code: "bad_request:path", message: "Not a directory." });
  const dirents = await fs.promises.readdir(dir.path, { withFileTypes: true });
  const entries: DirEntry[] = [];
  for (const d of dirents) {
    const full = path.join(dir.path, d.name);
    // Resolve symlinks, and hide those that leave the data dir.
    const sub = await resolveInside(dataDir(), path.relative(await fs.promises.realpath(dataDir()), full));
    if (!sub.ok) continue;
    const s = await fs.promises.stat(sub.value.path).catch(() => null);
    if (!s) continue;
    if (s.isDirectory()) entries.push({ name: d.name, path: path.relative(await fs.promises.realpath(dataDir()), full), type: "dir", size: 0 });
    else if (s.isFile() && hasDatasetExtension(d.name))
      entries.push({ name: d.name, path: path.relative(await fs.promises.realpath(dataDir()), full), type: "file", size: s.size });
  }
  entries.sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === "dir" ? -1 : 1));
  return ok({ entries, dir: dir.source });
}
