import "server-only";
import { z } from "zod";
import type { ToolResult } from "../types";
import { PathRejected } from "../workdir-fs";
import type { ToolDefinition } from "./types";

export const fileOperationArgs = z
  .object({
    operation: z.enum(["create", "read", "write", "delete", "list", "exists"]),
    file_path: z.string().min(1),
    content: z.string().optional(),
    encoding: z.enum(["utf-8", "base64"]).default("utf-8"),
  })
  .refine((a) => a.operation !== "write" || a.content !== undefined, { message: "content is required for write", path: ["content"] });

const DEFAULT_MAX_READ = 10 * 1024 * 1024;

export const fileOperation: ToolDefinition<typeof fileOperationArgs> = {
  name: "file_operation",
  description: "Create, read, write, delete, list or test files inside the session directory (/sandbox).",
  schema: fileOperationArgs,
  async execute(args, ctx): Promise<ToolResult> {
    const started = performance.now();
    const base = { tool_name: "file_operation", isolated: ctx.runtime.isolated };
    const done = (r: Omit<ToolResult, "tool_name" | "duration_ms">): ToolResult => ({
      ...base,
      ...r,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
    });
    const fs = ctx.runtime.fs;
    const p = args.file_path;
    try {
      switch (args.operation) {
        case "create":
        case "write": {
          const data = Buffer.from(args.content ?? "", args.encoding === "base64" ? "base64" : "utf8");
          await fs.write(p, data, { create_only: args.operation === "create" });
          return done({ status: "success", output: `${args.operation === "create" ? "Created" : "Wrote"} ${p} (${data.length} bytes)`, meta: { bytes: data.length } });
        }
        case "read": {
          const max = typeof ctx.toolConfig.max_read_bytes === "number" ? ctx.toolConfig.max_read_bytes : DEFAULT_MAX_READ;
          const buf = await fs.read(p, { max_bytes: max + 1 });
          const truncated = buf.length > max;
          const body = truncated ? buf.subarray(0, max) : buf;
          return done({
            status: "success",
            output: args.encoding === "base64" ? body.toString("base64") : body.toString("utf8"),
            ...(truncated ? { truncated: true } : {}),
            meta: { bytes: body.length, encoding: args.encoding },
          });
        }
        case "delete":
          await fs.remove(p);
          return done({ status: "success", output: `Deleted ${p}` });
        case "list": {
          const entries = await fs.list(p);
          return done({
            status: "success",
            output: entries.map((e) => `${e.type === "dir" ? `${e.name}/` : e.name}\t${e.type}\t${e.size}`).join("\n"),
            meta: { entries },
          });
        }
        case "exists": {
          const exists = await fs.exists(p);
          return done({ status: "success", output: String(exists), meta: { exists } });
        }
      }
    } catch (e) {
      return done({ status: "error", output: "", error: describeFsError(e, p) });
    }
  },
};

function describeFsError(e: unknown, p: string): string {
  if (e instanceof PathRejected) return e.message;
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case "ENOENT":
      return `No such file or directory: ${p}`;
    case "EEXIST":
      return `Already exists: ${p} (use operation "write" to overwrite)`;
    case "EISDIR":
      return `Is a directory: ${p}`;
    case "ENOTDIR":
      return `Not a directory: ${p}`;
    case "ELOOP":
      return `Refusing to follow a symlink: ${p}`;
    case "EACCES":
    case "EPERM":
      return `Permission denied: ${p}`;
    default:
      return `File operation failed on ${p}: ${err.message ?? String(e)}`;
  }
}
