import "server-only";
import { randomBytes } from "node:crypto";
import type { z } from "zod";
import { serverEnv } from "@/lib/env";
import { connectHttpStatus, decodeEnvelopes, endStream, envelope, parseTimeoutMs, streamContentType, type ConnectCode, type ConnectErrorBody } from "./connect";
import type { ProcessEvent, WatchEvent } from "./processes";
import { agentCall } from "./agent-call";
import type { E2BSandbox } from "./sandboxes";
import {
  closeStdinSchema,
  connectRequestSchema,
  listDirSchema,
  moveSchema,
  pathRequestSchema,
  sendInputSchema,
  sendSignalSchema,
  signalNames,
  startRequestSchema,
  updateRequestSchema,
  watchDirSchema,
  watcherIdSchema,
} from "./schema";
import type { E2BCallLog } from "./traffic";

// envd inside an E2B sandbox, translated: Connect calls of process.Process and filesystem.Filesystem
// and the /files endpoint, each turned into requests to the sandbox's envd agent.

export const DEFAULT_USER = "user";

/** The user of an envd call: `Authorization: Basic base64(user:)`; absent = the default user. */
export function userOf(req: Request): string {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "");
  if (!m) return DEFAULT_USER;
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const name = decoded.split(":")[0] ?? "";
  return name || DEFAULT_USER;
}

const errnoToConnect: Record<string, ConnectCode> = {
  ENOENT: "not_found",
  ENOPROC: "not_found",
  EEXIST: "already_exists",
  EACCES: "permission_denied",
  EPERM: "permission_denied",
  EUSER: "unauthenticated",
  EISDIR: "invalid_argument",
  ENOTDIR: "invalid_argument",
  EINVAL: "invalid_argument",
  ENOTEMPTY: "failed_precondition",
  ENOSTDIN: "failed_precondition",
  ENOTTY: "failed_precondition",
  ENOSPC: "resource_exhausted",
  EAGAIN: "resource_exhausted",
  EGONE: "unavailable",
};

export function connectCodeOf(errno: string): ConnectCode {
  return errnoToConnect[errno] ?? "internal";
}

export function unaryError(code: ConnectCode, message: string): Response {
  return Response.json({ code, message } satisfies ConnectErrorBody, { status: connectHttpStatus[code] });
}

const noBuffering = { "cache-control": "no-store, no-transform", "x-accel-buffering": "no" };

