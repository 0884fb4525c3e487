import "server-only";
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { serverEnv } from "@/lib/env";
import { globalStore } from "@/lib/global-store";
import type { ToolResult } from "@/lib/sandbox/types";
import { mergeScratch, workspaceSchema, type RanCode, type Workspace, type WorkspacePatch } from "./schema";

// One JSON file per Editor session under $PLAYGROUND_STATE_DIR/workspaces. Writes for one session
// run one after another (a patch never loses another's fields) and land by rename (never half a file).

const state = globalStore("editor-workspaces", () => ({
  cache: new Map<string, Workspace>(),
  queue: new Map<string, Promise<unknown>>(),
  /** The highest save number applied per session, and the page loads waiting for one. */
  applied: new Map<string, number>(),
  waiters: new Map<string, Set<() => void>>(),
  /** The Editor run in flight per session (its run id), in this process. */
  inFlight: new Map<string, string>(),
  /** Fresh sessions: what their page set before there was anything to keep (not on disk). */
  seeds: new Map<string, Workspace>(),
}));

function dir(): string {
  return path.resolve(serverEnv().PLAYGROUND_STATE_DIR, "workspaces");
}
function fileFor(sessionId: string): string {
  // Ids are checked by sessionIdSchema at every entry point; this keeps the name a plain file anyway.
  return path.join(dir(), `${sessionId.replace(/[^A-Za-z0-9_-]/g, "_")}.json`);
}

export const emptyWorkspace = (): Workspace => workspaceSchema.parse({});

/**
 * The stored workspace of a session, or null when it has none (a new session). With `afterSeq`
 * (the save the unloading page was still sending) it first waits for that save, up to `waitMs`:
 * a save that never comes (the browser dropped it) only delays the page.
 */
export async function loadWorkspace(sessionId: string, opts: { afterSeq?: number; waitMs?: number } = {}): Promise<Workspace | null> {
  if (opts.afterSeq !== undefined) await waitForSave(sessionId, opts.afterSeq, opts.waitMs ?? 1500);
  // A save that arrived just before lands first.
  await state.queue.get(sessionId);
  return withLiveRun(sessionId, (await readStored(sessionId)) ?? state.seeds.get(sessionId) ?? null);
}

/** A stored run in flight that no process runs any more (a restart) is not reported. */
function withLiveRun(sessionId: string, w: Workspace | null): Workspace | null {
  if (!w?.running || state.inFlight.get(sessionId) === w.running.run_id) return w;
  return { ...w, running: null };
}

function waitForSave(sessionId: string, seq: number, waitMs: number): Promise<void> {
  if ((state.applied.get(sessionId) ?? -1) >= seq) return Promise.resolve();
  return new Promise((resolve) => {
    const set = state.waiters.get(sessionId) ?? new Set<() => void>();
    state.waiters.set(sessionId, set);
    const done = () => {
      clearTimeout(timer);
      set.delete(check);
      if (set.size === 0) state.waiters.delete(sessionId);
      resolve();
    };
    const check = () => (state.applied.get(sessionId) ?? -1) >= seq && done();
    const timer = setTimeout(done, waitMs);
    set.add(check);
  });
}

function markApplied(sessionId: string, seq: number): void {
  if ((state.applied.get(sessionId) ?? -1) >= seq) return;
  state.applied.set(sessionId, seq);
  for (const check of [...(state.waiters.get(sessionId) ?? [])]) check();
}

/** `keep`: cache what was read (a session in use); the session list reads without keeping. */
async function readStored(sessionId: string, keep = true): Promise<Workspace | null> {
  const hit = state.cache.get(sessionId);
  if (hit) return hit;
  try {
    const parsed = workspaceSchema.safeParse(JSON.parse(await readFile(fileFor(sessionId), "utf8")));
    if (!parsed.success) return null;
    if (keep) state.cache.set(sessionId, parsed.data);
    return parsed.data;
  } catch {
    return null;
  }
}

function serial<T>(sessionId: string, job: () => Promise<T>): Promise<T> {
  const prev = state.queue.get(sessionId) ?? Promise.resolve();
  const next = prev.then(job, job);
  state.queue.set(sessionId, next.catch(() => undefined));
  return next;
}

async function update(sessionId: string, change: (w: Workspace) => Workspace): Promise<Workspace> {
  return serial(sessionId, async () => {
    const next = change((await readStored(sessionId)) ?? state.seeds.get(sessionId) ?? emptyWorkspace());
    state.seeds.delete(sessionId);
    state.cache.set(sessionId, next);
    await mkdir(dir(), { recursive: true });
    const file = fileFor(sessionId);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(next));
    await rename(tmp, file);
    return next;
  });
}

