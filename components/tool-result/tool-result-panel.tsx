import type { ToolResult } from "@/lib/sandbox/types";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { Spinner } from "@/components/ui/spinner";
import { formatBytes, formatDuration } from "./format";
import { OutputBlock } from "./output-block";
import { ToolStatusBadge } from "./status-badge";
import { truncationNote } from "./truncation";

export interface ToolResultPanelProps {
  result: ToolResult | null;
  /** A run is in flight; shown instead of (or above) the previous result. */
  running?: boolean;
  /** Shown when there is neither a result nor a run. */
  emptyText?: string;
  className?: string;
  testId?: string;
  /** The code the result came from (the Editor: the buffer may have changed since). */
  code?: string | null;
  /** The code of the run in flight. */
  runningCode?: string | null;
  /** What the run in flight has printed so far; with it, the previous result is not shown while running. */
  live?: { text: string; bytes: number; skipped: number } | null;
}

/** The code a run was given, folded to its first line. */
function RanCode({ code, label, testId }: { code: string; label: string; testId: string }) {
  const first = code.split("\n").find((l) => l.trim() !== "") ?? "";
  const lines = code.split("\n").length;
  return (
    <details data-testid={testId} className="rounded border border-zinc-200 bg-zinc-50 text-xs">
      <summary className="cursor-pointer truncate px-2 py-1 text-zinc-600" title="The code this run was given">
        {label} <span className="font-mono text-zinc-800">{first.slice(0, 120)}</span>
        {lines > 1 ? <span className="text-zinc-500"> (+{lines - 1} lines)</span> : null}
      </summary>
      <pre data-testid={`${testId}-text`} className="max-h-48 overflow-auto whitespace-pre-wrap break-all border-t border-zinc-200 p-2 font-mono">
        {code}
      </pre>
    </details>
  );
}

/**
 * Renders one ToolResult. Shared by the Editor, Chat and Inspect pages: scope
 * queries to the panel's testId, the inner test ids repeat per panel.
 */
export function ToolResultPanel({
  result,
  running = false,
  emptyText = "Run something to see its result here.",
  className,
  testId = "tool-result",
  code,
  runningCode,
  live,
}: ToolResultPanelProps) {
  // Live output replaces the previous result: output of two different runs side by side misleads.
  const showLive = running && live !== undefined;
  return (
    <div
      data-testid={testId}
      data-running={running ? "true" : "false"}
      className={cn("flex flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-3", className)}
    >
      {running && (
        <div data-testid="tool-running" className="flex items-center gap-2 text-sm text-indigo-700">
          <Spinner /> Running…
        </div>
      )}
      {running && runningCode != null && <RanCode code={runningCode} label="running:" testId="running-code" />}
      {showLive && <LiveOutput live={live ?? null} />}
      {!running && !result && <p className="text-sm text-zinc-500">{emptyText}</p>}
      {result && !showLive && code != null && <RanCode code={code} label={running ? "previous result, from:" : "result of:"} testId="result-code" />}
      {result && !showLive && <ToolResultBody result={result} stale={running} />}
    </div>
  );
}

/** The run in flight's output so far (the end of it), as the page last polled it. */
function LiveOutput({ live }: { live: { text: string; bytes: number; skipped: number } | null }) {
  return (
    <section className="min-w-0" data-testid="tool-live">
      <h4 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">
        output so far{" "}
        <span data-testid="tool-live-bytes" className="font-normal normal-case text-zinc-400">
          {live ? `${live.bytes.toLocaleString("en-US")} bytes` : ""}
        </span>
      </h4>
      {live && live.skipped > 0 && (
        <p data-testid="tool-live-skipped" className="text-xs text-zinc-500">
          … the first {formatBytes(live.skipped)} are not shown while it runs (the result keeps head and tail).
        </p>
      )}
      <div className="max-h-96 overflow-auto rounded-md border border-zinc-200 bg-zinc-950 text-zinc-100">
        <pre data-testid="tool-live-output" className="p-2 font-mono text-xs whitespace-pre-wrap [overflow-wrap:anywhere]">
          {live?.text ?? ""}
        </pre>
        {(!live || live.bytes === 0) && <p className="px-2 pb-2 text-xs text-zinc-400">Nothing printed yet.</p>}
      </div>
    </section>
  );
}

/**
 * `output` is the tool's main text. For process tools it is just stdout+stderr,
 * which are shown on their own; other tools (code_interpreter's model-facing
 * text, file_operation) put something else there, so show it then.
 */
function outputAddsSomething(r: ToolResult): boolean {
  if (r.output.length === 0) return false;
  if (r.stdout === undefined && r.stderr === undefined) return true;
  const out = r.stdout ?? "";
  const err = r.stderr ?? "";
  const joined = [out, err, out + err, `${out}\n${err}`];
  return !joined.includes(r.output);
}

