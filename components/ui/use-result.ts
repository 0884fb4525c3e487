"use client";
import { useEffect, useState } from "react";
import type { Result } from "@/lib/result";

/** Loads a Result (a server action's answer) whenever `deps` change; stale answers are dropped. */
export function useResult<T>(load: () => Promise<Result<T>>, deps: readonly unknown[]): { value: T | null; error: string | null } {
  const [state, setState] = useState<{ value: T | null; error: string | null }>({ value: null, error: null });
  useEffect(() => {
    let alive = true;
    void load().then((r) => {
      if (alive) setState(r.ok ? { value: r.value, error: null } : { value: null, error: r.error.message });
    });
    return () => {
      alive = false;
    };
    // The caller names what the load depends on (the closure itself changes every render).
  }, deps);
  return state;
}