/** The saved workspaces, most recently changed first (at most `limit`). */
export async function listWorkspaces(limit = 200): Promise<{ id: string; updated_ms: number; workspace: Workspace }[]> {
  const names = await readdir(dir()).catch(() => [] as string[]);
  const files = await Promise.all(
    names
      .filter((n) => n.endsWith(".json"))
      .map(async (n) => ({ id: n.slice(0, -5), mtime: await stat(path.join(dir(), n)).then((s) => s.mtimeMs, () => 0) })),
  );
  files.sort((a, b) => b.mtime - a.mtime);
  const out: { id: string; updated_ms: number; workspace: Workspace }[] = [];
  for (const f of files.slice(0, limit)) {
    const w = await readStored(f.id, false);
    if (w) out.push({ id: f.id, updated_ms: f.mtime, workspace: w });
  }
  return out;
}

/** Applies what the person changed (buffers, mode, backend, open file, cell code); `seq` numbers the save. */
export async function patchWorkspace(patch: Omit<WorkspacePatch, "sessionId"> & { sessionId: string }, seq?: number): Promise<Workspace> {
  const { sessionId, scratch, cells, seed, ...rest } = patch;
  const apply = (w: Workspace): Workspace => {
    // A save numbered below one already applied is stale: the page sends every change not yet
    // answered with each save, so the later one carried it (applying it now would undo newer changes).
    if (seq !== undefined && (state.applied.get(sessionId) ?? -1) > seq) return w;
    const next: Workspace = { ...w };
    if (rest.tool !== undefined) next.tool = rest.tool;
    if (rest.backend !== undefined) next.backend = rest.backend;
    if (rest.language !== undefined) next.language = rest.language;
    if (rest.open_file !== undefined) next.open_file = rest.open_file;
    if (scratch) next.scratch = mergeScratch(w.scratch, scratch);
    if (cells) {
      const results = new Map((w.cells ?? []).map((c) => [c.key, c.result]));
      next.cells = cells.map((c) => ({ key: c.key, code: c.code, result: results.get(c.key) ?? null }));
    }
    if (rest.name !== undefined) {
      if (rest.name) next.name = rest.name;
      else delete next.name;
    }
    return next;
  };
  // Opening a page stores nothing: a fresh session keeps its seed in memory until it holds something.
  const stored =
    seed && !(await serial(sessionId, () => readStored(sessionId)))
      ? keepSeed(sessionId, apply(state.seeds.get(sessionId) ?? emptyWorkspace()))
      : await update(sessionId, apply);
  if (seq !== undefined) markApplied(sessionId, seq);
  return stored;
}

function keepSeed(sessionId: string, w: Workspace): Workspace {
  state.seeds.delete(sessionId);
  state.seeds.set(sessionId, w);
  // Bounded: a seed is only what a page opened with.
  for (const id of state.seeds.keys()) {
    if (state.seeds.size <= 500) break;
    state.seeds.delete(id);
  }
  return w;
}

/** Removes a session's saved workspace (the session list's Delete). */
export async function deleteWorkspace(sessionId: string): Promise<boolean> {
  return serial(sessionId, async () => {
    state.cache.delete(sessionId);
    state.seeds.delete(sessionId);
    try {
      await unlink(fileFor(sessionId));
      return true;
    } catch {
      return false;
    }
  });
}

/** A code-panel run starts: a reload from now on shows it running (and its code). */
export function recordRunStart(sessionId: string, run: RanCode & { run_id: string }): Promise<Workspace> {
  state.inFlight.set(sessionId, run.run_id);
  return update(sessionId, (w) => ({ ...w, running: { ...run, started_ms: Date.now() } }));
}

/** The last result of the code panel, with the code it ran; the run is no longer in flight. */
export function recordResult(sessionId: string, result: ToolResult, ran: RanCode | null = null, runId?: string): Promise<Workspace> {
  if (runId && state.inFlight.get(sessionId) === runId) state.inFlight.delete(sessionId);
  return update(sessionId, (w) => ({
    ...w,
    result: result as Workspace["result"],
    result_code: ran,
    ...(runId && w.running?.run_id === runId ? { running: null } : {}),
  }));
}

/** A notebook cell's result (with the code it ran); a cell not stored yet is appended. */
export function recordCellResult(sessionId: string, cell: { key: number; code: string }, result: ToolResult | null): Promise<Workspace> {
  return update(sessionId, (w) => {
    const cells = [...(w.cells ?? [])];
    const i = cells.findIndex((c) => c.key === cell.key);
    const stored = { key: cell.key, code: cell.code, result: result as Workspace["result"] };
    if (i >= 0) cells[i] = stored;
    else cells.push(stored);
    return { ...w, cells };
  });
}

/** After a kernel restart every cell's output is gone. */
export function clearCellResults(sessionId: string): Promise<Workspace> {
  return update(sessionId, (w) => ({ ...w, ...(w.cells ? { cells: w.cells.map((c) => ({ ...c, result: null })) } : {}) }));
}
