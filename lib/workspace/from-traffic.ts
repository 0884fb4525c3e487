import "server-only";
import { randomUUID } from "node:crypto";
import { appError } from "@/lib/errors";
import { err, ok, type Result } from "@/lib/result";
import { backendStatuses } from "@/lib/sandbox/registry";
import { runTool } from "@/lib/sandbox/sessions";
import { languageSpecs } from "@/lib/sandbox/tools/multi-code-languages";
import { getTrafficRecord } from "@/lib/traffic/recorder";
import { chooseEditorBackend, editorSandboxConfig } from "./editor-sandbox";
import { patchWorkspace } from "./store";

// "Open in Editor" on the Traffic page: a new Editor session whose workspace holds a recorded
// call's code, in the mode and language it ran with. A call with stdin gets main.<ext> and
// stdin.txt in the session and a shell buffer that runs one with the other, since the Editor's
// run modes take no stdin.

function canonicalLanguage(name: string | undefined): string {
  const n = (name ?? "python").trim().toLowerCase();
  return languageSpecs.find((l) => l.name === n || l.aliases.includes(n))?.name ?? n;
}

/** Prepares the session and answers the Editor URL that opens it (`/editor?session=…&from=traffic:<id>`). */
export async function openTrafficCallInEditor(id: string): Promise<Result<string>> {
  const record = getTrafficRecord(id);
  if (!record) return err(appError("not_found:traffic", `Call ${id} is no longer in the recent buffer.`));
  if (record.code === undefined || record.tool_name === "file_operation") {
    return err(appError("bad_request:traffic", "This call ran no code, so there is nothing to open in the Editor."));
  }
  const code = record.code;
  const language = canonicalLanguage(record.language);
  const backend = chooseEditorBackend(record.backend, await backendStatuses());
  const sessionId = `traffic-${randomUUID().replace(/-/g, "").slice(0, 16)}`;

  let tool: "python" | "shell" | "code" = language === "python" ? "python" : language === "bash" ? "shell" : "code";
  const scratch: { python?: string; shell?: string; code?: Record<string, string> } = {};
  if (tool === "python") scratch.python = code;
  else if (tool === "shell") scratch.shell = code;
  else scratch.code = { [language]: code };

  if (record.stdin) {
    const spec = languageSpecs.find((l) => l.name === language);
    const file = spec?.file ?? (language === "python" ? "main.py" : "main.txt");
    const write = (file_path: string, content: string) =>
      runTool({ sessionId, backend, tool: "file_operation", args: { operation: "write", file_path, content }, config: editorSandboxConfig });
    const [a, b] = await Promise.all([write(file, code), write("stdin.txt", record.stdin)]);
    if (a.status !== "success" || b.status !== "success") {
      return err(appError("unavailable:sandbox", `Could not prepare the Editor session: ${a.error ?? b.error ?? "unknown error"}`));
    }
    if (language === "python" || language === "bash") {
      tool = "shell";
      scratch.shell = `# Re-run of traffic call ${record.id} with its stdin (stdin.txt).\n${language === "python" ? "python3" : "bash"} ${file} < stdin.txt\n`;
    }
  }
  await patchWorkspace({ sessionId, tool, backend, language: tool === "code" ? language : "python", scratch });
  const q = new URLSearchParams({ session: sessionId, tool, backend, from: `traffic:${record.id}` });
  if (tool === "code") q.set("lang", language);
  return ok(`/editor?${q.toString()}`);
}
