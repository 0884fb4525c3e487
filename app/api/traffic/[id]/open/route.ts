import { randomUUID } from "node:crypto";
import { AppError, errorResponse } from "@/lib/errors";
import { backendAvailability } from "@/lib/sandbox/registry";
import { runTool } from "@/lib/sandbox/sessions";
import { languageSpecs } from "@/lib/sandbox/tools/multi-code-languages";
import { backendNames, defaultToolsConfig, type BackendName } from "@/lib/sandbox/types";
import { getTrafficRecord } from "@/lib/traffic/recorder";
import { patchWorkspace } from "@/lib/workspace/store";

// "Open in Editor" on the Traffic page (a form POST, so the proxy's cross-origin check covers it):
// a new Editor session whose workspace holds the call's code, in the mode and language it ran
// with, then a 303 to /editor?session=…&from=traffic:<id>. A call with stdin gets main.<ext> and
// stdin.txt in the session and a shell buffer that runs one with the other, since the Editor's
// run modes take no stdin.

export const dynamic = "force-dynamic";

// What the Editor's own actions declare when they open a session.
const editorSandboxConfig = { tools_config: { ...defaultToolsConfig, multi_code_executor: {}, notebook_executor: {} } };

function canonicalLanguage(name: string | undefined): string {
  const n = (name ?? "python").trim().toLowerCase();
  return languageSpecs.find((l) => l.name === n || l.aliases.includes(n))?.name ?? n;
}

async function usableBackend(asked: string | undefined): Promise<BackendName> {
  const order: BackendName[] = [...(asked && (backendNames as readonly string[]).includes(asked) ? [asked as BackendName] : []), "local", "docker"];
  for (const b of order) {
    if ((await backendAvailability(b)).available) return b;
  }
  return "local";
}

export async function POST(_request: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await ctx.params;
  const record = getTrafficRecord(id);
  if (!record) return errorResponse(new AppError("not_found:traffic", `Call ${id} is no longer in the recent buffer.`));
  if (record.code === undefined || record.tool_name === "file_operation") {
    return errorResponse(new AppError("bad_request:traffic", "This call ran no code, so there is nothing to open in the Editor."));
  }
  const code = record.code;
  const language = canonicalLanguage(record.language);
  const backend = await usableBackend(record.backend);
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
      return errorResponse(new AppError("unavailable:sandbox", `Could not prepare the Editor session: ${a.error ?? b.error ?? "unknown error"}`));
    }
    if (language === "python" || language === "bash") {
      tool = "shell";
      scratch.shell = `# Re-run of traffic call ${record.id} with its stdin (stdin.txt).\n${language === "python" ? "python3" : "bash"} ${file} < stdin.txt\n`;
    }
  }
  await patchWorkspace({ sessionId, tool, backend, language: tool === "code" ? language : "python", scratch });
  const q = new URLSearchParams({ session: sessionId, tool, backend, from: `traffic:${record.id}` });
  if (tool === "code") q.set("lang", language);
  return new Response(null, { status: 303, headers: { location: `/editor?${q.toString()}` } });
}
