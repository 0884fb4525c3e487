import { z } from "zod";
import { exportTrajectorySession, runTrajectorySession, trajectorySessionSchema } from "@/lib/agent/trajectory";
import { runJsonLines } from "../jsonl";
import type { CliCommand } from "../types";

/** trajectory: one session per line (turns + get_trajectory arguments) -> {"samples": [...]} as slime's
 *  TrajectoryManager builds them. A turn slime would reject (its assertion) answers {"error"}.
 *  --explain: each Sample also carries its `agent_trajectory` (the session's tree and why each token
 *  is masked), as the Agents export writes it for Inspect; the session id is `name`, else `line N`. */
export const trajectoryCommand: CliCommand = {
  options: { explain: { type: "boolean" } },
  async run(values) {
    await runJsonLines(async (value, lineNo) => {
      const parsed = trajectorySessionSchema.safeParse(value);
      if (!parsed.success) throw new Error(`bad input: ${z.prettifyError(parsed.error)}`);
      const r = values.explain ? exportTrajectorySession(parsed.data, parsed.data.name ?? `line ${lineNo}`) : runTrajectorySession(parsed.data);
      if (!r.ok) throw new Error(`AssertionError: ${r.error.message}`);
      return { samples: r.value };
    });
    return 0;
  },
};
