// Shapes shared by the Inspect server code and the browser. No Node APIs here.
import { z } from "zod";
import type { FenceMode } from "./code-fences";
import type { ToolResult } from "@/lib/sandbox/types";
import type { GroupAdvantages } from "./grpo";
import type { AgentTrajectoryInfo } from "@/lib/agent/trajectory/export";

export const datasetFormats = ["slime", "chat", "verl", "prompt_label", "raw"] as const;
export const datasetFormatSchema = z.enum(datasetFormats);
export type DatasetFormat = z.infer<typeof datasetFormatSchema>;

export const formatLabels: Record<DatasetFormat, string> = {
  slime: "slime rollout samples",
  chat: "chat messages (SFT / OpenAI tool calls)",
  verl: "verl generation dump",
  prompt_label: "prompt / label dataset",
  raw: "unknown (raw fields)",
};

/** slime's torch.save dumps (and plain pickles of its samples). */
export const dumpExtensions = [".pt", ".pth", ".pkl", ".pickle"] as const;
/** What Inspect opens, by upload or from the data dir: JSON Lines, JSON, Parquet and dumps. */
export const datasetExtensions = [".jsonl", ".ndjson", ".json", ".parquet", ...dumpExtensions] as const;
export const hasDatasetExtension = (name: string) => datasetExtensions.some((e) => name.toLowerCase().endsWith(e));

// "pt": a torch.save dump (slime); "folder": a folder of dumps or of verl {step}.jsonl files.
export const containerKinds = ["jsonl", "json_array", "parquet", "pt", "folder"] as const;
export type ContainerKind = (typeof containerKinds)[number];

/** A non-finite number by the name Python's json writes it (JSON itself has none, so they travel as names). */
export type NonFiniteName = "NaN" | "Infinity" | "-Infinity";
export function nonFiniteName(x: number): NonFiniteName | null {
  return Number.isNaN(x) ? "NaN" : x === Infinity ? "Infinity" : x === -Infinity ? "-Infinity" : null;
}

/** Per-row error bits kept in the compact summary. */
export const rowFlags = {
  malformed: 1, // not valid JSON
  badUtf8: 2, // invalid UTF-8 bytes (decoded with replacement characters)
  tooLarge: 4, // line above the size limit: not parsed
  wrongTypes: 8, // a known field has the wrong type
  toolError: 16, // an interpreter/tool observation reports an error
  notObject: 32, // a JSON value that is not an object
  nonFiniteReward: 64, // reward NaN or ±Infinity (Python's json writes them): slime's group advantages all go NaN
  badToolCall: 128, // a chat tool call whose arguments are not JSON, or that no tool message answers
} as const;
export type RowFlagName = keyof typeof rowFlags;
export const rowFlagNames = Object.keys(rowFlags) as RowFlagName[];
export const errorFlagMask = Object.values(rowFlags).reduce((a, b) => a | b, 0);

export const problemKinds = ["malformed_json", "invalid_utf8", "line_too_large", "wrong_type", "not_object", "read_error", "nonfinite_reward", "bad_tool_call"] as const;
export type ProblemKind = (typeof problemKinds)[number];

/** A reportable defect in the input, always with its 1-based line number. */
export interface Problem {
  line: number;
  row: number;
  kind: ProblemKind;
  message: string;
  field?: string;
}

/** One row of the list. Numbers are null when the field is absent. */
export interface RowSummary {
  row: number;
  line: number;
  index: number | null;
  group: number;
  status: string | null;
  reward: number | null;
  /** The reward when it is not a finite number (JSON has no NaN; Python's json writes it). */
  reward_nonfinite?: NonFiniteName;
  acc: boolean | null;
  tool_calls: number | null;
  response_length: number | null;
  /** response_length counts characters, not tokens (no token count in the row). */
  length_in_chars: boolean;
  flags: number;
  rescored: number | null;
  rescored_acc: boolean | null;
  reexec: ReexecState;
  preview: string;
  /** Train dumps: max / mean |log_probs − rollout_log_probs| over the loss-masked tokens (null: not a train dump). */
  lp_max?: number | null;
  lp_mean?: number | null;
  /** The training step (a step folder, a slime dump's rollout id); absent when the row has none. */
  step?: number;
}

// "empty": re-executed, but the sample has no code cells (nothing to run).
export const reexecStates = ["none", "match", "mismatch", "error", "empty"] as const;
export type ReexecState = (typeof reexecStates)[number];

export interface ChatMessage {
  role: string;
  content: string;
  tool_calls?: { id?: string; name: string; arguments: string }[];
  tool_call_id?: string;
  name?: string;
}

/** Per-token arrays a slime train dump carries (over the response tokens). */
export const perTokenKeys = ["log_probs", "rollout_log_probs", "ref_log_probs", "advantages", "returns", "kl", "entropy", "values"] as const;
export type PerTokenKey = (typeof perTokenKeys)[number];
export type PerTokenValues = Partial<Record<PerTokenKey, number[]>>;

