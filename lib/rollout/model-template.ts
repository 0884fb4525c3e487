// The model's own chat template (tokenizer_config.json's chat_template), rendered the way
// transformers' apply_chat_template does (trim_blocks and lstrip_blocks on, add_generation_prompt),
// so a person can set it beside slime's ReTool prompt: what an SFT or chat server would send
// against what the ReTool recipe trains on. Isomorphic.
import { Template } from "@huggingface/jinja";
import { appError } from "@/lib/errors";
import { err, ok, type Result } from "@/lib/result";
import { DEFAULT_SYSTEM_PROMPT, DEFAULT_TOOLS, type ToolSpec } from "./template";

export interface ModelPromptInput {
  prompt: string;
  /** Empty means slime's default system prompt (the same one the ReTool prompt uses). */
  system?: string | null;
  tools?: ToolSpec[];
}

export function renderModelChatTemplate(template: string, input: ModelPromptInput): Result<string> {
  try {
    const text = new Template(template).render({
      messages: [
        { role: "system", content: input.system ? input.system : DEFAULT_SYSTEM_PROMPT },
        { role: "user", content: input.prompt },
      ],
      tools: input.tools ?? DEFAULT_TOOLS,
      add_generation_prompt: true,
    });
    return ok(text);
  } catch (e) {
    return err(appError("unprocessable:chat_template", `The model's chat template did not render: ${(e as Error).message}`));
  }
}
