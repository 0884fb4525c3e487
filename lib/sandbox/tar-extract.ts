import "server-only";
import { gunzipSync } from "node:zlib";
import { err, ok, type Result } from "@/lib/result";
import { appError } from "@/lib/errors";
import type { WorkdirFs } from "./types";

// Confined extraction of a tar archive into a sandbox (ms-enclave's put_archive / put_dir). The
// whole archive is parsed and checked before anything is written, so a refused archive leaves
// nothing behind: every name must be relative without "..", only regular files and directories
// are taken (a symlink, hard link, device or FIFO refuses the archive: a link could point out of
// the sandbox, a device could open the host's), and the number of entries and their total size are
// capped. Files are written through the sandbox's own file primitives, so they are confined to its
// storage and owned by the sandbox user like anything its programs write.

export interface TarLimits {
  maxEntries: number;
  maxBytes: number;
  maxPathLength: number;
}

export const defaultTarLimits: TarLimits = { maxEntries: 10_000, maxBytes: 256 * 1024 * 1024, maxPathLength: 1024 };

export interface TarEntry {
  /** Relative path, "/"-separated, no "." or ".." segments. */
  path: string;
  type: "file" | "dir";
  /** Permission bits: 0o755 when the archive marked it executable, else 0o644 (dirs 0o755). */
  mode: number;
  data: Buffer;
}

const BLOCK = 512;

function field(h: Buffer, off: number, len: number): string {
  const raw = h.subarray(off, off + len);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? len : nul).toString("utf8");
}

function octal(h: Buffer, off: number, len: number): number | null {
  // GNU base-256 for sizes over 8 GB: far past our caps, so refuse it as too large.
  if (h[off]! & 0x80) return Number.MAX_SAFE_INTEGER;
  const s = field(h, off, len).trim();
  if (s === "") return 0;
  if (!/^[0-7]+$/.test(s)) return null;
  return parseInt(s, 8);
}

function checksumOk(h: Buffer): boolean {
  const want = octal(h, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return want === sum;
}

/** pax extended header records ("<len> key=value\n"). */
function paxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    if (sp < 0) break;
    const len = Number(data.subarray(i, sp).toString("latin1"));
    if (!Number.isInteger(len) || len <= 0 || i + len > data.length) break;
    const rec = data.subarray(sp + 1, i + len - 1).toString("utf8");
    const eq = rec.indexOf("=");
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    i += len;
  }
  return out;
}

const bad = (message: string) => err(appError("bad_request:archive", message));

/** A name from the archive as a safe relative path, or why not. */
export function archivePath(name: string, maxLength: number): Result<string> {
  if (name.includes("\0")) return bad("An archive entry name contains NUL.");
  if (name.length > maxLength) return bad(`An archive entry name is longer than ${maxLength} characters.`);
  if (name.startsWith("/")) return bad(`Archive entry ${JSON.stringify(name)} has an absolute path; entries must be relative to the target directory.`);
  const segs = name.split(/[\\/]/).filter((s) => s !== "" && s !== ".");
  if (segs.includes("..")) return bad(`Archive entry ${JSON.stringify(name)} contains "..", which is not allowed.`);
  return ok(segs.join("/"));
}

const typeNames: Record<string, string> = { "1": "a hard link", "2": "a symbolic link", "3": "a character device", "4": "a block device", "6": "a FIFO" };

