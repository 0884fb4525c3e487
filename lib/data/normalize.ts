// Turn one parsed record of any supported format into a NormalizedSample, reporting
// wrong types as problems instead of failing. Isomorphic (no Node APIs).
import type { ChatMessage, DatasetFormat, NormalizedSample, Problem } from "./types";
import { nonFiniteName, rowFlags } from "./types";
import { chatMlMessages } from "./chat-link";
import { countObservations, formatObservation, formatToolCall } from "@/lib/rollout/codec";
import { AGENT_TRAJECTORY_KEY, agentTrajectoryInfoSchema } from "@/lib/agent/trajectory/export";

type Obj = Record<string, unknown>;

export function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const slimeFields = [
  "prompt", "response", "label", "reward", "status", "tokens", "response_length", "loss_mask",
  "rollout_log_probs", "tool_call_count", "metadata", "index", "group_index",
] as const;
const slimeHints = ["status", "reward", "loss_mask", "response_length", "tokens", "group_index", "rollout_log_probs", "tool_call_count"];
const verlFields = ["input", "output", "gts", "score", "step"] as const;
const labelKeys = ["label", "answer", "ground_truth", "solution", "gts", "reward_model"] as const;

function looksLikeMessages(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((m) => isObject(m) && typeof m.role === "string");
}

/** Which format one record looks like, with the reason. */
export function classifyRecord(o: Obj): { format: DatasetFormat; reason: string } {
  if (looksLikeMessages(o.messages)) return { format: "chat", reason: "`messages` is a list of {role, content}" };
  if ("input" in o && "output" in o && (typeof o.input === "string" || typeof o.output === "string"))
    return { format: "verl", reason: "`input` and `output` fields (verl generation dump)" };
  if ("response" in o && ("prompt" in o || "tokens" in o) && slimeHints.some((k) => k in o))
    return { format: "slime", reason: "`prompt`/`response` with slime sample fields" };
  // get_trajectory's Samples (and the Agents export) carry token ids but no decoded response.
  if (AGENT_TRAJECTORY_KEY in o || ("tokens" in o && "loss_mask" in o && "response_length" in o))
    return { format: "slime", reason: "slime Samples with token ids and a loss mask (an agent trajectory)" };
  if ("prompt" in o && !("response" in o) && labelKeys.some((k) => k in o))
    return { format: "prompt_label", reason: "`prompt` with a label and no response" };
  if ("response" in o && "prompt" in o) return { format: "slime", reason: "`prompt` and `response` fields" };
  return { format: "raw", reason: "no known field layout" };
}

/** Majority vote over the first records; ties go to the more specific format. */
export function detectFormat(records: unknown[]): { format: DatasetFormat; reasons: string[] } {
  const votes = new Map<DatasetFormat, { n: number; reason: string }>();
  for (const r of records) {
    if (!isObject(r)) continue;
    const { format, reason } = classifyRecord(r);
    const v = votes.get(format) ?? { n: 0, reason };
    v.n++;
    votes.set(format, v);
  }
  if (votes.size === 0) return { format: "raw", reasons: ["no JSON objects in the first records"] };
  const order: DatasetFormat[] = ["chat", "verl", "slime", "prompt_label", "raw"];
  let best: DatasetFormat = "raw";
  let bestN = -1;
  for (const f of order) {
    const v = votes.get(f);
    if (v && v.n > bestN) {
      best = f;
      bestN = v.n;
    }
  }
  const total = [...votes.values()].reduce((a, v) => a + v.n, 0);
  const reasons = [`${bestN}/${total} sampled records: ${votes.get(best)?.reason ?? ""}`];
  for (const [f, v] of votes) if (f !== best) reasons.push(`${v.n}/${total} look like ${f}: ${v.reason}`);
  return { format: best, reasons };
}

