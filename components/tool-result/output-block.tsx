import { cn } from "@/components/ui/cn";

export function OutputBlock({
  label,
  text,
  tone = "plain",
  testId,
}: {
  label: string;
  text: string;
  tone?: "plain" | "error";
  testId: string;
}) {
  return (
    <section className="min-w-0">
      <h4 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">{label}</h4>
      <pre
        data-testid={testId}
        className={cn(
          "max-h-96 overflow-auto rounded-md border p-2 font-mono text-xs whitespace-pre-wrap break-words",
          tone === "error"
            ? "border-red-200 bg-red-50 text-red-900"
            : "border-zinc-200 bg-zinc-950 text-zinc-100",
        )}
      >
        {text}
      </pre>
    </section>
  );
}
