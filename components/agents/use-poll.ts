"use client";
import { useEffect, useRef, useState } from "react";
import { readErrorEnvelope } from "@/lib/errors";

/**
 * Polls a JSON URL every `ms` while the tab is visible; `merge` may keep the previous value (an
 * `{unchanged: true}` answer). One request at a time, so a slow answer never piles up.
 */
export function usePoll<T>(
  url: string | null,
  ms: number,
  merge: (prev: T | null, next: unknown) => T,
  /** The URL of the next poll given what the page has (e.g. `?since=`). */
  next?: (url: string, prev: T | null) => string,
): { value: T | null; error: string | null; refresh: () => void } {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const valueRef = useRef<T | null>(null);
  useEffect(() => {
    valueRef.current = null;
    setValue(null);
    setError(null);
  }, [url]);
  useEffect(() => {
    if (!url) return;
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const res = await fetch(next ? next(url, valueRef.current) : url, { cache: "no-store" });
        if (!res.ok) {
          const e = await readErrorEnvelope(res);
          if (alive) setError(e.message);
        } else {
          const body: unknown = await res.json();
          if (!alive) return;
          const next = merge(valueRef.current, body);
          valueRef.current = next;
          setValue(next);
          setError(null);
        }
      } catch (e) {
        if (alive) setError((e as Error).message);
      }
      if (alive) timer = setTimeout(() => void (document.hidden ? (timer = setTimeout(load, ms)) : load()), ms);
    };
    void load();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
    // merge is stable per caller (a module-level function)
  }, [url, ms, tick]);
  return { value, error, refresh: () => setTick((t) => t + 1) };
}
