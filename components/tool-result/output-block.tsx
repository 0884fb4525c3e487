import { cn } from "@/components/ui/cn";

export function OutputBlock({
  label,
  text,
  tone = "plain",
  testId,
  truncation,
}: {
  label: string;
  text: string;
  tone?: "plain" | "error";
  testId: string;
  /** Shown as the block's last line when the stream was cut at the output limit. */
  truncation?: string | null;
}) {
  return (
    <section className="min-w-0">
      <h4 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">{label}</h4>
      <div
        className={cn(
          "max-h-96 overflow-auto rounded-md border",
          tone === "error" ? "border-red-200 bg-red-50 text-red-900" : "border-zinc-200 bg-zinc-950 text-zinc-100",
        )}
      >
        {/* anywhere: a 2 MB line with no spaces still wraps inside the panel */}
        <pre data-testid={testId} className="p-2 font-mono text-xs whitespace-pre-wrap [overflow-wrap:anywhere]">
          {text}
        </pre>
        {truncation && (
          <p data-testid="tool-truncation-note" className="border-t border-amber-300 bg-amber-100 px-2 py-1 font-sans text-xs font-medium text-amber-950">
            {truncation}
          </p>
        )}
      </div>
    </section>
  );
}
