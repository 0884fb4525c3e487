import "server-only";
import type { Dataset } from "./dataset";
import type { PromptSteps } from "./types";

// "Over steps": the answers to one prompt across training steps. A folder of verl {step}.jsonl
// files or of slime dumps is one dataset whose groups stay within a step (normalize.ts groupKey:
// `p:<step>/<prompt>` or `g:<step>/<group_index>`), so the same prompt at another step is another
// group. Groups keyed by prompt are matched by their key; groups keyed by group_index (slime: its
// indices do not carry across rollouts) by the prompt of their first row, read once and cached.

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
  const steps: PromptSteps["steps"] = [];
  for (const m of matches) {
    const rows: number[] = [];
    for (let i = 0; i < s.length; i++) if (s.group[i] === m.group) rows.push(i);
    const rewards = rows.map((i) => s.reward[i]!).filter((r) => !Number.isNaN(r));
    const samples: PromptSteps["steps"][number]["samples"] = [];
    // The row the view was opened from is shown first at its own step.
    const shown = rows.includes(row) ? [row, ...rows.filter((r) => r !== row)] : rows;
    for (const i of shown.slice(0, perStep)) {
      const one = (await ds.sample(i)).sample;
      samples.push({ row: i, reward: one.reward, acc: one.acc, status: one.status, response: one.response.slice(0, RESPONSE_LIMIT), response_cut: one.response.length > RESPONSE_LIMIT });
    }
    steps.push({ step: m.step, group: m.group, rows, mean_reward: rewards.length ? rewards.reduce((a, b) => a + b, 0) / rewards.length : null, samples });
  }
  return { prompt: sample.prompt, label: sample.label, row, steps };
}
