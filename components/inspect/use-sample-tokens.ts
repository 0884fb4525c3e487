"use client";
import { useEffect, useState } from "react";
import { sampleTokens } from "@/app/(playground)/inspect/actions";
import type { SampleTokens } from "@/lib/data/sample-tokens";

/** Token ids computed on request by the server's tokenizer, for a sample whose file has none. */
export function useSampleTokens(datasetId: string, row: number): { value: SampleTokens | null; running: boolean; error: string | null; compute: () => Promise<boolean> } {
  const [state, setState] = useState<{ key: string; value: SampleTokens | null; running: boolean; error: string | null }>({ key: "", value: null, running: false, error: null });
  const key = `${datasetId}:${row}`;
  useEffect(() => setState({ key, value: null, running: false, error: null }), [key]);
  async function compute(): Promise<boolean> {
    setState({ key, value: null, running: true, error: null });
    const r = await sampleTokens({ dataset_id: datasetId, row }).catch(() => null);
    if (!r) {
      setState({ key, value: null, running: false, error: "The server could not be reached." });
      return false;
    }
    setState({ key, value: r.ok ? r.value : null, running: false, error: r.ok ? null : r.error.message });
    return r.ok;
  }
  const current = state.key === key ? state : { value: null, running: false, error: null };
  return { value: current.value, running: current.running, error: current.error, compute };
}
