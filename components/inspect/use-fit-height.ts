"use client";
import { useLayoutEffect, useRef, useState } from "react";

/**
 * The shell lets pages grow (min-h-screen); the list must scroll inside a bounded box or the
 * virtualization would see the whole list as visible. Fill the viewport between the shell's
 * header and status bar.
 */
export function useFitHeight<T extends HTMLElement>(deps: unknown): [React.RefObject<T | null>, number | null] {
  const ref = useRef<T>(null);
  const [height, setHeight] = useState<number | null>(null);
  useLayoutEffect(() => {
    const fit = () => {
      const el = ref.current;
      if (!el) return;
      const top = el.getBoundingClientRect().top + window.scrollY;
      const footer = el.closest("main")?.nextElementSibling?.getBoundingClientRect().height ?? 0;
      setHeight(Math.max(320, window.innerHeight - top - footer));
    };
    fit();
    window.addEventListener("resize", fit);
    return () => window.removeEventListener("resize", fit);
  }, [deps]);
  return [ref, height];
}
