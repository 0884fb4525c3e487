"use client";
import type { ChatRun } from "@/lib/rollout/chat-session-schema";
import { runSample } from "@/lib/rollout/run-sample";
import { CopyLink } from "@/components/share/copy-link";
import { ShareMenu } from "@/components/share/share-menu";
import { Button } from "@/components/ui/button";

const linkClass = "rounded-md border border-zinc-300 bg-white px-2 py-1 text-xs font-medium text-zinc-800 hover:bg-zinc-100";
const offClass = "rounded-md border border-zinc-200 px-2 py-1 text-xs font-medium text-zinc-400 cursor-not-allowed";

/** Hand the run to a teammate: its link, a read-only link, its files, and presenting mode. */
export function RunShareBar({ sessionId, run, onPresent }: { sessionId: string; run: ChatRun; onPresent: () => void }) {
  const sample = runSample(run);
  const exportHref = (format: "jsonl" | "html") => `/api/rollouts/${run.id}/export?session=${sessionId}&format=${format}`;
  const exportLink = (format: "jsonl" | "html", label: string, title: string) =>
    sample.ok ? (
      <a data-testid={`export-run-${format}`} href={exportHref(format)} download className={linkClass} title={title}>
        {label}
      </a>
    ) : (
      <span data-testid={`export-run-${format}`} aria-disabled="true" className={offClass} title={sample.reason}>
        {label}
      </span>
    );
  return (
    <div data-testid="run-share-bar" className="flex flex-wrap items-center gap-1 text-xs">
      <CopyLink align="left" />
      <ShareMenu align="left" target={{ kind: "chat_run", session: sessionId, run: run.id }} {...(sample.ok ? {} : { unavailable: sample.reason })} />
      {exportLink("jsonl", "Export JSONL", "The run as one slime Sample (JSON Lines): Inspect and `cli read` open it")}
      {exportLink("html", "Export HTML", "The run as one self-contained HTML file that opens offline")}
      <Button size="sm" data-testid="present-run" onClick={onPresent} disabled={!run.record} title="Larger type, no editing chrome, turn by turn with the keyboard">
        Present
      </Button>
    </div>
  );
}
