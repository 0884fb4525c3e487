import "server-only";
import { randomUUID } from "node:crypto";
import { agentCall } from "./agent-call";
import type { E2BSandbox } from "./sandboxes";
import { createContextSchema, executeSchema } from "./schema";
import type { E2BCallLog } from "./traffic";

// The code interpreter (port 49999) on the same Jupyter kernel machinery the notebook tool uses:
// each context is one notebook driver (docker/sandbox/agent/nbdriver.py, shipped in the sandbox
// image) started as a process in the sandbox, spoken to over its stdin/stdout through envd. A cell's
// outputs come back when it finishes and are then written as E2B's NDJSON lines.

const DRIVER = "/opt/sandbox/nbdriver.py";
const CELL_TIMEOUT_S = 600;

interface Context {
  id: string;
  language: string;
  cwd: string;
  pid: number;
  buf: string;
  nextId: number;
  pending: Map<number, (msg: Record<string, unknown>) => void>;
  dead?: string;
  unlisten: () => void;
}

const contexts = new WeakMap<E2BSandbox, Map<string, Context>>();

function ctxMap(sb: E2BSandbox): Map<string, Context> {
  let m = contexts.get(sb);
  if (!m) contexts.set(sb, (m = new Map()));
  return m;
}

async function startContext(sb: E2BSandbox, language: string, cwd: string): Promise<Context | string> {
  if (language !== "python") return `language '${language}' is not supported here (only python)`;
  const r = await agentCall(sb, { op: "proc.start", cmd: "python3", args: ["-u", DRIVER], envs: {}, cwd, user: "user", stdin: true, tag: `interpreter-${randomUUID().slice(0, 8)}` });
  if (!r.ok) return `could not start the kernel: ${r.message}`;
  const ctx: Context = { id: randomUUID(), language, cwd, pid: Number(r.value.pid), buf: "", nextId: 1, pending: new Map(), unlisten: () => {} };
  let stderr = "";
  ctx.unlisten = sb.hub.listen(
    ctx.pid,
    (ev) => {
      if (ev.kind === "data" && ev.stream === "stderr") stderr = (stderr + ev.data.toString("utf8")).slice(-4000);
      else if (ev.kind === "data") {
        ctx.buf += ev.data.toString("utf8");
        for (let i = ctx.buf.indexOf("\n"); i >= 0; i = ctx.buf.indexOf("\n")) {
          const line = ctx.buf.slice(0, i);
          ctx.buf = ctx.buf.slice(i + 1);
          try {
            const msg = JSON.parse(line) as Record<string, unknown>;
            const p = ctx.pending.get(Number(msg.id));
            if (p) {
              ctx.pending.delete(Number(msg.id));
              p(msg);
            }
          } catch {
            /* not a driver frame */
          }
        }
      } else {
        ctx.dead = ev.kind === "end" ? `the kernel driver exited (${ev.exitCode}): ${stderr.trim().split("\n").slice(-3).join(" | ") || "no message"}` : `the sandbox was ${ev.reason}`;
        for (const p of ctx.pending.values()) p({ ok: false, error: ctx.dead });
        ctx.pending.clear();
      }
    },
    true,
  );
  ctxMap(sb).set(ctx.id, ctx);
  return ctx;
}

async function driverRequest(sb: E2BSandbox, ctx: Context, msg: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (ctx.dead) return { ok: false, error: ctx.dead };
  const id = ctx.nextId++;
  const reply = new Promise<Record<string, unknown>>((resolve) => ctx.pending.set(id, resolve));
  const line = Buffer.from(`${JSON.stringify({ ...msg, id })}\n`).toString("base64");
  const w = await agentCall(sb, { op: "proc.input", pid: ctx.pid, data: line });
  if (!w.ok) {
    ctx.pending.delete(id);
    return { ok: false, error: w.message };
  }
  return reply;
}

const mimeKeys: Record<string, string> = {
  "text/plain": "text",
  "text/html": "html",
  "text/markdown": "markdown",
  "image/svg+xml": "svg",
  "image/png": "png",
  "image/jpeg": "jpeg",
  "application/pdf": "pdf",
  "text/latex": "latex",
  "application/json": "json",
  "application/javascript": "javascript",
};

/** nbdriver outputs → E2B's NDJSON lines. */
export function toE2BLines(outputs: Record<string, unknown>[], executionCount: unknown): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  const ts = () => new Date().toISOString();
  for (const o of outputs) {
    if (o.type === "stream") lines.push({ type: o.name === "stderr" ? "stderr" : "stdout", text: o.text, timestamp: ts() });
    else if (o.type === "execute_result" || o.type === "display_data") {
      const data = (o.data ?? {}) as Record<string, unknown>;
      const r: Record<string, unknown> = { type: "result", is_main_result: o.type === "execute_result" };
      const extra: Record<string, unknown> = {};
      for (const [mime, v] of Object.entries(data)) {
        const k = mimeKeys[mime];
        if (k) r[k] = Array.isArray(v) ? v.join("") : v;
        else extra[mime] = v;
      }
      if (Object.keys(extra).length) r.extra = extra;
      lines.push(r);
    } else if (o.type === "error") {
      lines.push({ type: "error", name: o.ename, value: o.evalue, traceback: Array.isArray(o.traceback) ? o.traceback.join("\n") : String(o.traceback ?? "") });
    }
  }
  if (typeof executionCount === "number") lines.push({ type: "number_of_executions", execution_count: executionCount });
  lines.push({ type: "end_of_execution" });
  return lines;
}

