"use client";

import { useEffect, useRef, useState } from "react";
import { readNdjson } from "@/lib/http/read-ndjson";
import { trafficFilterParams, type TrafficFilter, type TrafficRow, type TrafficStreamEvent } from "@/lib/traffic/filter";
import { mergeNewestFirst } from "@/lib/traffic/order";
import type { TrafficStats } from "@/lib/traffic/types";

/** The table keeps this many rows (the newest). */
export const MAX_ROWS = 5000;

export interface TrafficStream {
  /** Newest request first (by start time). */
  rows: TrafficRow[];
  stats: TrafficStats | null;
  /** Matching calls in the server's buffer when the stream (re)started, plus those since. */
  total: number;
  recording: "on" | "memory" | "off" | null;
  connected: boolean;
  error: string | null;
  /** Calls that arrived while paused (shown on resume). */
  held: number;
}

/**
 * The live feed for one filter: a snapshot, then new rows. While paused, rows are held (the table
 * stands still) and counted; resume shows them. A dropped connection reconnects after a second.
 */
export function useTrafficStream(filter: TrafficFilter, paused: boolean): TrafficStream {
  const [rows, setRows] = useState<TrafficRow[]>([]);
  const [stats, setStats] = useState<TrafficStats | null>(null);
  const [total, setTotal] = useState(0);
  const [recording, setRecording] = useState<TrafficStream["recording"]>(null);
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [held, setHeld] = useState(0);
  const pausedRef = useRef(paused);
  const heldRows = useRef<TrafficRow[]>([]);
  const query = trafficFilterParams(filter).toString();

  // Into their place by start time (a slow call finishes after quicker later ones).
  const prepend = (incoming: TrafficRow[]) => {
    if (!incoming.length) return;
    setRows((old) => mergeNewestFirst(old, incoming, MAX_ROWS));
  };

  useEffect(() => {
    pausedRef.current = paused;
    if (!paused && heldRows.current.length) {
      prepend(heldRows.current);
      heldRows.current = [];
      setHeld(0);
    }
  }, [paused]);

  useEffect(() => {
    const ctl = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    heldRows.current = [];
    setHeld(0);
    const connect = async () => {
      try {
        const res = await fetch(`/api/traffic/stream?${query}`, { signal: ctl.signal, cache: "no-store" });
        if (!res.ok) throw new Error(`The traffic stream answered HTTP ${res.status}.`);
        setConnected(true);
        setError(null);
        for await (const raw of readNdjson(res)) {
          const e = raw as TrafficStreamEvent;
          if (e.type === "snapshot") {
            setRows(mergeNewestFirst([], e.rows, MAX_ROWS));
            setTotal(e.total);
            setRecording(e.recording);
          } else if (e.type === "rows") {
            setTotal((t) => t + e.rows.length);
            if (pausedRef.current) {
              heldRows.current.push(...e.rows);
              if (heldRows.current.length > MAX_ROWS) heldRows.current.splice(0, heldRows.current.length - MAX_ROWS);
              setHeld((h) => h + e.rows.length);
            } else prepend(e.rows);
          } else if (e.type === "stats") setStats(e.stats);
          else if (e.type === "error") setError(e.message);
        }
      } catch (e) {
        if (ctl.signal.aborted) return;
        setError(e instanceof Error ? e.message : String(e));
      }
      if (ctl.signal.aborted) return;
      setConnected(false);
      retry = setTimeout(() => void connect(), 1000);
    };
    void connect();
    return () => {
      ctl.abort();
      if (retry) clearTimeout(retry);
      setConnected(false);
    };
  }, [query]);

  return { rows, stats, total, recording, connected, error, held };
}