async function readBody(req: Request, max: number): Promise<Uint8Array | null> {
  const declared = Number(req.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > max) return null;
  if (!req.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** A unary Connect request's message, validated; or the Connect error response. */
async function unaryInput<S extends z.ZodType>(req: Request, schema: S): Promise<{ ok: true; value: z.infer<S> } | { ok: false; res: Response }> {
  const body = await readBody(req, 16 * 1024 * 1024);
  if (!body) return { ok: false, res: unaryError("resource_exhausted", "request message larger than 16 MB") };
  let json: unknown;
  try {
    json = body.length ? JSON.parse(Buffer.from(body).toString("utf8")) : {};
  } catch (e) {
    return { ok: false, res: unaryError("invalid_argument", `request is not JSON: ${e instanceof Error ? e.message : String(e)}`) };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, res: unaryError("invalid_argument", parsed.error.issues.map((i) => `${i.path.join(".") || "message"}: ${i.message}`).join("; ")) };
  return { ok: true, value: parsed.data };
}

function selector(s: { pid: number } | { tag: string }) {
  return "pid" in s ? { pid: s.pid } : { tag: s.tag };
}

function entryInfo(e: Record<string, unknown>) {
  return {
    name: e.name,
    type: e.type === "dir" ? "FILE_TYPE_DIRECTORY" : e.type === "file" ? "FILE_TYPE_FILE" : "FILE_TYPE_UNSPECIFIED",
    path: e.path,
    size: String(e.size ?? 0),
    mode: e.mode,
    permissions: e.permissions,
    owner: e.owner,
    group: e.group,
    modifiedTime: new Date(Number(e.mtime ?? 0) * 1000).toISOString(),
    ...(typeof e.symlink_target === "string" ? { symlinkTarget: e.symlink_target } : {}),
  };
}

/** A CreateWatcher watch: events kept until the next GetWatcherEvents (bounded). */
interface PolledWatcher {
  wid: number;
  events: unknown[];
  dropped: number;
  stop: () => void;
}
const MAX_POLLED_EVENTS = 10_000;
const polledTables = new WeakMap<E2BSandbox, Map<string, PolledWatcher>>();
function polledWatchers(sb: E2BSandbox): Map<string, PolledWatcher> {
  let t = polledTables.get(sb);
  if (!t) polledTables.set(sb, (t = new Map()));
  return t;
}

const eventTypeNames = ["EVENT_TYPE_UNSPECIFIED", "EVENT_TYPE_CREATE", "EVENT_TYPE_WRITE", "EVENT_TYPE_REMOVE", "EVENT_TYPE_RENAME", "EVENT_TYPE_CHMOD"] as const;
function watchEventMessage(ev: { name: string; type: number }) {
  return { name: ev.name, type: eventTypeNames[ev.type] ?? "EVENT_TYPE_UNSPECIFIED" };
}

/** One unary Connect method. */
export async function envdUnary(sb: E2BSandbox, method: string, req: Request, log: E2BCallLog): Promise<Response> {
  const user = userOf(req);
  log.user = user;
  const call = async (msg: Record<string, unknown>, map: (v: Record<string, unknown>) => unknown): Promise<Response> => {
    const r = await agentCall(sb, msg);
    if (!r.ok) {
      log.message = r.message;
      return unaryError(connectCodeOf(r.code), r.message);
    }
    return Response.json(map(r.value));
  };
  switch (method) {
    case "process.Process/List":
      return call({ op: "proc.list" }, (v) => ({
        processes: ((v.processes as Record<string, unknown>[]) ?? []).map((p) => ({
          pid: p.pid,
          ...(p.tag ? { tag: p.tag } : {}),
          config: { cmd: p.cmd, args: p.args, envs: p.envs, ...(p.cwd ? { cwd: p.cwd } : {}) },
        })),
      }));
    case "process.Process/SendSignal": {
      const i = await unaryInput(req, sendSignalSchema);
      if (!i.ok) return i.res;
      const sig = typeof i.value.signal === "number" ? i.value.signal : signalNames[i.value.signal];
      if (sig !== 9 && sig !== 15) return unaryError("invalid_argument", `unsupported signal ${String(i.value.signal)}`);
      log.detail = `signal ${sig === 9 ? "SIGKILL" : "SIGTERM"} to ${JSON.stringify(i.value.process)}`;
      return call({ op: "proc.signal", ...selector(i.value.process), signal: sig }, () => ({}));
    }
    case "process.Process/SendInput": {
      const i = await unaryInput(req, sendInputSchema);
      if (!i.ok) return i.res;
      const data = "stdin" in i.value.input ? i.value.input.stdin : i.value.input.pty;
      return call({ op: "proc.input", ...selector(i.value.process), data }, () => ({}));
    }
    case "process.Process/Update": {
      const i = await unaryInput(req, updateRequestSchema);
      if (!i.ok) return i.res;
      if (!i.value.pty) return Response.json({});
      const { cols, rows } = i.value.pty.size;
      log.detail = `resize ${JSON.stringify(i.value.process)} to ${cols}×${rows}`;
      return call({ op: "proc.resize", ...selector(i.value.process), cols, rows }, () => ({}));
    }
    case "filesystem.Filesystem/CreateWatcher": {
      const i = await unaryInput(req, watchDirSchema);
      if (!i.ok) return i.res;
      log.detail = i.value.path;
      const r = await agentCall(sb, { op: "watch.start", path: i.value.path, recursive: i.value.recursive ?? false, user });
      if (!r.ok) {
        log.message = r.message;
        return unaryError(connectCodeOf(r.code), r.message);
      }
      const watcherId = randomBytes(8).toString("hex");
      const w: PolledWatcher = { wid: Number(r.value.wid), events: [], dropped: 0, stop: () => {} };
      const table = polledWatchers(sb);
      w.stop = sb.hub.listenWatch(w.wid, (ev) => {
        if (ev.kind !== "fs") return void table.delete(watcherId);
        if (w.events.length >= MAX_POLLED_EVENTS) w.dropped++;
        else w.events.push(watchEventMessage(ev));
      });
      table.set(watcherId, w);
      return Response.json({ watcherId });
    }
    case "filesystem.Filesystem/GetWatcherEvents": {
      const i = await unaryInput(req, watcherIdSchema);
      if (!i.ok) return i.res;
      const w = polledWatchers(sb).get(i.value.watcherId);
      if (!w) return unaryError("not_found", `watcher ${i.value.watcherId} not found (removed, or its directory is gone)`);
      const events = w.events.splice(0);
      if (w.dropped) log.message = `${w.dropped} events dropped (more than ${MAX_POLLED_EVENTS} between two polls)`;
      w.dropped = 0;
      // Polled every few hundred ms by a watching client: not a call worth a Traffic row each.
      log.skip();
      return Response.json({ events });
    }
    case "filesystem.Filesystem/RemoveWatcher": {
      const i = await unaryInput(req, watcherIdSchema);
      if (!i.ok) return i.res;
      const table = polledWatchers(sb);
      const w = table.get(i.value.watcherId);
      if (!w) return unaryError("not_found", `watcher ${i.value.watcherId} not found`);
      table.delete(i.value.watcherId);
      w.stop();
      return call({ op: "watch.stop", wid: w.wid }, () => ({}));
    }
    case "process.Process/CloseStdin": {
      const i = await unaryInput(req, closeStdinSchema);
      if (!i.ok) return i.res;
      return call({ op: "proc.close_stdin", ...selector(i.value.process) }, () => ({}));
    }
    case "filesystem.Filesystem/Stat": {
      const i = await unaryInput(req, pathRequestSchema);
      if (!i.ok) return i.res;
      log.detail = i.value.path;
      return call({ op: "fs.stat", path: i.value.path, user }, (v) => ({ entry: entryInfo(v.entry as Record<string, unknown>) }));
    }
    case "filesystem.Filesystem/ListDir": {
      const i = await unaryInput(req, listDirSchema);
      if (!i.ok) return i.res;
      log.detail = i.value.path;
      return call({ op: "fs.list", path: i.value.path, depth: i.value.depth || 1, user }, (v) => ({
        entries: ((v.entries as Record<string, unknown>[]) ?? []).map(entryInfo),
      }));
    }
    case "filesystem.Filesystem/MakeDir": {
      const i = await unaryInput(req, pathRequestSchema);
      if (!i.ok) return i.res;
      log.detail = i.value.path;
      return call({ op: "fs.mkdir", path: i.value.path, user }, (v) => ({ entry: entryInfo(v.entry as Record<string, unknown>) }));
    }
    case "filesystem.Filesystem/Remove": {
      const i = await unaryInput(req, pathRequestSchema);
      if (!i.ok) return i.res;
      log.detail = i.value.path;
      return call({ op: "fs.remove", path: i.value.path, user }, () => ({}));
    }
    case "filesystem.Filesystem/Move": {
      const i = await unaryInput(req, moveSchema);
      if (!i.ok) return i.res;
      log.detail = `${i.value.source} -> ${i.value.destination}`;
      return call({ op: "fs.move", path: i.value.source, dest: i.value.destination, user }, (v) => ({ entry: entryInfo(v.entry as Record<string, unknown>) }));
    }
    default:
      return unaryError("unimplemented", `${method} is not implemented by this playground's envd`);
  }
}

/** The two server-streaming methods: Start (a new process) and Connect (to a running one). */
export async function envdStream(sb: E2BSandbox, method: "process.Process/Start" | "process.Process/Connect", req: Request, log: E2BCallLog): Promise<Response> {
  const body = await readBody(req, 16 * 1024 * 1024);
  const errorStream = (code: ConnectCode, message: string) => {
    log.message = message;
    log.outcome = "rejected";
    return new Response(Buffer.from(endStream({ code, message })), { status: 200, headers: { "content-type": streamContentType, ...noBuffering } });
  };
  if (!body) return errorStream("resource_exhausted", "request message larger than 16 MB");
  const frames = decodeEnvelopes(body);
  if (!frames.ok) return errorStream("invalid_argument", `malformed Connect frame: ${frames.message}`);
  if (frames.messages.length !== 1) return errorStream("invalid_argument", `a server-stream call carries exactly one message, got ${frames.messages.length}`);
  const user = userOf(req);
  log.user = user;
  let pid: number;
  const started = performance.now();
  if (method === "process.Process/Start") {
    const parsed = startRequestSchema.safeParse(frames.messages[0]);
    if (!parsed.success) return errorStream("invalid_argument", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    const p = parsed.data;
    log.command = p.process.cmd === "/bin/bash" && p.process.args[0] === "-l" && p.process.args[1] === "-c" ? p.process.args[2] : [p.process.cmd, ...p.process.args].join(" ");
    if (p.pty) log.command = `(pty ${p.pty.size.cols}×${p.pty.size.rows}) ${log.command}`;
    const r = await agentCall(sb, {
      op: "proc.start",
      cmd: p.process.cmd,
      args: p.process.args,
      envs: p.process.envs,
      ...(p.process.cwd ? { cwd: p.process.cwd } : {}),
      user,
      stdin: p.stdin ?? false,
      ...(p.tag ? { tag: p.tag } : {}),
      ...(p.pty ? { pty: p.pty.size } : {}),
    });
    if (!r.ok) return errorStream(connectCodeOf(r.code), r.message);
    pid = Number(r.value.pid);
  } else {
    const parsed = connectRequestSchema.safeParse(frames.messages[0]);
    if (!parsed.success) return errorStream("invalid_argument", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    const r = await agentCall(sb, { op: "proc.get", ...selector(parsed.data.process) });
    if (!r.ok) return errorStream(connectCodeOf(r.code), r.message);
    pid = Number(r.value.pid);
    log.command = `(connect to pid ${pid})`;
  }
  log.pid = pid;
  const timeoutMs = parseTimeoutMs(req.headers.get("connect-timeout-ms"));
  const keepaliveS = Number(req.headers.get("keepalive-ping-interval") ?? "") || 50;
  const cap = 1024 * 1024;
  let stdout = "";
  let stderr = "";
  let unsubscribe: () => void = () => {};
  let deadline: NodeJS.Timeout | undefined;
  let keepalive: NodeJS.Timeout | undefined;
  let finished = false;
  /** The client went away: nothing more is sent, but a Start's deadline still applies to its process. */
  let detached = false;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const finish = (error?: ConnectErrorBody) => {
        if (finished) return;
        finished = true;
        clearTimeout(deadline);
        clearInterval(keepalive);
        unsubscribe();
        if (!detached) {
          try {
            controller.enqueue(endStream(error));
            controller.close();
          } catch {
            /* the client is gone */
          }
        }
        log.stdout = stdout;
        log.stderr = stderr;
        log.run_ms = performance.now() - started;
        if (error) log.message = error.message;
        log.done();
      };
      const send = (msg: unknown) => {
        if (finished || detached) return;
        try {
          controller.enqueue(envelope(msg));
        } catch {
          /* the client is gone */
        }
      };
      send({ event: { start: { pid } } });
      unsubscribe = sb.hub.listen(
        pid,
        (ev: ProcessEvent) => {
          if (ev.kind === "data") {
            const text = ev.data.toString("utf8");
            if (ev.stream !== "stderr" && stdout.length < cap) stdout += text;
            if (ev.stream === "stderr" && stderr.length < cap) stderr += text;
            send({ event: { data: { [ev.stream]: ev.data.toString("base64") } } });
          } else if (ev.kind === "end") {
            const signaled = ev.signal !== null;
            log.exit_code = signaled ? -1 : ev.exitCode;
            log.outcome = log.outcome ?? (ev.exitCode === 0 ? "success" : "failed");
            send({
              event: {
                end: {
                  exitCode: signaled ? -1 : ev.exitCode,
                  exited: !signaled,
                  status: signaled ? `signal: ${ev.signal === "SIGKILL" ? "killed" : ev.signal?.toLowerCase()}` : `exit status ${ev.exitCode}`,
                },
              },
            });
            finish();
          } else {
            log.outcome = "sandbox_error";
            finish({ code: "unavailable", message: `the sandbox was ${ev.reason} while the command ran` });
          }
        },
        method === "process.Process/Start",
      );
      if (!finished && timeoutMs !== undefined && timeoutMs > 0) {
        deadline = setTimeout(() => {
          // A Start's deadline ends its process tree (a `setsid` child has left it on purpose), even
          // when the client has already gone; a Connect's deadline only ends the stream.
          if (method === "process.Process/Start") void agentCall(sb, { op: "proc.signal", pid, signal: 9 }, 10_000);
          log.outcome = "timeout";
          finish({ code: "deadline_exceeded", message: `the ${method === "process.Process/Start" ? "command ran" : "stream was open"} longer than ${timeoutMs} ms (Connect-Timeout-Ms)${method === "process.Process/Start" ? "; it was killed" : ""}` });
        }, timeoutMs);
      }
      if (!finished) keepalive = setInterval(() => send({ event: { keepalive: {} } }), keepaliveS * 1000);
    },
    cancel() {
      // The client went away: the process keeps running (a background command may reconnect) until
      // its deadline; the Traffic record says so now.
      detached = true;
      clearInterval(keepalive);
      if (deadline === undefined) {
        finished = true;
        unsubscribe();
      }
      log.stdout = stdout;
      log.stderr = stderr;
      log.run_ms = performance.now() - started;
      log.message = log.message ?? "the client closed the stream; the process keeps running";
      log.done();
    },
  });
  return new Response(stream, { status: 200, headers: { "content-type": streamContentType, ...noBuffering } });
}

/**
 * WatchDir: a server stream of the directory's events (a `start` frame once the watch is in place,
 * then `filesystem` events and keepalives) until the client leaves, Connect-Timeout-Ms passes, the
 * directory goes or the sandbox ends. The watch in envd is stopped with it.
 */
export async function envdWatchStream(sb: E2BSandbox, req: Request, log: E2BCallLog): Promise<Response> {
  const body = await readBody(req, 1024 * 1024);
  const errorStream = (code: ConnectCode, message: string) => {
    log.message = message;
    log.outcome = "rejected";
    return new Response(Buffer.from(endStream({ code, message })), { status: 200, headers: { "content-type": streamContentType, ...noBuffering } });
  };
  if (!body) return errorStream("resource_exhausted", "request message larger than 1 MB");
  const frames = decodeEnvelopes(body);
  if (!frames.ok) return errorStream("invalid_argument", `malformed Connect frame: ${frames.message}`);
  if (frames.messages.length !== 1) return errorStream("invalid_argument", `a server-stream call carries exactly one message, got ${frames.messages.length}`);
  const parsed = watchDirSchema.safeParse(frames.messages[0]);
  if (!parsed.success) return errorStream("invalid_argument", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  const user = userOf(req);
  log.user = user;
  log.detail = `${parsed.data.path}${parsed.data.recursive ? " (recursive)" : ""}`;
  const r = await agentCall(sb, { op: "watch.start", path: parsed.data.path, recursive: parsed.data.recursive ?? false, user });
  if (!r.ok) return errorStream(connectCodeOf(r.code), r.message);
  const wid = Number(r.value.wid);
  log.stream = true;
  const timeoutMs = parseTimeoutMs(req.headers.get("connect-timeout-ms"));
  const keepaliveS = Number(req.headers.get("keepalive-ping-interval") ?? "") || 50;
  let events = 0;
  let finished = false;
  let unsubscribe: () => void = () => {};
  let deadline: NodeJS.Timeout | undefined;
  let keepalive: NodeJS.Timeout | undefined;
  const end = (stopWatch: boolean) => {
    finished = true;
    clearTimeout(deadline);
    clearInterval(keepalive);
    unsubscribe();
    if (stopWatch) void agentCall(sb, { op: "watch.stop", wid }, 10_000);
    log.detail = `${log.detail} · ${events} events`;
    log.done();
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (msg: unknown) => {
        if (finished) return;
        try {
          controller.enqueue(envelope(msg));
        } catch {
          /* the client is gone */
        }
      };
      const finish = (stopWatch: boolean, error?: ConnectErrorBody) => {
        if (finished) return;
        end(stopWatch);
        if (error) log.message = error.message;
        try {
          controller.enqueue(endStream(error));
          controller.close();
        } catch {
          /* the client is gone */
        }
      };
      send({ start: {} });
      unsubscribe = sb.hub.listenWatch(wid, (ev: WatchEvent) => {
        if (ev.kind === "fs") {
          events++;
          send({ filesystem: watchEventMessage(ev) });
        } else if (ev.kind === "end") finish(false);
        else finish(false, { code: "unavailable", message: `the sandbox was ${ev.reason} while the directory was watched` });
      });
      if (timeoutMs !== undefined && timeoutMs > 0) {
        deadline = setTimeout(() => finish(true, { code: "deadline_exceeded", message: `the watch was open longer than ${timeoutMs} ms (Connect-Timeout-Ms)` }), timeoutMs);
      }
      keepalive = setInterval(() => send({ keepalive: {} }), keepaliveS * 1000);
    },
    cancel() {
      if (!finished) end(true);
    },
  });
  return new Response(stream, { status: 200, headers: { "content-type": streamContentType, ...noBuffering } });
}

