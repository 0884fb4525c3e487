// An Editor session as a read-only page: its code (the buffer of its mode, or the notebook's
// cells), the file it has open, its files (listed, not opened), and its last result with the code
// that result came from. Nothing on it runs or edits. Isomorphic (pure): render.ts reads the data.
import type { FileEntry, ToolStatus } from "@/lib/sandbox/types";
import { sessionTitle, type Workspace } from "@/lib/workspace/schema";
import { esc, htmlPage, longPre, metaHtml } from "./html";

export interface EditorShareInput {
  sessionId: string;
  workspace: Workspace;
  /** The live sandbox's files; a sentence saying why there is no list when the sandbox is not live. */
  files: FileEntry[] | string;
  /** The open file's text (its unsaved draft, else what is on disk), when there is one. */
  openFileText: string | null;
  generatedAt: string;
  banner?: string;
}

type StoredResult = NonNullable<Workspace["result"]>;

const statusClass: Record<ToolStatus, string> = { success: "ok", error: "err", timeout: "err", cancelled: "err" };

function str(r: StoredResult, k: string): string | undefined {
  const v = (r as Record<string, unknown>)[k];
  return typeof v === "string" ? v : undefined;
}

function cutNote(r: StoredResult): string {
  const cut = (r as { output_cut?: Partial<Record<"stdout" | "stderr", { dropped: number; written: number }>> }).output_cut;
  if (!cut) return "";
  return Object.entries(cut)
    .map(([s, c]) => `<p class="note" data-testid="share-editor-cut">${esc(s)}: ${c.dropped.toLocaleString("en")} of ${c.written.toLocaleString("en")} bytes cut between the head and the tail</p>`)
    .join("");
}

function resultHtml(r: StoredResult, testId: string): string {
  const exit = (r as { exit_code?: unknown }).exit_code;
  const streams = (["stdout", "stderr"] as const).map((s) => [s, str(r, s)] as const).filter(([, t]) => t);
  const body = streams.length
    ? streams.map(([s, t]) => `<div class="label">${s}</div><div class="scroll">${longPre(t!, `${testId}-${s}`)}</div>`).join("")
    : r.output
      ? `<div class="scroll">${longPre(r.output, `${testId}-output`)}</div>`
      : `<p class="note">(no output)</p>`;
  const error = str(r, "error");
  return `<div class="card" data-testid="${testId}" data-status="${esc(r.status)}">
<div class="meta"><span>status <b class="${statusClass[r.status]}">${esc(r.status)}</b></span><span>time <b>${Math.round(r.duration_ms)} ms</b></span>${typeof exit === "number" ? `<span>exit code <b>${exit}</b></span>` : ""}</div>
${error ? `<div class="card bad">${longPre(error, `${testId}-error`)}</div>` : ""}${cutNote(r)}${body}</div>`;
}

function filesHtml(files: FileEntry[] | string): string {
  if (typeof files === "string") return `<p class="note" data-testid="share-editor-files">${esc(files)}</p>`;
  if (!files.length) return `<p class="note" data-testid="share-editor-files">(the working directory is empty)</p>`;
  return `<ul class="files card" data-testid="share-editor-files">${files
    .map((f) => `<li data-testid="share-editor-file"${f.type === "dir" ? ' class="d"' : ""}>${esc(f.name)}${f.type === "dir" ? "/" : ` <span class="note">${f.size.toLocaleString("en")} B</span>`}</li>`)
    .join("")}</ul>`;
}

function codeHtml(w: Workspace): string {
  if (w.tool === "notebook") {
    const cells = w.cells ?? [];
    if (!cells.length) return `<p class="note">(no cells)</p>`;
    return cells
      .map(
        (c, i) =>
          `<section data-testid="share-editor-cell"><div class="label">cell ${i + 1}</div><div class="card code">${longPre(c.code, "share-editor-cell-code")}</div>${c.result ? resultHtml(c.result, "share-editor-cell-result") : ""}</section>`,
      )
      .join("\n");
  }
  const code = w.tool === "code" ? w.scratch.code[w.language] : w.scratch[w.tool];
  return `<div class="card code"><div class="label">${esc(w.tool === "code" ? w.language : w.tool)}</div>${code ? longPre(code, "share-editor-code") : `<p class="note" data-testid="share-editor-code">(empty)</p>`}</div>`;
}

export function editorHtml({ sessionId, workspace: w, files, openFileText, generatedAt, banner }: EditorShareInput): string {
  const name = sessionTitle(w);
  const title = `Editor session ${sessionId}${name ? ` · ${name}` : ""}`;
  const mode = w.tool === "code" ? `code · ${w.language}` : w.tool;
  const ranOther = w.result_code && w.tool !== "notebook" && w.result_code.code !== (w.tool === "code" ? w.scratch.code[w.language] : w.scratch[w.tool]);
  const body = `${metaHtml([
    ["mode", mode],
    ["backend", w.backend],
    ["open file", w.open_file?.path],
    ["running", w.running ? `a run started ${new Date(w.running.started_ms).toISOString().slice(11, 19)} UTC is still going` : null],
  ])}
<h2>${w.tool === "notebook" ? "Cells" : "Code"}</h2>
${codeHtml(w)}
${
  w.open_file
    ? `<h2>Open file: ${esc(w.open_file.path)}${w.open_file.draft !== undefined ? " (unsaved edits)" : ""}</h2><div class="card code" data-testid="share-editor-open-file">${openFileText === null ? `<p class="note">(not readable now: the session's sandbox is not running)</p>` : longPre(openFileText, "share-editor-open-file-text")}</div>`
    : ""
}
${
  w.tool !== "notebook"
    ? `<h2>Last result</h2>${
        w.result
          ? `${ranOther ? `<details open><summary>the code it ran (the buffer has changed since)</summary><div class="card code">${longPre(w.result_code!.code, "share-editor-result-code")}</div></details>` : ""}${resultHtml(w.result, "share-editor-result")}`
          : `<p class="note" data-testid="share-editor-result">(not run yet)</p>`
      }`
    : ""
}
<h2>Files</h2>
${filesHtml(files)}`;
  return htmlPage({ title, banner, body, footer: `Read-only view of an Editor session, written ${generatedAt}. No scripts: nothing here runs or edits.` });
}
