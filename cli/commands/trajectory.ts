import { z } from "zod";
import { runTrajectorySession, trajectorySessionSchema } from "@/lib/agent/trajectory";
import { runJsonLines } from "../jsonl";
import type { CliCommand } from "../types";

/** trajectory: one session per line (turns + get_trajectory arguments) -> {"samples": [...]} as slime's
 *  TrajectoryManager builds them. A turn slime would reject (its assertion) answers {"error"}. */
export const trajectoryCommand: CliCommand = {
  options: {},
  async run() {
    await runJsonLines(async (value) => {
      const parsed = trajectorySessionSchema.safeParse(value);
      if (!parsed.success) throw new Error(`bad input: ${z.prettifyError(parsed.error)}`);
      const r = runTrajectorySession(parsed.data);
      if (!r.ok) throw new Error(`AssertionError: ${r.error.message}`);
      return { samples: r.value };
    });
    return 0;
  },
};
