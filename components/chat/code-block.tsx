import { cn } from "@/components/ui/cn";
import { highlightPython, type TokenKind } from "./highlight";

const colors: Record<TokenKind, string> = {
  kw: "text-purple-700 font-semibold",
  str: "text-green-700",
  com: "text-zinc-500 italic",
  num: "text-amber-700",
  fn: "text-blue-700",
  plain: "",
};

export function CodeBlock({ code, className, testId }: { code: string; className?: string; testId?: string }) {
  return (
    <pre
      data-testid={testId}
      className={cn("overflow-auto rounded-md bg-zinc-50 p-2 font-mono text-xs leading-5 text-zinc-900 ring-1 ring-zinc-200", className)}
    >
      <code>
        {highlightPython(code).map((t, i) =>
          t.kind === "plain" ? t.text : (
            <span key={i} className={colors[t.kind]}>
              {t.text}
            </span>
          ),
        )}
      </code>
    </pre>
  );
}
