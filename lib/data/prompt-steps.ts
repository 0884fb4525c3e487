import "server-only";
import type { Dataset } from "./dataset";
import type { RowStore } from "./row-store";
import type { PromptSteps, StepStats } from "./types";

// "Over steps": the answers to one prompt across training steps. A folder of verl {step}.jsonl
// files or of slime dumps is one dataset whose groups stay within a step (normalize.ts groupKey:
// `p:<step>/<prompt>` or `g:<step>/<group_index>`), so the same prompt at another step is another
// group. Groups keyed by prompt are matched by their key; groups keyed by group_index (slime: its
// indices do not carry across rollouts) by the prompt of their first row, read once and cached.
// Each step also gets its trends (reward, pass rate, length, entropy, |Δlogp|) for the prompt and
// for the whole step. Rows without a score are counted, never averaged away.

const RESPONSE_LIMIT = 4000;
const groupPrompts = new WeakMap<Dataset, Map<number, string>>();

function firstRows(ds: Dataset): Map<number, number> {
  const first = new Map<number, number>();
  const s = ds.store;
  for (let i = 0; i < s.length; i++) {
    const g = s.group[i]!;
    if (g >= 0 && !first.has(g)) first.set(g, i);
  }
  return first;
}

function parseKey(key: string): { kind: "g" | "p"; step: number | null; rest: string } {
  const kind = key[0] === "g" ? "g" : "p";
  const m = /^[gp]:(-?\d+(?:\.\d+)?)\//.exec(key);
  // A prompt key without a step may itself start with "12/": only treat it as a step when every key has one.
  return m ? { kind, step: Number(m[1]), rest: key.slice(m[0].length) } : { kind, step: null, rest: key.slice(2) };
}

async function promptOfGroup(ds: Dataset, group: number, row: number): Promise<string> {
  let cache = groupPrompts.get(ds);
  if (!cache) groupPrompts.set(ds, (cache = new Map()));
  const hit = cache.get(group);
  if (hit !== undefined) return hit;
  const { sample } = await ds.sample(row);
  cache.set(group, sample.prompt);
  return sample.prompt;
}

/** The reward, pass rate, length and train values of `rows`; unscored and NaN rewards counted apart. */
export function stepStats(s: RowStore, rows: Iterable<number>): StepStats {
  const st: StepStats = { rows: 0, scored: 0, unscored: 0, nonfinite: 0, mean_reward: null, passed: 0, judged: 0, mean_length: null, length_in_chars: false, mean_entropy: null, mean_lp: null };
  let reward = 0;
  let len = 0;
  let lens = 0;
  let ent = 0;
  let ents = 0;
  let lp = 0;
  let lps = 0;
  for (const i of rows) {
    st.rows++;
    const r = s.reward[i]!;
    if (!Number.isNaN(r)) {
      st.scored++;
      reward += r;
    } else if (s.nonFiniteRewards.has(i)) st.nonfinite++;
    else st.unscored++;
    // The verdict the list shows: acc when recorded, else the reward's sign.
    const a = s.acc[i]!;
    if (a >= 0 || !Number.isNaN(r)) {
      st.judged++;
      if (a >= 0 ? a === 1 : r > 0) st.passed++;
    }
    const l = s.respLenOf(i);
    if (l !== null) {
      len += l;
      lens++;
      if (s.respLen[i]! < 0) st.length_in_chars = true;
    }
    if (!Number.isNaN(s.entropy[i]!)) {
      ent += s.entropy[i]!;
      ents++;
    }
    if (!Number.isNaN(s.lpMean[i]!)) {
      lp += s.lpMean[i]!;
      lps++;
    }
  }
  st.mean_reward = st.scored ? reward / st.scored : null;
  st.mean_length = lens ? len / lens : null;
  st.mean_entropy = ents ? ent / ents : null;
  st.mean_lp = lps ? lp / lps : null;
  return st;
}

/** Every step's rows, and its trends over all prompts, for the steps asked. */
function wholeSteps(s: RowStore, steps: Set<number>): Map<number, NonNullable<PromptSteps["steps"][number]["all"]>> {
  const rows = new Map<number, number[]>();
  for (let i = 0; i < s.length; i++) {
    const st = s.step[i]!;
    if (!steps.has(st)) continue;
    let list = rows.get(st);
    if (!list) rows.set(st, (list = []));
    list.push(i);
  }
  const out = new Map<number, NonNullable<PromptSteps["steps"][number]["all"]>>();
  for (const [step, list] of rows) {
    // A prompt passes at a step when at least one of its answers was judged right.
    const judged = new Set<number>();
    const passing = new Set<number>();
    for (const i of list) {
      const g = s.group[i]!;
      const a = s.acc[i]!;
      const r = s.reward[i]!;
      if (a < 0 && Number.isNaN(r)) continue;
      judged.add(g);
      if (a >= 0 ? a === 1 : r > 0) passing.add(g);
    }
    out.set(step, { ...stepStats(s, list), prompts: judged.size, prompts_passing: passing.size });
  }
  return out;
}

/** The prompt of `row` at every step of the dataset, with up to `perStep` answers per step. */
export async function promptSteps(ds: Dataset, row: number, perStep = 4): Promise<PromptSteps> {
  const { sample } = await ds.sample(row);
  const first = firstRows(ds);
  const matches: { group: number; step: number | null }[] = [];
  for (const [key, group] of ds.groupKeys) {
    const k = parseKey(key);
    const fr = first.get(group);
    if (fr === undefined) continue;
    const same = k.kind === "p" ? (k.step === null ? key.slice(2) === sample.prompt : k.rest === sample.prompt) : (await promptOfGroup(ds, group, fr)) === sample.prompt;
    if (same) matches.push({ group, step: k.step });
  }
  matches.sort((a, b) => (a.step ?? -Infinity) - (b.step ?? -Infinity) || a.group - b.group);
  const s = ds.store;
  const whole = wholeSteps(s, new Set(matches.flatMap((m) => (m.step === null ? [] : [m.step]))));
  const steps: PromptSteps["steps"] = [];
  for (const m of matches) {
    const rows: number[] = [];
    for (let i = 0; i < s.length; i++) if (s.group[i] === m.group) rows.push(i);
    const stats = stepStats(s, rows);
    const samples: PromptSteps["steps"][number]["samples"] = [];
    // The row the view was opened from is shown first at its own step.
    const shown = rows.includes(row) ? [row, ...rows.filter((r) => r !== row)] : rows;
    for (const i of shown.slice(0, perStep)) {
      const one = (await ds.sample(i)).sample;
      samples.push({ row: i, reward: one.reward, acc: one.acc, status: one.status, response: one.response.slice(0, RESPONSE_LIMIT), response_cut: one.response.length > RESPONSE_LIMIT });
    }
    steps.push({ step: m.step, group: m.group, rows, mean_reward: stats.mean_reward, stats, all: m.step === null ? null : (whole.get(m.step) ?? null), samples });
  }
  return { prompt: sample.prompt, label: sample.label, row, steps };
}
