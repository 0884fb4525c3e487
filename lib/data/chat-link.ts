// "Open in Chat": the problem, label, system prompt and the assistant text up to a turn,
// carried to the Chat page as URL state. Isomorphic.
import { responseUpToTurn } from "./segments";
import type { NormalizedSample } from "./types";

export interface ChatHandoff {
  prompt: string;
  label: string | null;
  system: string | null;
  /** Assistant text (model turns and the observations between them) up to and including the turn. */
  assistant: string;
  turn: number;
  source: string;
  row: number;
}

const CHATML = /<\|im_start\|>(\w+)\n([\s\S]*?)<\|im_end\|>/g;

/** The user problem and system prompt of a sample, from chat messages or a ChatML-rendered prompt. */
export function promptParts(s: Pick<NormalizedSample, "prompt" | "prompt_messages">): { user: string; system: string | null } {
  const msgs = s.prompt_messages ?? [...s.prompt.matchAll(CHATML)].map((m) => ({ role: m[1]!, content: m[2]! }));
  if (msgs.length) {
    const users = msgs.filter((m) => m.role === "user");
    return { user: users.at(-1)?.content ?? s.prompt, system: msgs.find((m) => m.role === "system")?.content ?? null };
  }
  return { user: s.prompt, system: null };
}

export function chatHandoff(s: NormalizedSample, turn: number, source: string): ChatHandoff {
  const { user, system } = promptParts(s);
  return { prompt: user, label: s.label, system, assistant: responseUpToTurn(s.response, turn), turn, source, row: s.row };
}

/** URL budget: Node rejects request lines above 16 KiB, so long transcripts go by reference. */
const MAX_PARAM_CHARS = 6000;

export function chatHref(h: ChatHandoff, datasetId: string): string {
  const p = new URLSearchParams();
  p.set("prompt", h.prompt.slice(0, MAX_PARAM_CHARS));
  if (h.label !== null) p.set("label", h.label.slice(0, 2000));
  if (h.system) p.set("system", h.system.slice(0, 2000));
  if (h.assistant.length <= MAX_PARAM_CHARS) p.set("assistant", h.assistant);
  // The full sample stays reachable: GET /api/datasets/<id>/samples/<row>/chat?turn=<turn>.
  p.set("inspect", `${datasetId}:${h.row}:${h.turn}`);
  p.set("inspect_file", h.source);
  return `/chat?${p.toString()}`;
}