function firstLine(s: string | undefined): string | null {
  const line = s?.split("\n").find((l) => l.trim() !== "")?.trim();
  if (!line) return null;
  const text = line.length > 160 ? `${line.slice(0, 159)}…` : line;
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Where a head-and-tail stream is joined, and its whole text's download link. */
function cutProps(r: ToolResult, stream: "stdout" | "stderr"): { cutAt?: number; downloadUrl?: string } {
  const cut = r.output_cut?.[stream];
  if (!cut) return {};
  return { cutAt: cut.at, ...(r.full_output_url ? { downloadUrl: `${r.full_output_url}?stream=${stream}` } : {}) };
}

function ToolResultBody({ result, stale }: { result: ToolResult; stale: boolean }) {
  const showOutput = outputAddsSomething(result);
  const hasStdout = result.stdout !== undefined;
  const hasStderr = result.stderr !== undefined && result.stderr.length > 0;
  const hasRich = Boolean(result.images?.length || result.html?.length);
  // A figure or HTML is output too: "No output." above a plot would be wrong.
  const nothingPrinted = !showOutput && !result.stdout && !hasStderr && !result.error && !hasRich;
  const showStdout = hasStdout && result.stdout !== "";
  // Without per-stream counts, the note goes on the last text block shown.
  const last = hasStderr ? "stderr" : showStdout ? "stdout" : "output";
  // "error · exit code 0" reads as a contradiction: say what failed instead (a policy, the output cap, the tool's own check).
  const exitedCleanly = result.status !== "success" && result.exit_code === 0;
  return (
    <div className={cn("flex flex-col gap-3", stale && "opacity-50")}>
      <header className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
        <ToolStatusBadge status={result.status} />
        <span className="font-mono text-xs text-zinc-600" data-testid="tool-name">
          {result.tool_name}
        </span>
        <span className="text-zinc-600">
          took <span data-testid="tool-duration">{formatDuration(result.duration_ms)}</span>
        </span>
        {exitedCleanly && (
          <span data-testid="tool-error-why" className="text-red-800" title={result.error}>
            the process exited 0, but {firstLine(result.error) ?? "the tool reported a failure"}
          </span>
        )}
        {result.exit_code !== undefined && !exitedCleanly && (
          <span className="text-zinc-600">
            exit code{" "}
            <span data-testid="tool-exit-code" className="font-mono">
              {result.exit_code}
            </span>
          </span>
        )}
        {result.truncated && (
          <Badge tone="amber" data-testid="tool-truncated" title="Output went over the limit and was cut">
            truncated
          </Badge>
        )}
        {result.isolated === false && (
          <Badge tone="amber" data-testid="tool-not-isolated" title="The run had rlimits only, no sandbox">
            not isolated
          </Badge>
        )}
        {result.isolation && (
          <span data-testid="tool-isolation" className="font-mono text-xs text-zinc-500" title="How the run was contained">
            {result.isolation}
          </span>
        )}
      </header>

      {result.notices && result.notices.length > 0 && (
        <ul data-testid="tool-notices" className="list-disc pl-5 text-xs text-amber-900">
          {result.notices.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}

      {result.error && <OutputBlock label="Error" text={result.error} tone="error" testId="tool-error" />}
      {showOutput && (
        <OutputBlock label="Output" text={result.output} testId="tool-output" truncation={truncationNote(result, "output", last === "output")} />
      )}
      {showStdout && (
        <OutputBlock label="stdout" text={result.stdout ?? ""} testId="tool-stdout" truncation={truncationNote(result, "stdout", last === "stdout")} {...cutProps(result, "stdout")} />
      )}
      {hasStderr && (
        <OutputBlock label="stderr" text={result.stderr ?? ""} tone="error" testId="tool-stderr" truncation={truncationNote(result, "stderr", last === "stderr")} {...cutProps(result, "stderr")} />
      )}
      {nothingPrinted && (
        <p className="text-xs text-zinc-500" data-testid="tool-no-output">
          No output.
        </p>
      )}

      {result.images && result.images.length > 0 && (
        <section data-testid="tool-images" className="flex flex-wrap gap-2">
          {result.images.map((img, i) => (
            // eslint-disable-next-line @next/next/no-img-element -- data URLs, nothing to optimise
            <img
              key={i}
              src={`data:${img.mime};base64,${img.data}`}
              alt={`output image ${i + 1}`}
              className="max-h-80 max-w-full rounded border border-zinc-200 bg-white"
            />
          ))}
        </section>
      )}

      {result.html && result.html.length > 0 && (
        <section data-testid="tool-html" className="flex flex-col gap-2">
          {result.html.map((h, i) => (
            // Rich output comes from sandboxed code: render it without scripts or same-origin access.
            <iframe
              key={i}
              sandbox=""
              srcDoc={h}
              title={`rich output ${i + 1}`}
              className="h-64 w-full rounded border border-zinc-200 bg-white"
            />
          ))}
        </section>
      )}

      {result.meta && Object.keys(result.meta).length > 0 && (
        <details className="text-xs">
          <summary className="cursor-pointer text-zinc-500">details</summary>
          <pre data-testid="tool-meta" className="mt-1 overflow-auto rounded bg-zinc-100 p-2 font-mono">
            {JSON.stringify(result.meta, null, 2)}
          </pre>
        </details>
      )}
    </div>
  );
}
