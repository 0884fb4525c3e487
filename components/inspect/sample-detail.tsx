"use client";
import Link from "next/link";
import { useEffect, useMemo, useRef, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Spinner } from "@/components/ui/spinner";
import { chatHandoff, chatHref, promptParts } from "@/lib/data/chat-link";
import { segmentResponse } from "@/lib/data/segments";
import type { TurnTags } from "@/lib/data/segments";
import type { FenceMode } from "@/lib/data/code-fences";
import type { ReexecRecord, Turn } from "@/lib/data/types";
import { rowFlagNames, rowFlags } from "@/lib/data/types";
import type { SampleResponse } from "./api";
import { AgentTrajectoryPanel } from "./agent-trajectory-panel";
import { LongText } from "./long-text";
import { groupTitle, rowFields, stepField } from "./row-fields";
import { MarkdownText, SegmentView } from "./segment-view";
import { samplePieces } from "@/components/tokens/pieces";
import { TokenView } from "@/components/tokens/token-view";
import type { DetailTab } from "./use-inspect-url";
import { LogprobHeatmap } from "./logprob-heatmap";
import { useSampleTokens } from "./use-sample-tokens";
import { verdictOf, verdictStyle } from "./verdict";
import type { ShareTarget } from "@/lib/share/schema";
import { CopyLink } from "@/components/share/copy-link";
import { ShareMenu } from "@/components/share/share-menu";

/** A header value; long ones (a 2 MB label) are cut to one line with the full text on hover. */
function Field({ label, children, testId, title, valueTestId, valueTitle }: { label: string; children: React.ReactNode; testId?: string; title?: string; valueTestId?: string; valueTitle?: string }) {
  return (
    <div className="flex min-w-0 max-w-[14rem] flex-col" data-testid={testId} title={title}>
      <span className="text-[10px] font-semibold uppercase text-zinc-500">{label}</span>
      <span className="truncate font-mono text-xs" data-testid={valueTestId} title={valueTitle}>
        {children}
      </span>
    </div>
  );
}

/** Why this sample's fenced cells did (not) reproduce, and the other way to run them. */
function SampleFenceNote({ rec, running, onStrip }: { rec: ReexecRecord; running: boolean; onStrip: () => void }) {
  const n = `${rec.fenced} of ${rec.cells} code cell${rec.cells === 1 ? "" : "s"}`;
  if (rec.fences === "strip")
    return (
      <p data-testid="reexec-sample-fence-note" className="mt-1">
        {n} held ``` fences and ran with the fences stripped (SandboxFusion-style); slime&apos;s tool would run them as written.
      </p>
    );
  return (
    <p data-testid="reexec-sample-fence-note" className="mt-1 flex flex-wrap items-center gap-2">
      <span>
        {n} hold ``` fences and ran as written, as slime&apos;s tool_sandbox runs them (it does not strip fences), so Python stops at the fence with a
        SyntaxError. Outputs recorded by a server that strips fences do not reproduce that way.
      </span>
      <Button size="sm" onClick={onStrip} disabled={running} data-testid="reexecute-sample-strip-fences">
        Re-execute with the fences stripped (SandboxFusion-style)
      </Button>
    </p>
  );
}

const NO_TOKENS = "no token ids in this file; a tokenizer can compute them";

