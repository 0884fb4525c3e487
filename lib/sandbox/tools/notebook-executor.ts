import "server-only";
import { z } from "zod";
import { checkPolicy } from "../policy";
import type { ImageOutput, ToolResult } from "../types";
import { blocked } from "./python-executor";
import { effectiveTimeout } from "./result";
import type { ToolDefinition } from "./types";

export const notebookExecutorArgs = z
  .object({
    /** Python source for one cell, run in the session's kernel (state persists across calls). */
    code: z.string().optional(),
    /** Seconds; on timeout the kernel is interrupted and keeps its state. */
    timeout: z.number().positive().optional(),
    /** Restart the kernel first (all variables are lost). With no code, only restarts. */
    restart: z.boolean().optional(),
  })
  .refine((a) => a.code !== undefined || a.restart, { message: "give code, restart: true, or both", path: ["code"] });
export type NotebookExecutorArgs = z.infer<typeof notebookExecutorArgs>;

// What the driver (docker/sandbox/agent/nbdriver.py) answers. Jupyter mime bundles stay open-ended.
const mimeBundle = z.record(z.string(), z.unknown());
export const notebookOutputSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("stream"), name: z.string(), text: z.string() }),
  z.object({ type: z.literal("execute_result"), data: mimeBundle }),
  z.object({ type: z.literal("display_data"), data: mimeBundle }),
  z.object({ type: z.literal("error"), ename: z.string(), evalue: z.string(), traceback: z.array(z.string()) }),
]);
export type NotebookOutput = z.infer<typeof notebookOutputSchema>;

const executeResponseSchema = z.object({
  ok: z.literal(true),
  status: z.enum(["ok", "error", "timeout"]),
  outputs: z.array(notebookOutputSchema),
  execution_count: z.number().nullable().optional(),
  interrupted: z.boolean(),
  restarted: z.boolean(),
  truncated: z.boolean().optional(),
  duration_ms: z.number(),
});

const TOOL = "notebook_executor";
/** The first call starts a kernel (a few seconds on a busy machine). */
const KERNEL_START_ALLOWANCE_MS = 60_000;
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

export const notebookExecutor: ToolDefinition<typeof notebookExecutorArgs> = {
  name: TOOL,
  description:
    "Run Python in a stateful Jupyter kernel (ipykernel) for this session: variables persist across calls. " +
    "Returns printed text, the cell's value, images (matplotlib figures) and HTML, or the error with its traceback. " +
    "Pass restart: true to start over with a fresh kernel.",
  schema: notebookExecutorArgs,
  async execute(args, ctx): Promise<ToolResult> {
    const started = performance.now();
    const done = (r: Omit<ToolResult, "tool_name" | "duration_ms">): ToolResult => ({
      tool_name: TOOL,
      isolated: ctx.runtime.isolated,
      ...r,
      duration_ms: Math.round(performance.now() - started),
    });
    if (args.code !== undefined) {
      const verdict = checkPolicy(args.code, ctx.config.policy);
      if (!verdict.ok) return blocked(TOOL, verdict.error.rule);
    }
    if (!ctx.runtime.notebook) {
      return done({ status: "error", output: "", error: `The ${ctx.runtime.backend} backend has no Jupyter kernel support; use the docker backend.` });
    }
    const channel = await ctx.runtime.notebook();
    if (!channel.ok) return done({ status: "error", output: "", error: channel.error.message });
    const nb = channel.value;

    const notices: string[] = [];
    try {
      if (args.restart) {
        await nb.request({ op: "restart" }, { timeoutMs: KERNEL_START_ALLOWANCE_MS });
        notices.push("The kernel was restarted; earlier variables are gone.");
        if (args.code === undefined) return done({ status: "success", output: "Kernel restarted.", notices, meta: { restarted: true } });
      }
      const timeout = effectiveTimeout(args.timeout, ctx.config.limits.timeout_s);
      if (ctx.signal?.aborted) return done({ status: "cancelled", output: "", error: "Run cancelled." });
      const onAbort = () => void nb.interrupt().catch(() => {});
      ctx.signal?.addEventListener("abort", onAbort, { once: true });
      let raw: Record<string, unknown>;
      try {
        raw = await nb.request({ op: "execute", code: args.code ?? "", timeout_s: timeout }, { timeoutMs: timeout * 1000 + KERNEL_START_ALLOWANCE_MS });
      } finally {
        ctx.signal?.removeEventListener("abort", onAbort);
      }
      const res = executeResponseSchema.parse(raw);
      const r = renderOutputs(res.outputs);
      if (res.restarted && !args.restart) notices.push("The kernel had died or stopped responding and was restarted; earlier variables are gone.");
      const meta = {
        execution_count: res.execution_count ?? null,
        outputs: res.outputs.map(stripBigData),
        interrupted: res.interrupted,
        restarted: res.restarted,
      };
      const common = {
        output: r.text,
        stdout: r.stdout,
        stderr: r.stderr,
        ...(r.images.length ? { images: r.images } : {}),
        ...(r.html.length ? { html: r.html } : {}),
        ...(res.truncated ? { truncated: true } : {}),
        ...(notices.length ? { notices } : {}),
        meta,
      };
      if (ctx.signal?.aborted) return done({ ...common, status: "cancelled", error: "Run cancelled; the kernel was interrupted and keeps its state." });
      if (res.status === "timeout") {
        const kept = res.restarted ? "the kernel did not stop and was restarted (state lost)" : "the kernel was interrupted and keeps its state";
        return done({ ...common, status: "timeout", error: `Timed out after ${timeout} s; ${kept}.` });
      }
      if (res.status === "error") return done({ ...common, status: "error", error: r.error ?? "The cell raised an error." });
      return done({ ...common, status: "success" });
    } catch (e) {
      return done({ status: "error", output: "", error: `Notebook kernel failed: ${e instanceof Error ? e.message : String(e)}`, ...(notices.length ? { notices } : {}) });
    }
  },
};

