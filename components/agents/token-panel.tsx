"use client";
import { useEffect, useState } from "react";
import { TokenView } from "@/components/tokens/token-view";
import { readErrorEnvelope } from "@/lib/errors";
import type { TokenViewData } from "@/lib/service/agent-proxy/view-types";

/** Fetches one token view (a turn's or a Sample's) and draws it with the shared TokenView. */
export function TokenPanel({ url, legend }: { url: string; legend?: boolean }) {
  const [data, setData] = useState<TokenViewData | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    void (async () => {
      const res = await fetch(url, { cache: "no-store" });
      if (!alive) return;
      if (!res.ok) setError((await readErrorEnvelope(res)).message);
      else setData((await res.json()) as TokenViewData);
    })();
    return () => {
      alive = false;
    };
  }, [url]);
  if (error) return <p className="text-xs text-red-700">{error}</p>;
  if (!data) return <p className="text-xs text-zinc-500">Loading tokens…</p>;
  const notes = new Map<string, number>();
  for (const p of data.pieces) if (p.note) notes.set(p.note, (notes.get(p.note) ?? 0) + 1);
  const marks = data.pieces.filter((p) => p.mark);
  return (
    <div className="flex flex-col gap-1" data-testid="agent-token-panel">
      {legend && notes.size > 0 && (
        <p className="text-xs text-zinc-700" data-testid="token-legend">
          {[...notes].map(([n, c]) => `${n} ${c}`).join(" · ")}
        </p>
      )}
      {marks.map((p, i) => (
        <p key={i} className="text-xs text-red-800">
          ▍{p.mark}
        </p>
      ))}
      {data.offset > 0 && <p className="text-xs text-zinc-500">The first {data.offset} prompt tokens are the earlier turns' (unchanged); shown from just before the boundary.</p>}
      <TokenView pieces={data.pieces} source={data.source} />
    </div>
  );
}
