import { describe, expect, it } from "vitest";
import { renderModelChatTemplate } from "./model-template";
import { DEFAULT_SYSTEM_PROMPT, formatRetoolPrompt } from "./template";
import { embeddedTokenizer } from "./tokens";

describe("the model's own chat template (Qwen3's, embedded)", () => {
  it("renders Qwen3's tool prompt, which differs from slime's ReTool template", async () => {
    const tok = await embeddedTokenizer();
    if (!tok.ok) throw new Error(tok.error.message);
    const r = renderModelChatTemplate(tok.value.chatTemplate!, { prompt: "What is 6 times 7?" });
    if (!r.ok) throw new Error(r.error.message);
    const text = r.value;
    // Qwen3 puts the system prompt, then "# Tools", in one system turn and ends with the generation prompt.
    expect(text.startsWith(`<|im_start|>system\n${DEFAULT_SYSTEM_PROMPT}\n\n# Tools\n`)).toBe(true);
    expect(text).toContain('"name": "code_interpreter"');
    expect(text.endsWith("<|im_start|>user\nWhat is 6 times 7?<|im_end|>\n<|im_start|>assistant\n")).toBe(true);
    // slime's template has no newline after "system" (its {%- strips it): the two prompts differ.
    expect(formatRetoolPrompt("What is 6 times 7?").startsWith(`<|im_start|>system${DEFAULT_SYSTEM_PROMPT}`)).toBe(true);
    expect(text).not.toBe(formatRetoolPrompt("What is 6 times 7?"));
  });

  it("a broken template is an error value", () => {
    const r = renderModelChatTemplate("{% if %}", { prompt: "x" });
    expect(r).toMatchObject({ ok: false, error: { code: "unprocessable:chat_template" } });
  });
});
