"use client";
import { promptTemplates } from "@/app/(playground)/chat/actions";
import { useResult } from "@/components/ui/use-result";

/** The run's prompt through slime's ReTool template and through the model's own chat template, side by side. */
export function PromptTemplates({ sessionId, runId }: { sessionId: string; runId: string }) {
  const { value: data, error } = useResult(() => promptTemplates({ session_id: sessionId, run_id: runId }), [sessionId, runId]);
  if (error) return <p className="text-sm text-red-700">{error}</p>;
  if (!data) return <p className="text-sm text-zinc-500">Rendering the prompt templates…</p>;
  const panes = [
    { id: "retool", label: data.retool.label, text: data.retool.text, count: data.retool.token_count, error: undefined },
    "error" in data.model
      ? { id: "model", label: data.model.label, text: "", count: null, error: data.model.error }
      : { id: "model", label: data.model.label, text: data.model.text, count: data.model.token_count, error: undefined },
  ];
  return (
    <details data-testid="prompt-templates" className="rounded-lg bg-white p-2 text-xs ring-1 ring-zinc-200">
      <summary className="cursor-pointer font-medium text-zinc-700">Prompt: slime&apos;s ReTool template beside the model&apos;s own chat template</summary>
      <div className="mt-2 grid min-w-0 grid-cols-1 gap-2 xl:grid-cols-2">
        {panes.map((p) => (
          <section key={p.id} data-testid={`prompt-template-${p.id}`} className="flex min-w-0 flex-col gap-1">
            <h4 className="font-semibold text-zinc-700">
              {p.label}
              {p.count !== null && <span className="ml-1 font-normal text-zinc-500">· {p.count} tokens</span>}
            </h4>
            {p.error ? (
              <p className="text-amber-800">{p.error}</p>
            ) : (
              <pre className="max-h-80 overflow-auto whitespace-pre-wrap break-words rounded bg-zinc-50 p-2 font-mono">{p.text}</pre>
            )}
          </section>
        ))}
      </div>
    </details>
  );
}
