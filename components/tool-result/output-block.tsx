import { cn } from "@/components/ui/cn";

export function OutputBlock({
  label,
  text,
  tone = "plain",
  testId,
  truncation,
  cutAt,
  downloadUrl,
}: {
  label: string;
  text: string;
  tone?: "plain" | "error";
  testId: string;
  /** Shown where the stream was cut at the output limit (its end, or between head and tail). */
  truncation?: string | null;
  /** The text is head + tail of a longer output, joined at this index: the note goes there. */
  cutAt?: number;
  /** The whole stream, while the server keeps it. */
  downloadUrl?: string;
}) {
  const note = truncation ? (
    <span
      data-testid="tool-truncation-note"
      className="my-1 block border-y border-amber-300 bg-amber-100 px-2 py-1 font-sans text-xs font-medium text-amber-950"
    >
      {truncation}
      {downloadUrl && (
        <>
          {" "}
          <a data-testid="tool-download-output" href={downloadUrl} download className="underline">
            Download the whole output
          </a>
        </>
      )}
    </span>
  ) : null;
  const inside = cutAt !== undefined && note;
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
          {inside ? (
            <>
              <span data-testid={`${testId}-head`}>{text.slice(0, cutAt)}</span>
              {note}
              <span data-testid={`${testId}-tail`}>{text.slice(cutAt)}</span>
            </>
          ) : (
            text
          )}
        </pre>
        {!inside && note && <div className="-my-1">{note}</div>}
      </div>
    </section>
  );
}
