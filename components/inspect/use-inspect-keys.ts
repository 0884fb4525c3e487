"use client";
import { useEffect, useRef } from "react";
import type { SampleResponse } from "./api";
import type { InspectUrlState } from "./use-inspect-url";

/** The key went to a text field (or a select): the page's shortcuts leave it alone. */
export function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
}

/**
 * Keyboard: j/k next/previous sample in list order, arrows between turns, Escape leaves the
 * group or diff view. In the group view the arrows belong to the card strip.
 */
export function useInspectKeys(nav: { sample: SampleResponse | null; firstRow: number | null; turn: number; turnCount: number; view: InspectUrlState["view"] }, setUrl: (patch: Partial<InspectUrlState>) => void): void {
  const navRef = useRef(nav);
  navRef.current = nav;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e) || e.metaKey || e.ctrlKey || e.altKey) return;
      const n = navRef.current;
      if (e.key === "Escape" && n.view !== "sample") {
        e.preventDefault();
        setUrl({ view: "sample", other: null });
        return;
      }
      if (n.view !== "sample" && e.key.startsWith("Arrow")) return;
      if (e.key === "j" || e.key === "k") {
        e.preventDefault();
        const target = !n.sample ? n.firstRow : e.key === "j" ? n.sample.nav.next : n.sample.nav.prev;
        if (target !== null && target !== undefined) setUrl({ sample: target, turn: 0 });
      } else if (n.sample && (e.key === "ArrowRight" || e.key === "ArrowDown")) {
        e.preventDefault();
        setUrl({ turn: Math.min(n.turnCount - 1, n.turn + 1) });
      } else if (n.sample && (e.key === "ArrowLeft" || e.key === "ArrowUp")) {
        e.preventDefault();
        setUrl({ turn: Math.max(0, n.turn - 1) });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [setUrl]);
}