// ---------------------------------------------------------------- /files

const FILE_CHUNK = 4 * 1024 * 1024;

function filesError(status: number, message: string): Response {
  return Response.json({ code: status, message }, { status });
}

function filesStatusOf(errno: string): number {
  return errno === "ENOENT" ? 404 : errno === "EUSER" ? 401 : errno === "EISDIR" || errno === "ENOTDIR" || errno === "EINVAL" ? 400 : errno === "ENOSPC" ? 507 : errno === "EGONE" ? 502 : errno === "EACCES" || errno === "EPERM" ? 403 : 500;
}

/** A reply's raw bytes (envd sends file data raw when asked with binary: true). */
function bytesOf(msg: Record<string, unknown>): Buffer {
  return Buffer.isBuffer(msg.bytes) ? msg.bytes : Buffer.from(String(msg.data ?? ""), "base64");
}

/** GET /files?path=&username=: the raw bytes, streamed in chunks from the agent. */
export async function filesGet(sb: E2BSandbox, url: URL, log: E2BCallLog): Promise<Response> {
  const path = url.searchParams.get("path") ?? "";
  const user = url.searchParams.get("username") || DEFAULT_USER;
  log.user = user;
  log.detail = path;
  const first = await agentCall(sb, { op: "fs.read", path, user, offset: 0, length: FILE_CHUNK, binary: true });
  if (!first.ok) {
    log.message = first.message;
    return filesError(filesStatusOf(first.code), first.code === "ENOENT" ? `path '${path}' does not exist` : first.message);
  }
  const size = Number(first.value.size ?? 0);
  log.bytes = size;
  const firstData = bytesOf(first.value);
  let offset = firstData.length;
  let eof = first.value.eof === true;
  let sentFirst = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sentFirst) {
        sentFirst = true;
        if (firstData.length) controller.enqueue(firstData);
        if (eof) {
          controller.close();
          log.done();
        }
        return;
      }
      const r = await agentCall(sb, { op: "fs.read", path, user, offset, length: FILE_CHUNK, binary: true });
      if (!r.ok) {
        log.message = r.message;
        log.done();
        controller.error(new Error(r.message));
        return;
      }
      const data = bytesOf(r.value);
      offset += data.length;
      if (data.length) controller.enqueue(data);
      if (r.value.eof === true || !data.length) {
        controller.close();
        log.done();
      }
    },
  });
  return new Response(stream, {
    status: 200,
    headers: { "content-type": "application/octet-stream", ...(size === 0 ? { "content-length": "0" } : {}), ...noBuffering },
  });
}

