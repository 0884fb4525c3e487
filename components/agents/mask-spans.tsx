"use client";
import { useState } from "react";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { tokenKindLabel, tokenKinds, type DriftEvent, type TokenKind, type TokenSpan } from "@/lib/agent/trajectory";

// Why each token of a Sample has the loss mask it has, run by run: the stripped prompt, tool
// output and other context (loss 0), what trains (loss 1), a turn another leaf already trained,
// and a response span re-taken from the prompt after re-tokenization drift.

export const tokenKindTone: Record<TokenKind, BadgeTone> = {
  prompt: "zinc",
  tool_output: "blue",
  trained: "green",
  context: "amber",
  healed: "red",
};

export const tokenKindHelp: Record<TokenKind, string> = {
  prompt: "prompt: the first turn's prompt is stripped from the loss mask; a later user message is context (loss 0)",
  tool_output: "tool output and the template around it, appended before the next response (loss 0)",
  trained: "the model's own sampled tokens with their logprobs (loss 1)",
  context: "a response another leaf of this session already trains: re-emitted here as context (loss 0)",
  healed: "the previous response re-tokenized differently in the next prompt: re-taken from the prompt as context (loss 0)",
};

const MAX_SPANS = 200;
const TEXT_CHARS = 600;

export function MaskSpans({
  spans,
  tokens,
  pieces,
  forkedBy,
  realigns = [],
}: {
  spans: TokenSpan[];
  tokens: number[];
  /** Text of each token when a tokenizer decoded them; ids otherwise. */
  pieces?: string[] | null;
  forkedBy?: DriftEvent | null;
  realigns?: DriftEvent[];
}) {
  const [all, setAll] = useState(false);
  const counts = Object.fromEntries(tokenKinds.map((k) => [k, 0])) as Record<TokenKind, number>;
  for (const s of spans) counts[s.kind] += s.end - s.start;
  const shown = all ? spans : spans.slice(0, MAX_SPANS);
  const textOf = (s: TokenSpan) => {
    const t = pieces ? pieces.slice(s.start, s.end).join("") : tokens.slice(s.start, s.end).join(" ");
    return t.length > TEXT_CHARS ? `${t.slice(0, TEXT_CHARS)}… (${(t.length - TEXT_CHARS).toLocaleString()} more characters)` : t;
  };
  return (
    <div data-testid="mask-spans" className="flex min-w-0 flex-col gap-2 text-xs">
      <div className="flex flex-wrap items-center gap-1.5">
        {tokenKinds.map((k) => (
          <Badge key={k} tone={tokenKindTone[k]} title={tokenKindHelp[k]} data-testid={`mask-count-${k}`} className={counts[k] ? undefined : "opacity-40"}>
            {tokenKindLabel[k]}: {counts[k].toLocaleString()}
          </Badge>
        ))}
      </div>
      {forkedBy && (
        <p data-testid="forked-by" className="rounded border border-red-200 bg-red-50 px-2 py-1 text-red-900">
          This Sample starts at a drift fork: turn {forkedBy.turn_index}&apos;s prompt matched only the first {forkedBy.at} of the {forkedBy.held} tokens the previous
          Sample held, so its whole prompt is context here.
        </p>
      )}
      {realigns.map((r, i) => (
        <p key={i} className="rounded border border-zinc-200 bg-zinc-50 px-2 py-1 text-zinc-700">
          Healed before turn {r.turn_index}: the prompt left the held tokens at {r.at} (inside the response starting at {r.response_start}); that response is context
          now.
        </p>
      ))}
      <ol className="flex min-w-0 flex-col divide-y divide-zinc-100 rounded border border-zinc-200">
        {shown.map((s) => (
          <li key={s.start} data-testid="mask-span" data-kind={s.kind} className="flex min-w-0 items-start gap-2 px-2 py-1">
            <Badge tone={tokenKindTone[s.kind]} title={tokenKindHelp[s.kind]} className="w-40 shrink-0 justify-center">
              {tokenKindLabel[s.kind]}
            </Badge>
            <span className="w-36 shrink-0 font-mono text-zinc-500" title="token positions in the Sample's tokens [start, end)">
              [{s.start}, {s.end}) {s.turn_index !== null ? `turn ${s.turn_index}` : ""}
            </span>
            <pre className="min-w-0 flex-1 whitespace-pre-wrap break-all font-mono text-[11px] leading-4 text-zinc-800">{textOf(s)}</pre>
          </li>
        ))}
      </ol>
      {spans.length > shown.length && (
        <button type="button" className="self-start rounded border border-zinc-300 px-2 py-0.5 text-indigo-700" onClick={() => setAll(true)}>
          show all {spans.length} runs
        </button>
      )}
    </div>
  );
}
