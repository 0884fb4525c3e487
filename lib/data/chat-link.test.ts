import { describe, expect, it } from "vitest";
import { formatRetoolPrompt } from "@/lib/rollout/template";
import { chatHandoff, chatHref, chatMlMessages, promptParts } from "./chat-link";
import type { NormalizedSample } from "./types";

const sample = (prompt: string, response = ""): NormalizedSample => ({
  row: 4, line: 5, format: "slime", index: 0, group_index: 0, prompt, response, label: "4", reward: 1, acc: true,
  status: "completed", tool_call_count: 1, response_length: 3, extra: {}, problems: [], flags: 0,
});

describe("chat hand-off of a sample", () => {
  it("finds the question and the system prompt in slime's ReTool prompt", () => {
    const prompt = formatRetoolPrompt("What is <b>2+2</b>?");
    expect(chatMlMessages(prompt).map((m) => m.role)).toEqual(["system", "user"]);
    expect(promptParts(sample(prompt)).user).toBe("What is <b>2+2</b>?");
    const h = chatHandoff(sample(prompt, "t1\n<code>\nprint(4)\n</code>\n\n<interpreter>\n4\n</interpreter>\n\nAnswer: \\boxed{4}"), 0, "x.pt");
    expect(h.system).toBe("You are a helpful assistant that can use Python tools to solve mathematical problems. When you need to perform calculations, use the code_interpreter tool to execute code and get results.");
    expect(h.prompt_text).toBe(prompt);
    // Every turn goes along, and the picked one.
    expect(h.assistant).toContain("\\boxed{4}");
    expect(h.turn).toBe(0);
    // A templated prompt goes by reference (the page fetches it whole), never pasted into the URL.
    const href = new URL(chatHref(h, "ds1"), "http://x");
    expect(href.searchParams.get("assistant")).toBeNull();
    expect(href.searchParams.get("inspect")).toBe("ds1:4:0");
    expect(href.searchParams.get("prompt")).toBe("What is <b>2+2</b>?");
  });

  it("reads Hugging Face ChatML (newline after the role) and leaves plain prompts alone", () => {
    expect(promptParts(sample("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n"))).toEqual({ user: "Q", system: "S" });
    const plain = chatHandoff(sample("Just a question", "Answer: \\boxed{1}"), 0, "f.jsonl");
    expect(plain).toMatchObject({ prompt: "Just a question", prompt_text: null, system: null });
    const href = new URL(chatHref(plain, "ds1"), "http://x");
    expect(href.searchParams.get("assistant")).toBe("Answer: \\boxed{1}");
    expect(href.searchParams.get("turn")).toBe("0");
  });
});