class Checker {
  problems: Problem[] = [];
  constructor(private line: number, private row: number) {}
  bad(field: string, expected: string, got: unknown): void {
    const kind = got === null ? "null" : Array.isArray(got) ? "array" : typeof got;
    this.problems.push({ line: this.line, row: this.row, kind: "wrong_type", field, message: `\`${field}\` should be ${expected}, got ${kind}` });
  }
  num(o: Obj, key: string, path = key): number | null {
    const v = o[key];
    if (v === undefined || v === null) return null;
    if (typeof v === "number" && Number.isFinite(v)) return v;
    if (typeof v === "boolean") return v ? 1 : 0;
    if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
    this.bad(path, "a number", v);
    return null;
  }
  int(o: Obj, key: string): number | null {
    const n = this.num(o, key);
    if (n === null) return null;
    if (!Number.isInteger(n)) {
      this.bad(key, "an integer", n);
      return Math.trunc(n);
    }
    return n;
  }
  /** `strict`: a number is reported too (a response must be text), though still shown. */
  str(o: Obj, key: string, strict = false): string | null {
    const v = o[key];
    if (v === undefined || v === null) return null;
    if (typeof v === "string") return v;
    if ((typeof v === "number" || typeof v === "boolean") && !strict) return String(v);
    if (typeof v === "number" || typeof v === "boolean") {
      this.bad(key, "a string", v);
      return String(v);
    }
    this.bad(key, "a string", v);
    return JSON.stringify(v);
  }
  numArray(o: Obj, key: string): number[] | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (Array.isArray(v) && v.every((x) => typeof x === "number")) return v as number[];
    // NaN/inf cannot be written in JSON; converters write null (scripts/convert-debug-rollout.py).
    if (Array.isArray(v) && v.every((x) => typeof x === "number" || x === null)) return v.map((x) => (x === null ? NaN : (x as number)));
    this.bad(key, "a list of numbers", v);
    return undefined;
  }
}

function contentText(c: unknown): string {
  if (typeof c === "string") return c;
  if (c === null || c === undefined) return "";
  if (Array.isArray(c))
    return c
      .map((p) => (isObject(p) && typeof p.text === "string" ? p.text : typeof p === "string" ? p : ""))
      .join("");
  return JSON.stringify(c);
}

export function toMessages(v: unknown, ck: Checker, field: string): ChatMessage[] {
  if (!Array.isArray(v)) {
    ck.bad(field, "a list of messages", v);
    return [];
  }
  const out: ChatMessage[] = [];
  v.forEach((m, i) => {
    if (!isObject(m) || typeof m.role !== "string") {
      ck.bad(`${field}[${i}]`, "a {role, content} message", m);
      return;
    }
    const msg: ChatMessage = { role: m.role, content: contentText(m.content) };
    if (Array.isArray(m.tool_calls)) {
      msg.tool_calls = m.tool_calls.filter(isObject).map((tc) => {
        const fn = isObject(tc.function) ? tc.function : tc;
        const args = fn.arguments;
        return {
          id: typeof tc.id === "string" ? tc.id : undefined,
          name: typeof fn.name === "string" ? fn.name : "?",
          arguments: typeof args === "string" ? args : JSON.stringify(args ?? {}),
        };
      });
    }
    if (typeof m.tool_call_id === "string") msg.tool_call_id = m.tool_call_id;
    if (typeof m.name === "string") msg.name = m.name;
    out.push(msg);
  });
  return out;
}

/**
 * What an SFT trainer would choke on in a conversation's tool calls: `arguments` that are not JSON
 * (the chat template's tojson / the tool parser fails), and a call no tool message answers.
 */
export function toolCallDefects(msgs: ChatMessage[]): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  msgs.forEach((m, i) => {
    if (m.role !== "assistant" || !m.tool_calls?.length) return;
    // The tool messages that follow, up to the next assistant turn, answer this turn's calls.
    const replies: ChatMessage[] = [];
    for (let k = i + 1; k < msgs.length && msgs[k]!.role !== "assistant"; k++) if (msgs[k]!.role === "tool") replies.push(msgs[k]!);
    const anonymous = replies.filter((r) => r.tool_call_id === undefined).length;
    let unnamedLeft = anonymous;
    m.tool_calls.forEach((tc, j) => {
      const field = `messages[${i}].tool_calls[${j}]`;
      try {
        JSON.parse(tc.arguments);
      } catch (e) {
        out.push({ field: `${field}.arguments`, message: `tool call ${tc.name}: arguments are not valid JSON (${(e as Error).message.slice(0, 80)})` });
      }
      const answered = tc.id !== undefined && replies.some((r) => r.tool_call_id === tc.id);
      if (answered) return;
      if (unnamedLeft > 0) {
        unnamedLeft--;
        return;
      }
      out.push({ field, message: `tool call ${tc.name}${tc.id ? ` (${tc.id})` : ""} has no tool reply` });
    });
  });
  return out;
}

