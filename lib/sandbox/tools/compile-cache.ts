import "server-only";
import { createHash } from "node:crypto";
import { globalStore } from "@/lib/global-store";
import type { RunOutcome, RunSpec, SandboxRuntime } from "../types";

// Compile outputs reused when a compile step's inputs are byte-identical. verl's sandbox_fusion
// reward posts the same program once per test case (only stdin differs), so without this every
// test case recompiles it: seconds each for scala, java, C#, rust on a busy 2-core host.
//
// Honest by construction: the key is everything the compiler sees in a sandbox whose working
// directory held nothing but the request's files (a fresh or wiped SandboxFusion sandbox): the
// toolchain build (the image id, so a rebuilt image never reuses an old binary), the compile argv
// and environment, the memory limit, and every file's path and bytes. A cached outcome is only
// used when it took no longer than the new request's compile timeout, so a compile that would
// time out still does. Only outcomes the compiler decided (an exit code, no limit hit, no output
// cut) are kept; the artifacts are the files the compile step created in the working directory.

/** Per entry and for the whole cache (in memory; least recently used out first). */
const ENTRY_MAX_BYTES = 16 * 1024 * 1024;
const CACHE_MAX_BYTES = 256 * 1024 * 1024;
/** Walking the working directory for artifacts: stop (and do not cache) past this many entries. */
const MAX_ARTIFACT_FILES = 2000;

interface Artifact {
  path: string;
  data: Buffer;
  executable: boolean;
}

interface Entry {
  outcome: RunOutcome;
  artifacts: Artifact[];
  bytes: number;
}

interface Store {
  entries: Map<string, Entry>;
  bytes: number;
  hits: number;
  misses: number;
}

const store = globalStore<Store>("compile-cache", () => ({ entries: new Map(), bytes: 0, hits: 0, misses: 0 }));

export interface CompileInputs {
  /** The files the working directory holds before the compile step (the request's and the source). */
  files: { path: string; data: Buffer }[];
}

/** The outcome of a compile step, and whether it came from the cache. */
export interface CompileOutcome {
  run: RunOutcome;
  cached: boolean;
}

const norm = (p: string) => p.replace(/^\/sandbox\//, "").split("/").filter((s) => s && s !== ".").join("/");

export function compileKey(toolchain: string, spec: Pick<RunSpec, "argv" | "env" | "limits" | "cwd">, inputs: CompileInputs): string {
  const h = createHash("sha256");
  const files = inputs.files.map((f) => [norm(f.path), createHash("sha256").update(f.data).digest("hex")] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  h.update(JSON.stringify({ v: 1, toolchain, argv: spec.argv, cwd: spec.cwd ?? "", env: Object.entries(spec.env ?? {}).sort(), memory_mb: spec.limits.memory_mb, files }));
  return h.digest("hex");
}

/** Whether the compiler decided this outcome (so the same inputs decide it the same way). */
function decided(run: RunOutcome): boolean {
  return run.exit_code !== null && !run.signal && !run.timed_out && !run.cancelled && !run.failure && !run.stdout_truncated && !run.stderr_truncated;
}

/** Files under the working directory that are not among `before`, or null when there are too many or too large. */
async function collectArtifacts(runtime: SandboxRuntime, before: Set<string>): Promise<Artifact[] | null> {
  const out: Artifact[] = [];
  let bytes = 0;
  let seen = 0;
  const dirs = [""];
  while (dirs.length) {
    const dir = dirs.pop()!;
    for (const e of await runtime.fs.list(dir || ".")) {
      if (++seen > MAX_ARTIFACT_FILES) return null;
      const p = dir ? `${dir}/${e.name}` : e.name;
      if (e.type === "dir") dirs.push(p);
      else if (e.type === "file" && !before.has(p)) {
        if (bytes + e.size > ENTRY_MAX_BYTES) return null;
        const data = await runtime.fs.read(p, { max_bytes: ENTRY_MAX_BYTES - bytes + 1 });
        bytes += data.length;
        if (bytes > ENTRY_MAX_BYTES) return null;
        // Native programs and scripts need their exec bit back; nothing else is run directly.
        const executable = (data[0] === 0x7f && data.subarray(1, 4).toString("latin1") === "ELF") || data.subarray(0, 2).toString("latin1") === "#!";
        out.push({ path: p, data, executable });
      } else if (e.type !== "file") {
        // A symlink or device made by the compile step: not something we can replay faithfully.
        return null;
      }
    }
  }
  return out;
}

function remember(key: string, entry: Entry) {
  const s = store;
  const old = s.entries.get(key);
  if (old) {
    s.bytes -= old.bytes;
    s.entries.delete(key);
  }
  s.entries.set(key, entry);
  s.bytes += entry.bytes;
  for (const [k, e] of s.entries) {
    if (s.bytes <= CACHE_MAX_BYTES) break;
    s.entries.delete(k);
    s.bytes -= e.bytes;
  }
}

/**
 * Runs a compile step, or restores its outcome and artifacts when the same inputs were compiled
 * before on the same toolchain. Without a toolchain id (the runtime cannot name its compilers'
 * build) it always compiles. The working directory must hold exactly `inputs.files`.
 */
export async function compileCached(runtime: SandboxRuntime, spec: RunSpec, inputs: CompileInputs): Promise<CompileOutcome> {
  const toolchain = runtime.toolchainId;
  if (!toolchain) return { run: await runtime.run(spec), cached: false };
  const key = compileKey(toolchain, spec, inputs);
  const hit = store.entries.get(key);
  if (hit && hit.outcome.duration_ms <= spec.limits.timeout_s * 1000) {
    const started = performance.now();
    const restored = await restore(runtime, hit);
    if (restored) {
      store.hits++;
      // Most recently used last, so eviction takes the oldest.
      store.entries.delete(key);
      store.entries.set(key, hit);
      return { run: { ...hit.outcome, duration_ms: Math.round((performance.now() - started) * 100) / 100, notices: [...(hit.outcome.notices ?? []), "compile output reused (same inputs compiled before)"] }, cached: true };
    }
  }
  store.misses++;
  const run = await runtime.run(spec);
  if (!decided(run)) return { run, cached: false };
  try {
    const artifacts = await collectArtifacts(runtime, new Set(inputs.files.map((f) => norm(f.path))));
    if (artifacts) {
      const bytes = artifacts.reduce((n, a) => n + a.data.length, 0) + run.stdout.length + run.stderr.length;
      remember(key, { outcome: { ...run, notices: undefined }, artifacts, bytes });
    }
  } catch {
    // Listing or reading failed (the sandbox went away): nothing to cache, the outcome stands.
  }
  return { run, cached: false };
}

/**
 * Writes the artifacts back, executables with their exec bits (the write sets the mode: a chmod run
 * in the sandbox cost a whole sandbox start per hit); false when that failed, so the caller compiles.
 */
async function restore(runtime: SandboxRuntime, entry: Entry): Promise<boolean> {
  try {
    for (const a of entry.artifacts) await runtime.fs.write(a.path, a.data, a.executable ? { mode: 0o755 } : undefined);
    return true;
  } catch {
    return false;
  }
}

/** Hits and misses since start, and what the cache holds (for the bench and tests). */
export function compileCacheStats() {
  return { hits: store.hits, misses: store.misses, entries: store.entries.size, bytes: store.bytes };
}

/** Empties the cache (tests and benches measuring a first compile). */
export function clearCompileCache() {
  store.entries.clear();
  store.bytes = 0;
}
