"use client";
import { tokenView } from "@/app/(playground)/chat/actions";
import { useResult } from "@/components/ui/use-result";
import { TokenView } from "./token-view";

/** A Chat run's tokens, fetched from the server (decoded with the run's tokenizer). */
export function RunTokenView({ sessionId, runId, version }: { sessionId: string; runId: string; version: string }) {
  const { value: data, error } = useResult(() => tokenView({ session_id: sessionId, run_id: runId }), [sessionId, runId, version]);
  if (error) return <p className="text-sm text-red-700">{error}</p>;
  if (!data) return <p className="text-sm text-zinc-500">Loading tokens…</p>;
  return <TokenView pieces={data.tokens} source={data.exact ? `Tokens from ${data.source}` : "Approximate: no tokenizer, so spans of text stand in for tokens."} />;
}
