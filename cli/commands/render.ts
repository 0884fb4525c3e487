import { z } from "zod";
import { formatConversationWithTools, renderInputSchema } from "@/lib/rollout/template";
import { runJsonLines } from "../jsonl";
import type { CliCommand } from "../types";

/**
 * render: {"prompt","system"?,"tools"?,"messages"?} -> {"text"}, as slime's
 * format_conversation_with_tools(prompt, tools, system_prompt, messages). Absent or null fields
 * mean what None means there: default system prompt, no tools section, no extra messages.
 */
export const renderCommand: CliCommand = {
  options: {},
  async run() {
    await runJsonLines(async (value) => {
      const parsed = renderInputSchema.safeParse(value);
      if (!parsed.success) throw new Error(`bad input: ${z.prettifyError(parsed.error)}`);
      const input = parsed.data;
      return {
        text: formatConversationWithTools({
          prompt: input.prompt ?? "",
          system: input.system ?? null,
          tools: input.tools ?? null,
          messages: input.messages ?? null,
        }),
      };
    });
    return 0;
  },
};