/** Writes a byte stream to a file through the agent: the first chunk truncates, the rest append (a few in flight). */
async function writeStream(sb: E2BSandbox, path: string, user: string, source: ReadableStream<Uint8Array>, maxBytes: number): Promise<{ ok: true; entry: Record<string, unknown>; bytes: number } | { ok: false; status: number; message: string }> {
  const reader = source.getReader();
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let total = 0;
  let first = true;
  const inflight: Promise<Awaited<ReturnType<typeof agentCall>>>[] = [];
  let failure: { status: number; message: string } | null = null;
  const flush = async (last: boolean) => {
    const data = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    // The bytes go raw after the frame (no base64), straight into the file in the sandbox.
    inflight.push(agentCall(sb, { op: "fs.write", path, user, append: !first, last }, 60_000, data));
    first = false;
    if (inflight.length >= 4 || last) {
      while (inflight.length > (last ? 0 : 3)) {
        const r = await inflight.shift()!;
        if (!r.ok && !failure) failure = { status: filesStatusOf(r.code), message: r.message };
        if (last && inflight.length === 0 && r.ok) return r.value;
      }
    }
    return null;
  };
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (e) {
        return { ok: false, status: 400, message: `the upload could not be read: ${e instanceof Error ? e.message : String(e)}` };
      }
      if (chunk.done) break;
      total += chunk.value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        await Promise.all(inflight);
        await agentCall(sb, { op: "fs.remove", path, user });
        return { ok: false, status: 413, message: `file larger than ${Math.round(maxBytes / 1024 / 1024)} MB (PLAYGROUND_E2B_MAX_FILE_MB); nothing was kept` };
      }
      pending.push(Buffer.from(chunk.value.buffer, chunk.value.byteOffset, chunk.value.byteLength));
      pendingBytes += chunk.value.byteLength;
      if (pendingBytes >= FILE_CHUNK) {
        await flush(false);
        if (failure) break;
      }
    }
    const last = failure ? null : await flush(true);
    await Promise.all(inflight);
    if (failure) return { ok: false, ...(failure as { status: number; message: string }) };
    return { ok: true, entry: (last?.entry as Record<string, unknown>) ?? { path, name: path.split("/").pop() }, bytes: total };
  } finally {
    reader.releaseLock?.();
  }
}

