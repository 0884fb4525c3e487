"use client";
import { useEffect, useState } from "react";
import { tokenView } from "@/app/(playground)/chat/actions";
import type { TokenView as TokenViewData } from "@/app/(playground)/chat/schema";
import { TokenView } from "./token-view";

/** A Chat run's tokens, fetched from the server (decoded with the run's tokenizer). */
export function RunTokenView({ sessionId, runId, version }: { sessionId: string; runId: string; version: string }) {
  const [data, setData] = useState<TokenViewData | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    void tokenView({ session_id: sessionId, run_id: runId }).then((r) => {
      if (!alive) return;
      if (r.ok) {
        setData(r.value);
        setError(null);
      } else setError(r.error.message);
    });
    return () => {
      alive = false;
    };
  }, [sessionId, runId, version]);

  if (error) return <p className="text-sm text-red-700">{error}</p>;
  if (!data) return <p className="text-sm text-zinc-500">Loading tokens…</p>;
  return <TokenView pieces={data.tokens} source={data.exact ? `Tokens from ${data.source}` : "Approximate: no tokenizer, so spans of text stand in for tokens."} />;
}
