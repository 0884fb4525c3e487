import { redirect } from "next/navigation";
import { randomUUID } from "node:crypto";
import { backendStatuses } from "@/lib/sandbox/registry";
import { backendNameSchema, type BackendName } from "@/lib/sandbox/types";
import { EditorWorkbench } from "@/components/editor/editor-workbench";
import { editorToolSchema, languageNameSchema, sessionIdSchema } from "./schema";

export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function EditorPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const one = (k: string) => (typeof params[k] === "string" ? params[k] : undefined);

  const session = sessionIdSchema.safeParse(one("session"));
  if (!session.success) {
    // The session lives in the URL so a reload (or a shared link) finds the same files.
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (typeof v === "string" && k !== "session") next.set(k, v);
    next.set("session", randomUUID().replace(/-/g, ""));
    redirect(`/editor?${next.toString()}`);
  }

  const backends = await backendStatuses();
  const tool = editorToolSchema.catch("python").parse(one("tool"));
  const asked = backendNameSchema.safeParse(one("backend"));
  // The asked-for backend if it can run, else the first one that can, else local.
  const usable = (b: BackendName) => backends.some((s) => s.backend === b && s.available);
  const backend: BackendName =
    asked.success && usable(asked.data)
      ? asked.data
      : (backends.find((b) => b.available)?.backend ?? "local");

  return (
    <EditorWorkbench
      key={`${session.data}:${backend}`}
      sessionId={session.data}
      initialTool={tool}
      initialBackend={backend}
      backends={backends}
      initialLanguage={languageNameSchema.catch("python").parse(one("lang"))}
    />
  );
}