/** POST /files: multipart (field `file`, the part's filename is the path when `path` is absent) or octet-stream (optionally gzip). */
export async function filesPost(sb: E2BSandbox, req: Request, url: URL, log: E2BCallLog): Promise<Response> {
  const user = url.searchParams.get("username") || DEFAULT_USER;
  const queryPath = url.searchParams.get("path");
  log.user = user;
  const maxBytes = serverEnv().PLAYGROUND_E2B_MAX_FILE_MB * 1024 * 1024;
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  const written: { path: string; name: string; type: "file" }[] = [];
  const files: { name: string; size: number }[] = [];
  if (type.startsWith("multipart/form-data")) {
    const declared = Number(req.headers.get("content-length") ?? "");
    if (Number.isFinite(declared) && declared > maxBytes) return filesError(413, `upload larger than ${serverEnv().PLAYGROUND_E2B_MAX_FILE_MB} MB (PLAYGROUND_E2B_MAX_FILE_MB)`);
    let form: FormData;
    try {
      form = await req.formData();
    } catch (e) {
      return filesError(400, `the multipart body could not be parsed: ${e instanceof Error ? e.message : String(e)}`);
    }
    const parts = form.getAll("file").filter((p): p is File => typeof p !== "string");
    if (!parts.length) return filesError(400, "no file part named 'file' in the multipart body");
    for (const part of parts) {
      const path = queryPath ?? part.name;
      if (!path) return filesError(400, "no path: give ?path= or a filename on the part");
      const r = await writeStream(sb, path, user, part.stream(), maxBytes);
      if (!r.ok) {
        log.message = r.message;
        return filesError(r.status, r.message);
      }
      written.push({ path: String(r.entry.path ?? path), name: String(r.entry.name ?? path.split("/").pop()), type: "file" });
      files.push({ name: String(r.entry.path ?? path), size: r.bytes });
    }
  } else {
    if (!queryPath) return filesError(400, "the path query parameter is required with application/octet-stream");
    let body: ReadableStream<Uint8Array> = req.body ?? new Blob([]).stream();
    if ((req.headers.get("content-encoding") ?? "").toLowerCase() === "gzip") body = body.pipeThrough(new DecompressionStream("gzip") as unknown as ReadableWritablePair<Uint8Array, Uint8Array>);
    const r = await writeStream(sb, queryPath, user, body, maxBytes);
    if (!r.ok) {
      log.message = r.message;
      return filesError(r.status, r.message);
    }
    written.push({ path: String(r.entry.path ?? queryPath), name: String(r.entry.name ?? queryPath.split("/").pop()), type: "file" });
    files.push({ name: String(r.entry.path ?? queryPath), size: r.bytes });
  }
  log.files = files;
  log.detail = files.map((f) => f.name).join(", ");
  return Response.json(written);
}
