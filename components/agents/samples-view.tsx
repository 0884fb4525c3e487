"use client";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import type { SampleRow } from "@/lib/service/agent-proxy/view-types";
import { TokenPanel } from "./token-panel";

// The Samples slime will train on (a preview until the session is finished), and each one's tokens
// with every mask explained.

export function SamplesView({ sid, samples, final }: { sid: string; samples: SampleRow[]; final: boolean }) {
  const [open, setOpen] = useState<number | null>(samples.length ? 0 : null);
  if (!samples.length) return <p className="text-xs text-zinc-500">No Samples{final ? "" : " yet (a session trains once a turn is recorded)"}.</p>;
  return (
    <div className="flex flex-col gap-2 text-xs">
      {!final && <p className="text-zinc-500">Preview: what finish would give now (reward 0 until the session is finished).</p>}
      <ul className="flex flex-col gap-1" data-testid="agent-samples">
        {samples.map((s) => (
          <li key={s.index}>
            <button
              data-testid="agent-sample"
              data-sample={s.index}
              onClick={() => setOpen(open === s.index ? null : s.index)}
              className={cn("flex w-full flex-wrap items-center gap-1.5 rounded-md px-2 py-1 text-left ring-1", open === s.index ? "bg-indigo-50 ring-indigo-300" : "bg-white ring-zinc-200")}
            >
              <span className="font-semibold">Sample {s.index}</span>
              <span>
                {s.tokens} tokens · response {s.response_length} · trained {s.trained}
              </span>
              <span>turns {s.turn_indices.join(", ")}</span>
              <span>reward {JSON.stringify(s.reward)}</span>
              {Boolean(s.metadata.truncated) && <Badge tone="amber">truncated</Badge>}
              {Boolean(s.metadata.use_tool) && <Badge tone="blue">use_tool</Badge>}
              {Boolean(s.metadata.ill_formed) && <Badge tone="red">ill_formed</Badge>}
              {s.forked_by && <Badge tone="red">forked by drift at {s.forked_by.at}</Badge>}
              {s.realigns.length > 0 && <Badge tone="amber">{s.realigns.length} healed</Badge>}
            </button>
          </li>
        ))}
      </ul>
      {open !== null && <TokenPanel key={`${open}-${final}`} url={`/api/agents/${encodeURIComponent(sid)}/samples/${open}`} legend />}
    </div>
  );
}
