import { z } from "zod";
import { postprocessPredictions, postprocessResponses } from "@/lib/rollout/parse";
import { runJsonLines } from "../jsonl";
import type { CliCommand } from "../types";

const lineSchema = z.object({ text: z.string() });

/** parse: {"text"} -> {"action","content","trimmed"} as slime's postprocess_predictions/_responses. */
export const parseCommand: CliCommand = {
  options: {},
  async run() {
    await runJsonLines(async (value) => {
      const parsed = lineSchema.safeParse(value);
      if (!parsed.success) throw new Error(`bad input: ${z.prettifyError(parsed.error)}`);
      const { text } = parsed.data;
      const { action, content } = postprocessPredictions(text);
      return { action, content, trimmed: postprocessResponses(text) };
    });
    return 0;
  },
};
