import { z } from "zod";
import { backendNameSchema, isolationLevelSchema, sandboxSessionIdSchema } from "@/lib/sandbox/types";

// An Editor workspace: what a person was doing in one sandbox session (the session id in the URL),
// kept on the server so a reload or a trip through the header gives it back. Isomorphic.

/** The Editor's sandbox session: a sandbox session id the client generates, at least 8 characters. */
export const sessionIdSchema = sandboxSessionIdSchema.min(8, "A session id is 8-64 letters, digits, '-' or '_'.");

/** The Editor's run modes and the sandbox tool each one calls. */
export const editorTools = ["python", "shell", "code", "notebook"] as const;
export const editorToolSchema = z.enum(editorTools);
export type EditorTool = z.infer<typeof editorToolSchema>;
export const editorToolNames: Record<EditorTool, "python_executor" | "shell_executor" | "multi_code_executor" | "notebook_executor"> = {
  python: "python_executor",
  shell: "shell_executor",
  code: "multi_code_executor",
  notebook: "notebook_executor",
};

/** multi_code_executor's language (the backend lists what it supports). */
export const languageNameSchema = z.string().regex(/^[a-z0-9+#-]{1,20}$/);

/** A ToolResult as stored: checked loosely (the sandbox made it; we only keep and show it). */
export const storedResultSchema = z
  .object({
    tool_name: z.string(),
    status: z.enum(["success", "error", "timeout", "cancelled"]),
    output: z.string(),
    duration_ms: z.number(),
  })
  .passthrough();

/** The code a run was given, kept beside its result (and the run in flight). */
export const ranCodeSchema = z.object({
  code: z.string().max(1_000_000),
  tool: editorToolSchema,
  language: languageNameSchema.optional(),
});
export type RanCode = z.infer<typeof ranCodeSchema>;

export const notebookCellStateSchema = z.object({
  key: z.number().int().nonnegative(),
  code: z.string().max(1_000_000),
  result: storedResultSchema.nullable().default(null),
});

export const workspaceSchema = z.object({
  tool: editorToolSchema.default("python"),
  backend: backendNameSchema.default("local"),
  language: languageNameSchema.default("python"),
  /** Scratch buffers: Python, shell, and one per Code-mode language. */
  scratch: z
    .object({
      python: z.string().max(1_000_000).optional(),
      shell: z.string().max(1_000_000).optional(),
      code: z.record(z.string(), z.string().max(1_000_000)).default({}),
    })
    .default({ code: {} }),
  /** The file open in the editor, and its unsaved text if it had any. */
  open_file: z.object({ path: z.string().min(1).max(1024), backend: backendNameSchema, draft: z.string().max(5_000_000).optional() }).nullable().default(null),
  /** The last run's result in the result panel. */
  result: storedResultSchema.nullable().default(null),
  /** The code that result came from (the buffer may have changed since). */
  result_code: ranCodeSchema.nullable().default(null),
  /**
   * The run in flight: it belongs to the session, not to the page, so a reload shows it running,
   * can cancel it, and shows its result with its code. Only reported while this server runs it.
   */
  running: ranCodeSchema.extend({ run_id: z.string(), started_ms: z.number() }).nullable().default(null),
  /** Notebook cells; absent until the notebook was first used. */
  cells: z.array(notebookCellStateSchema).max(500).optional(),
  /** The name a person gave the session (else it is named by what it holds, see sessionTitle). */
  name: z.string().max(120).optional(),
});
export type Workspace = z.infer<typeof workspaceSchema>;

/** What the client sends: any subset of the person-edited parts (results are recorded by the server). */
export const workspacePatchSchema = z.object({
  sessionId: sessionIdSchema,
  tool: editorToolSchema.optional(),
  backend: backendNameSchema.optional(),
  language: languageNameSchema.optional(),
  scratch: z
    .object({
      python: z.string().max(1_000_000).optional(),
      shell: z.string().max(1_000_000).optional(),
      code: z.record(z.string(), z.string().max(1_000_000)).optional(),
    })
    .optional(),
  open_file: workspaceSchema.shape.open_file.optional(),
  /** Cell code and order; results already stored for a key are kept. */
  cells: z.array(z.object({ key: z.number().int().nonnegative(), code: z.string().max(1_000_000) })).max(500).optional(),
  /** A rename; "" goes back to the name taken from the content. */
  name: z.string().trim().max(120).optional(),
  /**
   * Nothing here is worth keeping on its own (the mode of a fresh page, starter cells): a session
   * with no stored workspace holds it in memory only, until something to keep arrives.
   */
  seed: z.boolean().optional(),
});
export type WorkspacePatch = z.input<typeof workspacePatchSchema>;

type ScratchPatch = NonNullable<WorkspacePatch["scratch"]>;

/** Later scratch edits over earlier ones, per buffer (Code mode: per language). Browser and server. */
export function mergeScratch(a: ScratchPatch | undefined, b: ScratchPatch | undefined): ScratchPatch & { code: Record<string, string> } {
  return { ...a, ...b, code: { ...(a?.code ?? {}), ...(b?.code ?? {}) } };
}

/** A session named by what it holds: its given name, the open file, else the first line of its code. */
export function sessionTitle(w: Workspace): string | null {
  if (w.name) return w.name;
  if (w.open_file) return w.open_file.path.split("/").pop() || w.open_file.path;
  const buffer = w.tool === "code" ? w.scratch.code[w.language] : w.tool === "notebook" ? w.cells?.find((c) => c.code.trim())?.code : w.scratch[w.tool];
  const candidates = [buffer, w.result_code?.code, w.scratch.python, w.scratch.shell, ...Object.values(w.scratch.code)];
  for (const text of candidates) {
    const line = text?.split("\n").find((l) => l.trim() !== "")?.trim();
    if (line) return line.length > 80 ? `${line.slice(0, 79)}…` : line;
  }
  return null;
}

/** One row of the Editor's session list (GET /api/editor/sessions). */
export const editorSessionRowSchema = z.object({
  id: z.string(),
  /** Who opened it: the Editor, a Chat session's tool calls, or an ms-enclave client. */
  kind: z.enum(["editor", "chat", "ms-enclave", "e2b"]),
  /** E2B sandboxes: image asked for and used, metadata, when it ends. */
  e2b: z
    .object({ image_asked: z.string().nullable(), image_used: z.string(), metadata: z.record(z.string(), z.string()), end_at_ms: z.number(), note: z.string().nullable() })
    .optional(),
  /** Backends with a live sandbox for this id (its files and processes are there). */
  live: z.array(backendNameSchema),
  /** How the live sandbox's runs are contained (`docker · gVisor`, …); null when none is live yet. */
  isolation: isolationLevelSchema.nullable(),
  running: z.number().int().nonnegative(),
  last_used_ms: z.number(),
  /** When the idle sweep closes the live sandbox; null while held, running, or not live. */
  expires_at_ms: z.number().nullable(),
  /** The saved Editor workspace, if any. */
  saved: z.object({ tool: editorToolSchema, backend: backendNameSchema, updated_ms: z.number() }).nullable(),
  /** What the session holds (its name, file or first line of code); null when it holds nothing yet. */
  title: z.string().nullable().default(null),
  /** The person named it (Rename). */
  named: z.boolean().default(false),
  url: z.string(),
});
export type EditorSessionRow = z.infer<typeof editorSessionRowSchema>;
export const editorSessionListSchema = z.array(editorSessionRowSchema);