/** A sample in one shape, whatever file format it came from. */
export interface NormalizedSample {
  row: number;
  line: number;
  format: DatasetFormat;
  index: number | null;
  group_index: number | null;
  /** The prompt as text (a chat prompt is rendered role by role). */
  prompt: string;
  prompt_messages?: ChatMessage[];
  response: string;
  /** Chat-format conversations keep their messages. */
  messages?: ChatMessage[];
  label: string | null;
  /** null when absent or not finite (then `reward_nonfinite` names it). */
  reward: number | null;
  reward_nonfinite?: NonFiniteName;
  reward_raw?: unknown;
  acc: boolean | null;
  pred?: string | null;
  status: string | null;
  tool_call_count: number | null;
  response_length: number | null;
  tokens?: number[];
  loss_mask?: number[];
  rollout_log_probs?: number[];
  /** Train-dump values per response token (slime --save-debug-train-data), where present. */
  per_token?: PerTokenValues;
  /** An agent session's Sample (lib/agent/trajectory/export.ts): its provenance and the session's tree. */
  agent_trajectory?: AgentTrajectoryInfo;
  /** The training step: slime's dump rollout_id, verl's step. */
  step?: number | null;
  metadata?: unknown;
  /** Fields this format does not know about. */
  extra: Record<string, unknown>;
  problems: Problem[];
  flags: number;
}

export const segmentKinds = ["text", "code", "interpreter", "answer", "user", "system"] as const;
export type SegmentKind = (typeof segmentKinds)[number];
export interface Segment {
  kind: SegmentKind;
  text: string;
  /** For code: the language (python, or the tool name for tool calls). */
  lang?: string;
  /** For code: index of the code cell in the sample (0-based). */
  cell?: number;
}
/** One model turn and the observation that followed it. */
export interface Turn {
  index: number;
  segments: Segment[];
}

export interface CodeCell {
  cell: number;
  turn: number;
  code: string;
  /** The recorded observation text between <interpreter> tags, null when none followed. */
  recorded: string | null;
}

export interface DatasetInfo {
  id: string;
  name: string;
  /** Path relative to the data dir, or `upload:<id>/<name>`. */
  source: string;
  container: ContainerKind;
  format: DatasetFormat;
  detected: DatasetFormat;
  detection_reasons: string[];
  size_bytes: number;
  /** Rows listed so far (summarized, filterable). */
  rows: number;
  /** Rows in the file: known from the byte scan before every row is listed; null until known. */
  rows_found: number | null;
  indexing: boolean;
  bytes_done: number;
  index_ms: number | null;
  problems: number;
  problem_counts: Partial<Record<ProblemKind, number>>;
  statuses: string[];
  groups: number;
  has_tokens: boolean;
  fields: string[];
  rescore: { reward_type: string; done: number; disagreements: number } | null;
  reexec: { done: number; mismatches: number; errors: number } | null;
  error: string | null;
}

export interface RowsPage {
  total: number;
  matched: number;
  offset: number;
  rows: RowSummary[];
  indexing: boolean;
  search: { pattern: string; ms: number } | null;
  error: string | null;
}

export interface GroupSummary {
  group: number;
  rows: number[];
  mean_reward: number | null;
  pass_rate: number | null;
  samples: NormalizedSample[];
  /** GRPO advantage per row of `rows` (grpo.ts), with the trainer's convention for this format. */
  grpo?: GroupAdvantages;
}

/** What a set of rows adds up to (one prompt's answers at a step, or the whole step). */
export interface StepStats {
  rows: number;
  /** Rows with a finite reward: the only ones the mean counts. */
  scored: number;
  /** Rows with no reward (null or absent): not in the mean, counted here. */
  unscored: number;
  /** Rows whose reward is NaN or ±Infinity: not in the mean, counted here. */
  nonfinite: number;
  mean_reward: number | null;
  /** Answers judged right (acc, else reward > 0), of those that could be judged. */
  passed: number;
  judged: number;
  mean_length: number | null;
  /** Some lengths are characters (no token count recorded). */
  length_in_chars: boolean;
  /** Train dumps: mean per-token entropy, and mean |log_probs − rollout_log_probs| (null: not recorded). */
  mean_entropy: number | null;
  mean_lp: number | null;
}

/** One prompt followed across training steps (a folder of verl step files or slime dumps). */
export interface PromptSteps {
  prompt: string;
  label: string | null;
  /** The row the view was opened from. */
  row: number;
  steps: {
    step: number | null;
    group: number;
    rows: number[];
    /** Mean over every scored row of this prompt at this step (not only the samples shown). */
    mean_reward: number | null;
    /** This prompt's answers at this step. */
    stats: StepStats;
    /** Every answer at this step (all prompts), with how many prompts were judged and passed at least once. */
    all: (StepStats & { prompts: number; prompts_passing: number }) | null;
    samples: { row: number; reward: number | null; acc: boolean | null; status: string | null; response: string; response_cut: boolean }[];
  }[];
}

/** Result of re-running one sample's code cells. */
export interface ReexecRecord {
  cells: number;
  /** Cells whose code held ``` fences, and what was done with them. */
  fenced?: number;
  fences?: FenceMode;
  mismatches: number;
  errors: number;
  details: { cell: number; match: boolean; recorded: string | null; live: string; status: string; result?: ToolResult }[];
}

export type RescoreEvent =
  | { type: "progress"; done: number; total: number; disagreements: number; errors: number }
  | { type: "done"; done: number; total: number; disagreements: number; errors: number; ms: number; cancelled: boolean };

export type ReexecEvent =
  | { type: "progress"; done: number; total: number; cells: number; mismatches: number; errors: number }
  | { type: "row"; row: number; cells: number; mismatches: number; errors: number }
  | {
      type: "done";
      done: number;
      total: number;
      cells: number;
      mismatches: number;
      errors: number;
      ms: number;
      cancelled: boolean;
      mismatched_rows: number[];
      /** Cells that held ``` fences, and how they were run. */
      fenced_cells: number;
      fences: FenceMode;
    };

