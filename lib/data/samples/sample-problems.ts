import "server-only";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { replaySamples } from "@/lib/rollout/samples";
import { uploadsDir } from "../paths";

// The home page's Inspect sample: the shipped replay problems as a prompt/label dataset (what a
// slime run starts from), written among the uploads so it opens like any uploaded file.

export const SAMPLE_PROBLEMS_SOURCE = "upload:sample/problems.jsonl";

/** Writes the sample file (the same bytes each time) and returns its source for /inspect?file=. */
export async function writeSampleProblems(): Promise<string> {
  const file = path.join(uploadsDir(), "sample", "problems.jsonl");
  await mkdir(path.dirname(file), { recursive: true });
  const rows = replaySamples.map((s) => JSON.stringify({ prompt: s.prompt, label: s.label, metadata: { title: s.title, reward_type: s.reward_type } }));
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${rows.join("\n")}\n`);
  await rename(tmp, file);
  return SAMPLE_PROBLEMS_SOURCE;
}