/** Parses and checks a tar (optionally gzip-compressed) archive. Nothing is written. */
export function parseTar(input: Buffer, limits: TarLimits = defaultTarLimits): Result<TarEntry[]> {
  let buf = input;
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf, { maxOutputLength: limits.maxBytes + (limits.maxEntries + 2) * 3 * BLOCK });
    } catch (e) {
      const tooBig = (e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE";
      return bad(tooBig ? `The archive unpacks to more than ${limits.maxBytes} bytes.` : "The archive is gzip data that does not decompress.");
    }
  }
  if (buf.length < BLOCK) return bad("The body is not a tar archive (shorter than one tar block).");
  const entries: TarEntry[] = [];
  let total = 0;
  let off = 0;
  let longName: string | null = null;
  let pax = new Map<string, string>();
  while (off + BLOCK <= buf.length) {
    const h = buf.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) break; // end of archive
    if (!checksumOk(h)) return bad(`The body is not a valid tar archive (bad header checksum at byte ${off}).`);
    const size = octal(h, 124, 12);
    if (size === null) return bad(`The body is not a valid tar archive (bad size field at byte ${off}).`);
    const type = String.fromCharCode(h[156]!) || "0";
    const dataStart = off + BLOCK;
    if (size > limits.maxBytes || dataStart + size > buf.length) {
      return bad(size > limits.maxBytes ? `An archive entry is larger than ${limits.maxBytes} bytes.` : "The archive is truncated.");
    }
    const data = buf.subarray(dataStart, dataStart + size);
    off = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    // Headers that describe the next entry.
    if (type === "L") {
      longName = field(data, 0, data.length);
      continue;
    }
    if (type === "x") {
      pax = paxRecords(data);
      continue;
    }
    if (type === "g" || type === "K") continue; // global pax header; GNU long link name (links are refused anyway)

    const prefix = field(h, 345, 155);
    const ustar = field(h, 257, 6).startsWith("ustar");
    let name = pax.get("path") ?? longName ?? (ustar && prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
    longName = null;
    pax = new Map();

    if (type === "\0" || type === "0" || type === "7" || type === "5") {
      const isDir = type === "5" || (name.endsWith("/") && size === 0);
      const p = archivePath(name, limits.maxPathLength);
      if (!p.ok) return p;
      name = p.value;
      if (name === "") {
        if (isDir) continue; // "./": the target itself
        return bad("An archive file entry has an empty name.");
      }
      if (entries.length >= limits.maxEntries) return bad(`The archive has more than ${limits.maxEntries} entries.`);
      total += size;
      if (total > limits.maxBytes) return bad(`The archive's files add up to more than ${limits.maxBytes} bytes.`);
      const mode = octal(h, 100, 8) ?? 0o644;
      entries.push({ path: name, type: isDir ? "dir" : "file", mode: isDir || mode & 0o111 ? 0o755 : 0o644, data: isDir ? Buffer.alloc(0) : data });
      continue;
    }
    const what = typeNames[type] ?? `an entry of type ${JSON.stringify(type)}`;
    return bad(`Archive entry ${JSON.stringify(name.slice(0, 200))} is ${what}; only regular files and directories are extracted.`);
  }
  return ok(entries);
}

/** Joins a target directory (relative, or absolute inside the sandbox's storage) and an entry path. */
function under(target: string, rel: string): string {
  const t = target.replace(/\/+$/, "");
  return t === "" ? rel : `${t}/${rel}`;
}

/**
 * Extracts `archive` under `targetDir` in the sandbox. Refused archives (see parseTar) and paths the
 * sandbox refuses come back as `bad_request:archive`; nothing is written for a refused archive.
 */
export async function extractTar(fs: WorkdirFs, targetDir: string, archive: Buffer, limits: TarLimits = defaultTarLimits): Promise<Result<{ files: number; dirs: number; bytes: number }>> {
  const parsed = parseTar(archive, limits);
  if (!parsed.ok) return parsed;
  let files = 0;
  let dirs = 0;
  let bytes = 0;
  try {
    await fs.mkdir(targetDir);
    for (const e of parsed.value) {
      const p = under(targetDir, e.path);
      if (e.type === "dir") {
        await fs.mkdir(p);
        dirs++;
      } else {
        await fs.write(p, e.data, { mode: e.mode });
        files++;
        bytes += e.data.length;
      }
    }
  } catch (e) {
    return bad(`Extracting the archive into ${JSON.stringify(targetDir)} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  return ok({ files, dirs, bytes });
}