/** Flattens Jupyter outputs into the ToolResult fields (text, images, html, error with traceback). */
export function renderOutputs(outputs: NotebookOutput[]) {
  const text: string[] = [];
  let stdout = "";
  let stderr = "";
  const images: ImageOutput[] = [];
  const html: string[] = [];
  let error: string | undefined;
  for (const o of outputs) {
    switch (o.type) {
      case "stream":
        text.push(o.text);
        if (o.name === "stderr") stderr += o.text;
        else stdout += o.text;
        break;
      case "execute_result":
      case "display_data": {
        const d = o.data;
        let shown = false;
        for (const mime of ["image/png", "image/jpeg"] as const) {
          if (typeof d[mime] === "string") {
            images.push({ mime, data: (d[mime] as string).replace(/\s+/g, "") });
            shown = true;
          }
        }
        if (typeof d["image/svg+xml"] === "string") {
          images.push({ mime: "image/svg+xml", data: Buffer.from(d["image/svg+xml"] as string).toString("base64") });
          shown = true;
        }
        if (typeof d["text/html"] === "string") {
          html.push(d["text/html"] as string);
          shown = true;
        }
        const plain = d["text/plain"];
        // A figure's "<Figure size …>" repr is noise next to its image.
        if (typeof plain === "string" && (!shown || o.type === "execute_result")) text.push(plain.endsWith("\n") ? plain : `${plain}\n`);
        break;
      }
      case "error": {
        const tb = o.traceback.map((l) => l.replace(ANSI, "")).join("\n");
        error = `${o.ename}: ${o.evalue}`;
        stderr += tb ? `${tb}\n` : `${error}\n`;
        text.push(tb ? `${tb}\n` : `${error}\n`);
        break;
      }
    }
  }
  return { text: text.join(""), stdout, stderr, images, html, error };
}

/** Raw outputs go into meta for the notebook UI; image payloads are already in `images`. */
function stripBigData(o: NotebookOutput): NotebookOutput {
  if (o.type !== "execute_result" && o.type !== "display_data") return o;
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o.data)) data[k] = k.startsWith("image/") ? "(in images)" : v;
  return { ...o, data };
}
