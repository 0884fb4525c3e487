import type { RolloutRecord } from "@/lib/rollout/transcript";

/** The exact text: rendered prompt, then the response (model turns and observations), as the trainer sees it. */
export function RawView({ record }: { record: RolloutRecord }) {
  return (
    <div className="flex flex-col gap-2">
      <p className="text-xs text-zinc-600">
        Exact prompt + response text. <span className="rounded bg-white px-1 ring-1 ring-zinc-300">prompt</span>{" "}
        <span className="rounded bg-indigo-50 px-1 ring-1 ring-indigo-200">model</span>{" "}
        <span className="rounded bg-amber-50 px-1 ring-1 ring-amber-200">observation</span>
        {record.mode === "chat" && " · chat mode: the server renders its own template, so this is an approximation."}
      </p>
      <pre data-testid="raw-view" className="max-h-[70vh] overflow-auto whitespace-pre-wrap break-words rounded-lg bg-white p-3 font-mono text-xs ring-1 ring-zinc-200">
        <span data-testid="raw-prompt">{record.prompt_text}</span>
        {record.turns
          .filter((t) => t.finish_reason !== "abort")
          .map((t) => (
            <span key={t.index}>
              <span className="bg-indigo-50">{t.text}</span>
              {t.observation && <span className="bg-amber-50">{t.observation.text}</span>}
            </span>
          ))}
      </pre>
    </div>
  );
}