function contextJson(c: Context) {
  return { id: c.id, language: c.language, cwd: c.cwd };
}

async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  return text ? (JSON.parse(text) as unknown) : {};
}

export async function interpreter(sb: E2BSandbox, req: Request, rest: string, log: E2BCallLog): Promise<Response> {
  const bad = (status: number, message: string) => {
    log.message = message;
    return new Response(message, { status });
  };
  const m = req.method;
  if (rest === "health" && m === "GET") {
    log.operation = "health";
    return Response.json({ status: "ok" });
  }
  if (rest === "contexts" && m === "GET") {
    log.operation = "interpreter.contexts";
    return Response.json([...ctxMap(sb).values()].map(contextJson));
  }
  if (rest === "contexts" && m === "POST") {
    log.operation = "interpreter.context.create";
    let body: unknown;
    try {
      body = await readJson(req);
    } catch {
      return bad(400, "body is not JSON");
    }
    const p = createContextSchema.safeParse(body);
    if (!p.success) return bad(400, "invalid context request");
    const c = await startContext(sb, p.data.language || "python", p.data.cwd || "/home/user");
    if (typeof c === "string") return bad(c.startsWith("language") ? 400 : 500, c);
    return Response.json(contextJson(c));
  }
  const ctxRoute = /^contexts\/([\w-]+)(\/restart)?$/.exec(rest);
  if (ctxRoute) {
    const c = ctxMap(sb).get(ctxRoute[1]!);
    if (!c) return bad(404, `context ${ctxRoute[1]} not found`);
    if (m === "DELETE" && !ctxRoute[2]) {
      log.operation = "interpreter.context.delete";
      ctxMap(sb).delete(c.id);
      c.unlisten();
      await agentCall(sb, { op: "proc.signal", pid: c.pid, signal: 9 });
      return new Response(null, { status: 204 });
    }
    if (m === "POST" && ctxRoute[2]) {
      log.operation = "interpreter.context.restart";
      const r = await driverRequest(sb, c, { op: "restart" });
      return r.ok === true ? new Response(null, { status: 204 }) : bad(500, String(r.error));
    }
  }
  if (rest === "execute" && m === "POST") {
    log.operation = "interpreter.execute";
    let body: unknown;
    try {
      body = await readJson(req);
    } catch {
      return bad(400, "body is not JSON");
    }
    const p = executeSchema.safeParse(body);
    if (!p.success) return bad(400, "code (a string) is required");
    log.code = p.data.code;
    log.language = p.data.language ?? "python";
    let c: Context | undefined;
    if (p.data.context_id) {
      c = ctxMap(sb).get(p.data.context_id);
      if (!c) return bad(404, `context ${p.data.context_id} not found`);
    } else {
      const language = p.data.language || "python";
      c = [...ctxMap(sb).values()].find((x) => x.language === language && x.id.startsWith("default-"));
      if (!c) {
        const made = await startContext(sb, language, "/home/user");
        if (typeof made === "string") return bad(made.startsWith("language") ? 400 : 500, made);
        ctxMap(sb).delete(made.id);
        made.id = `default-${language}`;
        ctxMap(sb).set(made.id, made);
        c = made;
      }
    }
    const ctx = c;
    const code = p.data.env_vars && Object.keys(p.data.env_vars).length
      ? `import os as __e2b_os\n__e2b_os.environ.update(${JSON.stringify(p.data.env_vars)})\ndel __e2b_os\n${p.data.code}`
      : p.data.code;
    const started = performance.now();
    const enc = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        const r = await driverRequest(sb, ctx, { op: "execute", code, timeout_s: CELL_TIMEOUT_S });
        let lines: Record<string, unknown>[];
        if (r.ok !== true) lines = [{ type: "error", name: "SandboxError", value: String(r.error ?? "the kernel failed"), traceback: "" }, { type: "end_of_execution" }];
        else lines = toE2BLines((r.outputs as Record<string, unknown>[]) ?? [], r.execution_count);
        for (const l of lines) controller.enqueue(enc.encode(`${JSON.stringify(l)}\n`));
        controller.close();
        log.stdout = lines.filter((l) => l.type === "stdout").map((l) => String(l.text)).join("");
        log.stderr = lines.filter((l) => l.type === "stderr").map((l) => String(l.text)).join("");
        const err = lines.find((l) => l.type === "error");
        const results = lines.filter((l) => l.type === "result");
        log.message = [err ? `${String(err.name)}: ${String(err.value)}` : "", results.length ? `${results.length} result(s): ${results.map((x) => Object.keys(x).filter((k) => k !== "type" && k !== "is_main_result").join("+")).join(", ")}` : ""].filter(Boolean).join(" · ") || undefined;
        log.outcome = err ? "failed" : "success";
        log.run_ms = performance.now() - started;
        log.done();
      },
    });
    return new Response(stream, { headers: { "content-type": "application/x-ndjson", "cache-control": "no-store, no-transform", "x-accel-buffering": "no" } });
  }
  return bad(404, `the code interpreter has no ${m} /${rest}`);
}
