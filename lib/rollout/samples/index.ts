// Sample trajectories shipped with the playground: the Replay backend's data.
import { z } from "zod";
import divisors from "./divisors-of-10-factorial.json";
import powerMod from "./power-of-two-mod-seven.json";
import sumOfSquares from "./sum-of-squares.json";

export const replaySampleSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  prompt: z.string(),
  label: z.string(),
  reward_type: z.string().default("retool"),
  /** The assistant's turns, as the model wrote them (observations are produced live). */
  assistant_turns: z.array(z.string()).min(1),
  source: z.string().optional(),
});
export type ReplaySample = z.infer<typeof replaySampleSchema>;

export const replaySamples: readonly ReplaySample[] = [sumOfSquares, divisors, powerMod].map((s) =>
  replaySampleSchema.parse(s),
);

/** The sample a fresh playground opens with. */
export const DEFAULT_REPLAY_SAMPLE_ID = "sum-of-squares";

export function findReplaySample(id: string | undefined): ReplaySample | undefined {
  return replaySamples.find((s) => s.id === (id ?? DEFAULT_REPLAY_SAMPLE_ID));
}