export function SampleDetail({
  data,
  datasetId,
  source,
  turn,
  tab,
  onTurn,
  onTab,
  onGroup,
  onSteps,
  tags,
  onDiff,
  onReexecute,
  reexecRunning,
  reexecError,
  metric,
  onMetric,
  onPresent,
  shareTarget,
}: {
  data: SampleResponse;
  datasetId: string;
  source: string;
  turn: number;
  tab: DetailTab;
  onTurn: (t: number) => void;
  onTab: (t: DetailTab) => void;
  onGroup: () => void;
  /** Opens "Over steps" (only for samples that carry a training step). */
  onSteps?: () => void;
  /** Turn tags for non-ReTool formats (undefined: automatic). */
  tags?: TurnTags;
  onDiff: () => void;
  /** Re-run the sample's code cells; ``` fences as written (slime's tool) unless told to strip them. */
  onReexecute: (fences?: FenceMode) => void;
  reexecRunning: boolean;
  reexecError: string | null;
  /** The heatmap's metric (from the URL). */
  metric: string | null;
  onMetric: (m: string) => void;
  onPresent: () => void;
  /** What a read-only link to this sample names. */
  shareTarget: ShareTarget;
}) {
  const s = data.sample;
  const turns: Turn[] = useMemo(() => segmentResponse(s.response, tags), [s.response, tags]);
  const { user } = useMemo(() => promptParts(s), [s]);
  const [showPrompt, setShowPrompt] = useState(false);
  const turnRefs = useRef<(HTMLDivElement | null)[]>([]);
  const current = Math.min(turn, Math.max(0, turns.length - 1));
  useEffect(() => {
    turnRefs.current[current]?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }, [current, s.row]);
  const liveByCell = new Map((data.reexec?.details ?? []).map((d) => [d.cell, d]));
  const computed = useSampleTokens(datasetId, s.row);
  const fileTokens = s.tokens && s.loss_mask ? { tokens: s.tokens, loss_mask: s.loss_mask, pieces: data.token_pieces, note: data.tokenizer_note } : null;
  const tokens = fileTokens ?? computed.value;
  // A tab chosen on another file falls back to the trajectory when this sample has no tokens.
  const shownTab: DetailTab = (tab === "tokens" && !tokens) || (tab === "agent" && !s.agent_trajectory) ? "trajectory" : tab;
  const tabs: DetailTab[] = s.agent_trajectory ? ["trajectory", "tokens", "agent", "raw"] : ["trajectory", "tokens", "raw"];
  const handoff = chatHandoff(s, current, source);
  const hasAnswer = turns.some((t) => t.segments.some((x) => x.kind === "answer"));
  const verdict = verdictOf(s, turns.length ? hasAnswer : undefined);
  const toolError = (s.flags & rowFlags.toolError) !== 0;

  return (
    <div data-testid="sample-detail" data-row={s.row} className="flex min-h-0 min-w-0 flex-1 flex-col">
      <div className="flex flex-wrap items-end gap-4 border-b border-zinc-200 bg-white px-4 py-2">
        <Field label="row / line" testId="detail-row">
          {s.row} / {s.line}
        </Field>
        {/* The same fields as the sample's list row, from the same summary: they cannot disagree. */}
        {(data.summary.step !== undefined ? [stepField, ...rowFields] : rowFields).map((f) => (
          <Field
            key={f.key}
            label={f.detailLabel ?? f.label}
            testId={f.key === "reward" ? "detail-reward" : undefined}
            valueTestId={`detail-field-${f.key}`}
            valueTitle={f.key === "group" ? groupTitle(data.summary.group, s.group_index) : undefined}
          >
            {f.render(data.summary)}
          </Field>
        ))}
        <Field label="label" testId="detail-label" title={s.label && s.label.length > 40 ? s.label.slice(0, 2000) : undefined}>
          {s.label === null ? "—" : s.label.slice(0, 200)}
        </Field>
        <div className="flex items-center gap-1 self-center">
          <Badge tone={verdictStyle[verdict].badge} data-testid="detail-verdict" data-verdict={verdict}>
            {verdictStyle[verdict].label}
          </Badge>
          {toolError && (
            <Badge tone="amber" data-testid="detail-tool-error" title="An interpreter / tool observation reports an error">
              tool error
            </Badge>
          )}
        </div>
        {data.rescore && (
          <Field label="recomputed" testId="detail-rescored">
            <span className={s.reward !== null && data.rescore.score !== s.reward ? "font-semibold text-red-700" : s.reward === null ? "text-zinc-700" : "text-green-700"}>
              {data.rescore.error ? `error: ${data.rescore.error}` : `${data.rescore.score}${data.rescore.pred !== undefined ? ` (pred ${data.rescore.pred})` : ""}`}
            </span>
          </Field>
        )}
        <div className="ml-auto flex min-w-0 flex-wrap items-center gap-1" data-testid="detail-controls">
          <span className="text-xs text-zinc-500" data-testid="detail-position">
            {data.nav.position >= 0 ? `${data.nav.position + 1} / ${data.nav.matched}` : "not in the filtered list"}
          </span>
          <Button size="sm" onClick={onGroup} data-testid="open-group" disabled={s.row < 0}>
            Group
          </Button>
          {onSteps && s.step != null && (
            <Button size="sm" onClick={onSteps} data-testid="open-steps" title="This prompt's answers at every training step">
              Over steps
            </Button>
          )}
          <Button size="sm" onClick={onDiff} data-testid="open-diff">
            Diff…
          </Button>
          <Button size="sm" onClick={() => onReexecute()} disabled={reexecRunning} data-testid="reexecute-sample">
            {reexecRunning ? <Spinner /> : null} Re-execute
          </Button>
          <a
            data-testid="export-html"
            href={`/api/datasets/${encodeURIComponent(datasetId)}/samples/${s.row}/html`}
            download
            title="This sample as one self-contained HTML file (transcript, tokens, heatmap) that opens offline: attach it to a chat message or a bug report"
            className="rounded-md border border-zinc-300 px-2 py-1 text-xs text-zinc-700 hover:bg-zinc-50"
          >
            Export HTML
          </a>
          <CopyLink />
          <ShareMenu target={shareTarget} />
          <Button size="sm" onClick={onPresent} data-testid="present-sample" title="Larger type, no editing chrome, turn by turn with the keyboard">
            Present
          </Button>
          <Link data-testid="open-in-chat" href={chatHref(handoff, datasetId)} className="rounded-md bg-indigo-600 px-2 py-1 text-xs font-medium text-white hover:bg-indigo-500">
            Open in Chat (turn {current + 1})
          </Link>
        </div>
      </div>
      {(s.problems.length > 0 || (s.flags & ~rowFlags.toolError) !== 0) && (
        <div data-testid="detail-problems" className="max-h-24 overflow-auto border-b border-red-200 bg-red-50 px-4 py-1.5 text-xs text-red-900">
          {rowFlagNames.filter((f) => f !== "toolError" && s.flags & rowFlags[f]).map((f) => (
            <Badge key={f} tone="red" className="mr-1">
              {f}
            </Badge>
          ))}
          {s.problems.map((p, i) => (
            <div key={i}>
              line {p.line}: {p.message}
            </div>
          ))}
        </div>
      )}
      {data.reexec && data.reexec.cells === 0 && (
        <div data-testid="reexec-summary" data-verdict="empty" className="border-b border-zinc-200 bg-zinc-50 px-4 py-1.5 text-xs text-zinc-700">
          Nothing to run: this sample has no code cells.
        </div>
      )}
      {data.reexec && data.reexec.cells > 0 && (
        <div data-testid="reexec-summary" className={cn("border-b px-4 py-1.5 text-xs", data.reexec.mismatches || data.reexec.errors ? "border-red-200 bg-red-50 text-red-900" : "border-green-200 bg-green-50 text-green-900")}>
          Re-executed {data.reexec.cells} code cell{data.reexec.cells === 1 ? "" : "s"}: {data.reexec.cells - data.reexec.mismatches} reproduced, {data.reexec.mismatches} mismatched
          {data.reexec.errors ? `, ${data.reexec.errors} could not run` : ""}. Compared by what the program printed.
          {(data.reexec.fenced ?? 0) > 0 && <SampleFenceNote rec={data.reexec} running={reexecRunning} onStrip={() => onReexecute("strip")} />}
        </div>
      )}
      {reexecError && <div className="border-b border-red-200 bg-red-50 px-4 py-1 text-xs text-red-800">{reexecError}</div>}
      {s.per_token && <LogprobHeatmap sample={s} pieces={data.token_pieces} metric={metric} onMetric={onMetric} />}
      <div className="flex flex-wrap items-center gap-1 border-b border-zinc-200 bg-zinc-50 px-4 pt-1 text-xs">
        {tabs.map((t) => (
          <button
            key={t}
            data-testid={`tab-${t}`}
            data-selected={shownTab === t ? "true" : undefined}
            disabled={t === "tokens" && !tokens}
            title={t === "tokens" && !tokens ? NO_TOKENS : undefined}
            onClick={() => onTab(t)}
            className={cn("rounded-t border border-b-0 px-3 py-1", shownTab === t ? "border-zinc-200 bg-white font-medium" : "border-transparent text-zinc-500", t === "tokens" && !tokens && "opacity-40")}
          >
            {t}
          </button>
        ))}
        {!tokens && (
          <span className="ml-2 flex items-center gap-2 pb-1 text-[11px] text-zinc-500">
            <span data-testid="tokens-disabled-reason">tokens: {NO_TOKENS}</span>
            <button
              type="button"
              data-testid="compute-tokens"
              disabled={computed.running}
              onClick={() => void computed.compute().then((ok) => ok && onTab("tokens"))}
              className="rounded border border-zinc-300 bg-white px-2 py-0.5 text-indigo-700 hover:bg-zinc-50 disabled:opacity-50"
            >
              {computed.running ? <Spinner /> : null} Compute token ids
            </button>
            {computed.error && <span data-testid="compute-tokens-error" className="text-red-700">{computed.error}</span>}
          </span>
        )}
      </div>
      <div className="min-h-0 min-w-0 flex-1 overflow-auto bg-white p-4">
        {shownTab === "trajectory" && (
          <div className="flex flex-col gap-3">
            <div className="rounded-md border border-zinc-200 bg-zinc-50 p-3">
              <div className="mb-1 flex items-center justify-between text-xs font-semibold uppercase text-zinc-500">
                <span>problem</span>
                <button className="font-normal normal-case text-indigo-700" onClick={() => setShowPrompt(!showPrompt)}>
                  {showPrompt ? "hide full prompt" : "show full prompt"}
                </button>
              </div>
              <div data-testid="detail-prompt">
                <MarkdownText text={user} />
              </div>
              {showPrompt && (
                <div className="mt-2 max-h-72 overflow-auto rounded bg-white p-2">
                  <LongText testId="detail-full-prompt" text={s.prompt} />
                </div>
              )}
            </div>
            {turns.length === 0 && !s.agent_trajectory && <p className="text-sm text-zinc-500">This sample has no response.</p>}
            {turns.length === 0 && s.agent_trajectory && (
              <p className="text-sm text-zinc-500">
                This agent Sample carries token ids, not decoded text: the{" "}
                <button type="button" data-testid="open-agent-tab" className="text-indigo-700 underline" onClick={() => onTab("agent")}>
                  agent
                </button>{" "}
                tab shows its session&apos;s tree and why each token is masked, the tokens tab the tokens.
              </p>
            )}
            {turns.map((t) => (
              <div
                key={t.index}
                ref={(el) => {
                  turnRefs.current[t.index] = el;
                }}
                data-testid={`turn-${t.index}`}
                data-current={t.index === current ? "true" : undefined}
                onClick={() => onTurn(t.index)}
                className={cn("flex min-w-0 flex-col gap-2 rounded-md border p-3", t.index === current ? "border-indigo-400 ring-2 ring-indigo-100" : "border-zinc-200")}
              >
                <div className="text-[10px] font-semibold uppercase text-zinc-400">turn {t.index + 1}</div>
                {t.segments.map((seg, k) => {
                  // An interpreter segment belongs to the code cell just before it.
                  const prevCode = t.segments.slice(0, k).reverse().find((x) => x.kind === "code");
                  const live = seg.kind === "interpreter" && prevCode?.cell !== undefined ? liveByCell.get(prevCode.cell) : undefined;
                  return <SegmentView key={k} segment={seg} live={live} verdict={verdict} />;
                })}
              </div>
            ))}
            {Object.keys(s.extra).length > 0 && (
              <details data-testid="extra-fields" className="rounded-md border border-zinc-200 p-2 text-xs">
                <summary className="cursor-pointer font-semibold text-zinc-600">Other fields ({Object.keys(s.extra).join(", ")})</summary>
                <div className="mt-2 max-h-96 overflow-auto">
                  <LongText text={JSON.stringify(s.extra, null, 2)} />
                </div>
              </details>
            )}
            {s.metadata !== undefined && (
              <details className="rounded-md border border-zinc-200 p-2 text-xs">
                <summary className="cursor-pointer font-semibold text-zinc-600">metadata</summary>
                <div className="mt-2 max-h-96 overflow-auto">
                  <LongText text={JSON.stringify(s.metadata, null, 2)} />
                </div>
              </details>
            )}
          </div>
        )}
        {shownTab === "tokens" && tokens && (
          <TokenView {...samplePieces({ tokens: tokens.tokens, lossMask: tokens.loss_mask, logprobs: fileTokens ? s.rollout_log_probs : undefined, texts: tokens.pieces })} source={tokens.note ?? ""} />
        )}
        {shownTab === "agent" && <AgentTrajectoryPanel sample={s} pieces={data.token_pieces} />}
        {shownTab === "raw" && (
          <div data-testid="raw-panel">
            {data.raw_truncated && <p className="mb-1 text-xs text-amber-800">Showing the first MiB of this record.</p>}
            <LongText text={prettyRaw(data.raw)} />
          </div>
        )}
      </div>
    </div>
  );
}

function prettyRaw(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}