export function messagesToText(msgs: ChatMessage[]): string {
  return msgs.map((m) => `${m.role}: ${m.content}`).join("\n\n");
}

/** The code a chat tool call carries (code_interpreter's `code` argument, else the raw arguments). */
export function toolCallCode(args: string): string {
  try {
    const parsed: unknown = JSON.parse(args);
    if (isObject(parsed) && typeof parsed.code === "string") return parsed.code;
  } catch {
    /* arguments are not JSON: show them as they are */
  }
  return args;
}

/**
 * A chat conversation's assistant side as one ReTool-style text, so search, segmenting and
 * re-scoring treat chat datasets like rollouts: tool calls become <tool_call> blocks and tool
 * messages become <interpreter> observations.
 */
export function conversationResponse(msgs: ChatMessage[]): string {
  let s = "";
  for (const m of msgs) {
    if (m.role === "assistant") {
      s += m.content;
      for (const tc of m.tool_calls ?? []) {
        s += `\n${formatToolCall(tc.name, safeJson(tc.arguments))}`;
      }
    } else if (m.role === "tool") {
      s += formatObservation(m.content);
    } else if (m.role === "user" && s !== "") {
      s += `\n\n${m.content}\n\n`;
    }
  }
  return s;
}
function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

const toolErrorRe = /<interpreter>\s*Error|Traceback \(most recent call last\)|\nErrors:\n/;
// Every match of toolErrorRe holds "Error" or "Traceback": a substring search rules most responses
// out far faster than the regex, which has no literal prefix to look for.
const hasToolError = (r: string): boolean => (r.includes("Error") || r.includes("Traceback")) && toolErrorRe.test(r);

function rewardFrom(v: unknown, ck: Checker): { reward: number | null; acc: boolean | null; pred?: string | null } {
  if (v === undefined || v === null) return { reward: null, acc: null };
  if (typeof v === "number") return { reward: v, acc: null };
  if (typeof v === "boolean") return { reward: v ? 1 : 0, acc: v };
  if (isObject(v)) {
    const key = ["score", "reward", "acc"].find((k) => typeof v[k] === "number" || typeof v[k] === "boolean");
    const raw = key ? v[key] : Object.values(v).find((x) => typeof x === "number");
    const reward = typeof raw === "number" ? raw : typeof raw === "boolean" ? (raw ? 1 : 0) : null;
    const acc = typeof v.acc === "boolean" ? v.acc : typeof v.acc === "number" ? v.acc > 0 : null;
    const pred = typeof v.pred === "string" ? v.pred : v.pred === null ? null : undefined;
    return { reward, acc, pred };
  }
  ck.bad("reward", "a number or a dict", v);
  return { reward: null, acc: null };
}

function labelFrom(o: Obj, ck: Checker): string | null {
  for (const k of labelKeys) {
    if (!(k in o)) continue;
    const v = o[k];
    if (k === "reward_model" && isObject(v)) {
      const gt = v.ground_truth;
      return typeof gt === "string" ? gt : gt === undefined ? null : JSON.stringify(gt);
    }
    if (typeof v === "string") return v;
    if (v === null || v === undefined) return null;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v.join(", ");
    ck.bad(k, "a string", v);
    return JSON.stringify(v);
  }
  return null;
}

function promptFrom(o: Obj, key: string, ck: Checker): { text: string; messages?: ChatMessage[] } {
  const v = o[key];
  if (v === undefined || v === null) return { text: "" };
  if (typeof v === "string") {
    // slime stores the prompt already rendered with the chat template; recover its messages.
    const messages = chatMlMessages(v);
    return messages.length ? { text: v, messages } : { text: v };
  }
  if (Array.isArray(v)) {
    const messages = toMessages(v, ck, key);
    return { text: messagesToText(messages), messages };
  }
  ck.bad(key, "a string or a list of messages", v);
  return { text: JSON.stringify(v) };
}

