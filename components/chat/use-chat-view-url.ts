"use client";
import { useSearchParams } from "next/navigation";
import { useCallback, useState } from "react";
import type { RunViewMode } from "./run-header";

// The Chat page's view state a person would share: which view of the run (transcript, raw text,
// tokens) and presenting mode with its turn. Kept in the URL beside session and run.

const views: readonly RunViewMode[] = ["transcript", "raw", "tokens"];

export interface ChatViewState {
  view: RunViewMode;
  present: boolean;
  turn: number;
}

function write(s: ChatViewState): void {
  const u = new URL(window.location.href);
  if (s.view === "transcript") u.searchParams.delete("view");
  else u.searchParams.set("view", s.view);
  if (s.present) {
    u.searchParams.set("present", "1");
    u.searchParams.set("turn", String(s.turn));
  } else {
    u.searchParams.delete("present");
    u.searchParams.delete("turn");
  }
  window.history.replaceState(window.history.state, "", u.toString());
}

export function useChatViewUrl(): [ChatViewState, (patch: Partial<ChatViewState>) => void] {
  const params = useSearchParams();
  const [state, setState] = useState<ChatViewState>(() => {
    const v = params.get("view");
    const turn = Number(params.get("turn") ?? 0);
    return {
      view: views.includes(v as RunViewMode) ? (v as RunViewMode) : "transcript",
      present: params.get("present") === "1",
      turn: Number.isInteger(turn) && turn >= 0 ? turn : 0,
    };
  });
  const update = useCallback((patch: Partial<ChatViewState>) => {
    setState((s) => {
      const next = { ...s, ...patch };
      write(next);
      return next;
    });
  }, []);
  return [state, update];
}
