// "Open in Chat": the problem, label, system prompt and the assistant text up to a turn,
// carried to the Chat page as URL state. Isomorphic.
import type { NormalizedSample } from "./types";

export interface ChatHandoff {
  /** The user's question (the last user turn of a templated prompt). */
  prompt: string;
  label: string | null;
  /** The system prompt, without the "# Tools" section slime's template adds. */
  system: string | null;
  /**
   * The prompt exactly as recorded, when the sample's prompt is already rendered with a chat template
   * (slime stores it so): Chat then starts from these very tokens instead of templating it again.
   */
  prompt_text: string | null;
  /** The whole recorded response: every model turn and the observations between them. */
  assistant: string;
  /** The turn picked in Inspect (0-based): Chat keeps the recorded turns up to it and continues from there. */
  turn: number;
  source: string;
  row: number;
}

const CHATML = /<\|im_start\|>(?:(system|user|assistant|tool)\n?|(\w+)\n)([\s\S]*?)<\|im_end\|>/g;

/** The messages of a ChatML-rendered prompt (empty when it has none). */
export function chatMlMessages(text: string): { role: string; content: string }[] {
  if (!text.includes("<|im_start|>")) return [];
  return [...text.matchAll(CHATML)].map((m) => ({ role: (m[1] ?? m[2])!, content: m[3]! }));
}

/** The user problem and system prompt of a sample, from chat messages or a ChatML-rendered prompt. */
export function promptParts(s: Pick<NormalizedSample, "prompt" | "prompt_messages">): { user: string; system: string | null } {
  const msgs = s.prompt_messages ?? chatMlMessages(s.prompt);
  if (msgs.length) {
    const users = msgs.filter((m) => m.role === "user");
    return { user: users.at(-1)?.content ?? s.prompt, system: msgs.find((m) => m.role === "system")?.content ?? null };
  }
  return { user: s.prompt, system: null };
}

// slime's ReTool template appends the tool list to the system message (template.ts TOOL_TEMPLATE).
const TOOLS_SECTION = "\n# Tools\n\nYou may call one or more functions";

export function chatHandoff(s: NormalizedSample, turn: number, source: string): ChatHandoff {
  const { user, system } = promptParts(s);
  const templated = s.prompt.includes("<|im_start|>");
  // The template's system block is content + optional tools section + "\n".
  const sys = system === null ? null : (system.includes(TOOLS_SECTION) ? system.slice(0, system.indexOf(TOOLS_SECTION)) : system.replace(/\n$/, ""));
  return { prompt: user, label: s.label, system: sys, prompt_text: templated ? s.prompt : null, assistant: s.response, turn, source, row: s.row };
}

/** URL budget: Node rejects request lines above 16 KiB, so long transcripts go by reference. */
const MAX_PARAM_CHARS = 6000;

export function chatHref(h: ChatHandoff, datasetId: string): string {
  const p = new URLSearchParams();
  p.set("prompt", h.prompt.slice(0, MAX_PARAM_CHARS));
  if (h.label !== null) p.set("label", h.label.slice(0, 2000));
  if (h.system) p.set("system", h.system.slice(0, 2000));
  // A templated prompt goes by reference too: Chat fetches it whole, so its tokens stay the same.
  if (h.prompt_text === null && h.assistant.length <= MAX_PARAM_CHARS) {
    p.set("assistant", h.assistant);
    p.set("turn", String(h.turn));
  }
  // The full sample stays reachable: GET /api/datasets/<id>/samples/<row>/chat?turn=<turn>.
  p.set("inspect", `${datasetId}:${h.row}:${h.turn}`);
  p.set("inspect_file", h.source);
  return `/chat?${p.toString()}`;
}