function extraOf(o: Obj, known: readonly string[]): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const k of Object.keys(o)) if (!known.includes(k)) extra[k] = o[k];
  return extra;
}

function accFrom(v: unknown): boolean | null {
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v > 0;
  return null;
}

export interface NormalizeContext {
  row: number;
  line: number;
}

/** Normalize a parsed record. Never throws; type defects land in `problems` and flags. */
export function normalizeRecord(format: DatasetFormat, value: unknown, ctx: NormalizeContext): NormalizedSample {
  const ck = new Checker(ctx.line, ctx.row);
  const base: NormalizedSample = {
    row: ctx.row, line: ctx.line, format, index: null, group_index: null, prompt: "", response: "",
    label: null, reward: null, acc: null, status: null, tool_call_count: null, response_length: null,
    extra: {}, problems: [], flags: 0,
  };
  if (!isObject(value)) {
    base.problems.push({ line: ctx.line, row: ctx.row, kind: "not_object", message: `line holds ${Array.isArray(value) ? "an array" : typeof value}, not an object` });
    base.flags |= rowFlags.notObject;
    base.extra = { value };
    return base;
  }
  const o = value;
  const s = base;
  switch (format) {
    case "slime": {
      const p = promptFrom(o, "prompt", ck);
      s.prompt = p.text;
      s.prompt_messages = p.messages;
      s.response = ck.str(o, "response", true) ?? "";
      s.label = labelFrom(o, ck);
      Object.assign(s, rewardFrom(o.reward, ck));
      s.reward_raw = o.reward;
      s.status = ck.str(o, "status");
      s.tokens = ck.numArray(o, "tokens");
      s.loss_mask = ck.numArray(o, "loss_mask");
      s.rollout_log_probs = ck.numArray(o, "rollout_log_probs");
      s.tool_call_count = ck.int(o, "tool_call_count");
      s.response_length = ck.int(o, "response_length");
      s.index = ck.int(o, "index");
      s.group_index = ck.int(o, "group_index");
      if (o.metadata !== undefined && o.metadata !== null) {
        s.metadata = o.metadata;
        if (!isObject(o.metadata)) ck.bad("metadata", "a dict", o.metadata);
        else {
          if (s.tool_call_count === null && typeof o.metadata.tool_call_count === "number") s.tool_call_count = o.metadata.tool_call_count;
          if (s.acc === null) s.acc = accFrom(o.metadata.acc);
        }
      }
      s.extra = extraOf(o, slimeFields);
      if (o[AGENT_TRAJECTORY_KEY] !== undefined) {
        const info = agentTrajectoryInfoSchema.safeParse(o[AGENT_TRAJECTORY_KEY]);
        if (info.success) {
          s.agent_trajectory = info.data;
          delete s.extra[AGENT_TRAJECTORY_KEY];
        } else ck.bad(AGENT_TRAJECTORY_KEY, "an agent trajectory record (lib/agent/trajectory/export.ts)", o[AGENT_TRAJECTORY_KEY]);
      }
      break;
    }
    case "chat": {
      const msgs = toMessages(o.messages, ck, "messages");
      s.messages = msgs;
      for (const p of toolCallDefects(msgs)) ck.problems.push({ line: ctx.line, row: ctx.row, kind: "bad_tool_call", field: p.field, message: p.message });
      const firstReply = msgs.findIndex((m) => m.role === "assistant");
      const head = firstReply === -1 ? msgs : msgs.slice(0, firstReply);
      s.prompt_messages = head;
      s.prompt = messagesToText(head);
      s.response = conversationResponse(firstReply === -1 ? [] : msgs.slice(firstReply));
      s.label = labelFrom(o, ck);
      if ("reward" in o) Object.assign(s, rewardFrom(o.reward, ck));
      else if ("score" in o) s.reward = scoreOf(o, "score", ck);
      s.tool_call_count = msgs.reduce((n, m) => n + (m.tool_calls?.length ?? 0), 0);
      if (s.tool_call_count === 0) s.tool_call_count = null;
      s.index = ck.int(o, "index");
      s.group_index = ck.int(o, "group_index");
      if (o.metadata !== undefined) s.metadata = o.metadata;
      s.extra = extraOf(o, ["messages", "label", "answer", "ground_truth", "solution", "reward", "score", "index", "group_index", "metadata"]);
      break;
    }
    case "verl": {
      s.prompt = ck.str(o, "input") ?? "";
      s.response = ck.str(o, "output", true) ?? "";
      s.label = "gts" in o ? labelFrom({ gts: o.gts }, ck) : labelFrom(o, ck);
      s.reward = scoreOf(o, "score", ck);
      s.acc = accFrom(o.acc);
      if (typeof o.pred === "string") s.pred = o.pred;
      s.index = ck.int(o, "index");
      s.extra = extraOf(o, [...verlFields, "index"]);
      break;
    }
    case "prompt_label": {
      const p = promptFrom(o, "prompt", ck);
      s.prompt = p.text;
      s.prompt_messages = p.messages;
      s.label = labelFrom(o, ck);
      s.index = ck.int(o, "index");
      if (o.metadata !== undefined) s.metadata = o.metadata;
      s.extra = extraOf(o, ["prompt", ...labelKeys, "index", "metadata"]);
      break;
    }
    case "raw": {
      const pk = ["prompt", "question", "problem", "input", "instruction"].find((k) => typeof o[k] === "string");
      const rk = ["response", "output", "completion", "answer_text"].find((k) => typeof o[k] === "string");
      s.prompt = pk ? (o[pk] as string) : "";
      s.response = rk ? (o[rk] as string) : "";
      s.label = labelFrom(o, ck);
      s.extra = { ...o };
      break;
    }
  }
  if (s.tool_call_count === null && s.response) {
    const n = countObservations(s.response);
    if (n > 0) s.tool_call_count = n;
  }
  if (hasToolError(s.response)) s.flags |= rowFlags.toolError;
  // NaN / ±Infinity rewards (Python's json and torch write them) are shown by name and flagged:
  // in slime, one NaN reward makes its group's mean, and so every advantage of the group, NaN.
  const special = s.reward === null ? null : nonFiniteName(s.reward);
  if (special) {
    s.reward = null;
    s.reward_nonfinite = special;
    s.flags |= rowFlags.nonFiniteReward;
    ck.problems.push({ line: ctx.line, row: ctx.row, kind: "nonfinite_reward", field: "reward", message: `reward is ${special}: GRPO advantages of its whole group become NaN` });
  }
  s.problems = ck.problems;
  if (ck.problems.some((p) => p.kind === "wrong_type")) s.flags |= rowFlags.wrongTypes;
  if (ck.problems.some((p) => p.kind === "bad_tool_call")) s.flags |= rowFlags.badToolCall;
  return s;
}

/** A score field: any number (NaN and ±Infinity included, flagged later), else a checked number. */
function scoreOf(o: Obj, key: string, ck: Checker): number | null {
  const v = o[key];
  return typeof v === "number" ? v : ck.num(o, key);
}

/** Group key when the file has no group_index: samples of one prompt belong together. */
export function groupKey(s: NormalizedSample): string {
  // In a folder of step files, group indices and prompts repeat per step: groups stay within one.
  const step = s.step === undefined || s.step === null ? "" : `${s.step}/`;
  return s.group_index !== null ? `g:${step}${s.group_index}` : `p:${step}${s.prompt}`;
}

export function previewOf(s: NormalizedSample): string {
  const lastUser = s.prompt_messages?.filter((m) => m.role === "user").at(-1)?.content;
  const text = (lastUser ?? s.prompt).replace(/\s+/g, " ").trim();
  const cut = text.length > 140 ? `${text.slice(0, 140)}…` : text;
  // An agent session's Samples share one prompt: say whose and which they are.
  const a = s.agent_trajectory;
  return a ? `[${a.session_id.length > 40 ? `${a.session_id.slice(0, 40)}…` : a.session_id} #${a.sample + 1}/${a.samples}] ${cut}` : cut;
}
