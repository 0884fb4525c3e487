import { z } from "zod";
import { computeReward, rewardInputSchema } from "@/lib/reward";
import { runJsonLines } from "../jsonl";
import type { CliCommand } from "../types";

/**
 * score --rm TYPE [--rm-url URL]: {"response","label","prompt"?,"tool_call_count"?,"metadata"?}
 * -> {"score","acc"?,"pred"?} as slime's reward of that type; {"error"} where slime raises.
 */
export const scoreCommand: CliCommand = {
  options: {
    rm: { type: "string" },
    "rm-url": { type: "string" },
  },
  async run(values) {
    const type = typeof values.rm === "string" ? values.rm : "";
    const rmUrl = typeof values["rm-url"] === "string" ? values["rm-url"] : undefined;
    await runJsonLines(async (value) => {
      const parsed = rewardInputSchema.safeParse(value);
      if (!parsed.success) throw new Error(`bad input: ${z.prettifyError(parsed.error)}`);
      const input = parsed.data;
      const r = await computeReward(type, input, rmUrl ? { rmUrl } : {});
      return r.ok ? r.value : { error: r.error.message };
    });
    return 0;
  },
};
