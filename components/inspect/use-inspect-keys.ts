"use client";
import { useCallback, useEffect, useRef } from "react";
import type { SampleResponse } from "./api";
import type { InspectUrlState, InspectUrlUpdate } from "./use-inspect-url";

/** The key went to a text field (or a select): the page's shortcuts leave it alone. */
export function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
}

/**
 * Keyboard: j/k next/previous sample in list order, arrows between turns, g the group view,
 * Escape leaves the group or diff view. In the group view the arrows belong to the card strip.
 * j/k pressed faster than samples load are queued, not dropped: each press moves one row once the
 * sample it starts from has arrived (only the open sample knows its neighbours in the list order).
 */
export function useInspectKeys(nav: { sample: SampleResponse | null; firstRow: number | null; turn: number; turnCount: number; view: InspectUrlState["view"]; requested: number | null }, setUrl: (update: InspectUrlUpdate) => void): void {
  const navRef = useRef(nav);
  navRef.current = nav;
  /** Presses not yet applied: + for j, − for k. */
  const queued = useRef(0);

  /** The row the last queued move asked for, until it has loaded, and the row it left. */
  const waitingFor = useRef<number | null>(null);
  const leftRow = useRef<number | null>(null);

  const step = useCallback(() => {
    const n = navRef.current;
    if (waitingFor.current !== null) {
      // Someone opened another row meanwhile (a click, Back): forget the queue.
      if (n.requested !== waitingFor.current && n.requested !== leftRow.current) {
        waitingFor.current = null;
        queued.current = 0;
        return;
      }
      // Wait until it has loaded: its nav holds the next neighbour.
      if (n.sample?.sample.row !== waitingFor.current) return;
      waitingFor.current = null;
    }
    if (queued.current === 0) return;
    if (n.sample && n.requested !== null && n.sample.sample.row !== n.requested) return;
    const down = queued.current > 0;
    const target = !n.sample ? n.firstRow : down ? n.sample.nav.next : n.sample.nav.prev;
    if (target === null || target === undefined) {
      queued.current = 0; // the end of the list
      return;
    }
    queued.current += down ? -1 : 1;
    waitingFor.current = target;
    leftRow.current = n.requested;
    setUrl({ sample: target, turn: 0 });
  }, [setUrl]);

  const loadedRow = nav.sample?.sample.row ?? null;
  useEffect(() => step(), [loadedRow, step]);

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
        queued.current += e.key === "j" ? 1 : -1;
        step();
      } else if (e.key === "g" && n.sample && n.sample.sample.row >= 0) {
        e.preventDefault();
        setUrl({ view: n.view === "group" ? "sample" : "group" });
      } else if (n.sample && (e.key === "ArrowRight" || e.key === "ArrowDown")) {
        e.preventDefault();
        // Step from the live turn: held or repeated keys outrun the rendered one.
        setUrl((c) => ({ turn: Math.min(n.turnCount - 1, c.turn + 1) }));
      } else if (n.sample && (e.key === "ArrowLeft" || e.key === "ArrowUp")) {
        e.preventDefault();
        setUrl((c) => ({ turn: Math.max(0, c.turn - 1) }));
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [setUrl, step]);
}
