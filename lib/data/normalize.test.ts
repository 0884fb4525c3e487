import { describe, expect, it } from "vitest";
import { detectFormat, normalizeRecord, previewOf } from "./normalize";
import { rowFlags } from "./types";

const ctx = { row: 0, line: 1 };

describe("detectFormat", () => {
  it("votes over records and explains the choice", () => {
    const d = detectFormat([{ prompt: "p", response: "r", reward: 1 }, { prompt: "p", response: "r", status: "completed" }, { foo: 1 }]);
    expect(d.format).toBe("slime");
    expect(d.reasons[0]).toMatch(/^2\/3 sampled records/);
    expect(detectFormat([{ prompt: [{ role: "user", content: "q" }], reward_model: { ground_truth: "1" } }]).format).toBe("prompt_label");
    expect(detectFormat([1, "x"]).format).toBe("raw");
  });
});

describe("normalizeRecord", () => {
  it("reads slime rewards given as a dict and a ChatML prompt", () => {
    const s = normalizeRecord(
      "slime",
      { prompt: "<|im_start|>system\nSys<|im_end|>\n<|im_start|>user\nWhat is 1+1?<|im_end|>\n<|im_start|>assistant\n", response: "2", reward: { score: -0.6, acc: false, pred: "3" }, status: "truncated" },
      ctx,
    );
    expect(s).toMatchObject({ reward: -0.6, acc: false, pred: "3", status: "truncated", problems: [] });
    // The open assistant turn at the end has no <|im_end|>: only complete messages are listed.
    expect(s.prompt_messages?.map((m) => m.role)).toEqual(["system", "user"]);
    expect(previewOf(s)).toBe("What is 1+1?");
  });

  it("turns OpenAI tool calls and tool messages into ReTool-style text", () => {
    const s = normalizeRecord(
      "chat",
      {
        messages: [
          { role: "user", content: [{ type: "text", text: "Square 3" }] },
          { role: "assistant", content: null, tool_calls: [{ id: "a", type: "function", function: { name: "code_interpreter", arguments: '{"code": "print(9)"}' } }] },
          { role: "tool", tool_call_id: "a", content: "Output:\n9" },
          { role: "assistant", content: "Answer: \\boxed{9}" },
        ],
        answer: 9,
      },
      ctx,
    );
    expect(s.prompt).toBe("user: Square 3");
    expect(s.label).toBe("9");
    expect(s.tool_call_count).toBe(1);
    expect(s.response).toContain('<tool_call>\n{"name":"code_interpreter","arguments":{"code":"print(9)"}}\n</tool_call>');
    expect(s.response).toContain("<interpreter>\nOutput:\n9\n</interpreter>");
  });

  it("keeps verl extras and flags tool errors", () => {
    const s = normalizeRecord("verl", { input: "q", output: "<interpreter>\nError: boom\n</interpreter>", gts: ["a", "b"], score: 0, step: 3, acc: 0, extra_info: { x: 1 } }, ctx);
    expect(s).toMatchObject({ prompt: "q", label: "a, b", reward: 0, acc: false, extra: { acc: 0, extra_info: { x: 1 } } });
    expect(s.flags & rowFlags.toolError).toBeTruthy();
  });

  it("reports wrong types with field names and still fills what it can", () => {
    const s = normalizeRecord("slime", { prompt: 5, response: ["x"], index: 1.5, loss_mask: [1, "a"], tool_call_count: "3" }, { row: 4, line: 9 });
    expect(s.problems.map((p) => [p.field, p.line])).toEqual([
      ["prompt", 9],
      ["response", 9],
      ["loss_mask", 9],
      ["index", 9],
    ]);
    expect(s.tool_call_count).toBe(3); // numeric strings are accepted
    expect(s.index).toBe(1);
    expect(s.flags & rowFlags.wrongTypes).toBeTruthy();
  });

  it("marks a non-object record", () => {
    const s = normalizeRecord("slime", [1, 2], ctx);
    expect(s.problems[0]!.kind).toBe("not_object");
    expect(s.flags).toBe(rowFlags.notObject);
  });

  it("reads slime's ReTool prompt (no newline after the role) as system and user messages", () => {
    const prompt = "<|im_start|>systemYou are helpful.\n# Tools\n\nYou may call one or more functions <tools></tools>\n<|im_end|>\n<|im_start|>userWhat is <x>?<|im_end|>\n<|im_start|>assistant";
    const s = normalizeRecord("slime", { prompt, response: "r", reward: 1 }, ctx);
    expect(s.prompt_messages).toEqual([
      { role: "system", content: "You are helpful.\n# Tools\n\nYou may call one or more functions <tools></tools>\n" },
      { role: "user", content: "What is <x>?" },
    ]);
    expect(previewOf(s)).toBe("What is <x>?");
  });

  it("keeps NaN and Infinity rewards by name, flags them and says why", () => {
    const nan = normalizeRecord("slime", { prompt: "p", response: "r", reward: Number.NaN }, ctx);
    expect(nan).toMatchObject({ reward: null, reward_nonfinite: "NaN" });
    expect(nan.flags & rowFlags.nonFiniteReward).toBeTruthy();
    expect(nan.flags & rowFlags.wrongTypes).toBe(0);
    expect(nan.problems).toEqual([expect.objectContaining({ kind: "nonfinite_reward", message: expect.stringContaining("reward is NaN") })]);
    expect(normalizeRecord("slime", { prompt: "p", response: "r", reward: { score: Number.NEGATIVE_INFINITY, acc: false } }, ctx).reward_nonfinite).toBe("-Infinity");
    expect(normalizeRecord("verl", { input: "p", output: "r", score: Number.POSITIVE_INFINITY }, ctx).reward_nonfinite).toBe("Infinity");
    expect(normalizeRecord("slime", { prompt: "p", response: "r", reward: 0.5 }, ctx).reward_nonfinite).toBeUndefined();
  });

  it("flags chat tool calls whose arguments are not JSON and calls no tool message answers", () => {
    const call = (id: string | undefined, args: string) => ({ ...(id ? { id } : {}), type: "function", function: { name: "code_interpreter", arguments: args } });
    const s = normalizeRecord(
      "chat",
      {
        messages: [
          { role: "user", content: "q" },
          { role: "assistant", content: "", tool_calls: [call("c1", '{"code": "print(1)"'), call("c2", '{"code": "print(2)"}')] },
          { role: "tool", tool_call_id: "c1", content: "1" },
          { role: "assistant", content: "", tool_calls: [call(undefined, '{"code": "print(3)"}')] },
          { role: "tool", content: "3" },
          { role: "assistant", content: "Answer: \\boxed{3}" },
        ],
      },
      ctx,
    );
    expect(s.problems.map((p) => [p.kind, p.field])).toEqual([
      ["bad_tool_call", "messages[1].tool_calls[0].arguments"],
      ["bad_tool_call", "messages[1].tool_calls[1]"],
    ]);
    expect(s.problems[1]!.message).toBe("tool call code_interpreter (c2) has no tool reply");
    expect(s.flags & rowFlags.badToolCall).toBeTruthy();
    expect(s.flags & rowFlags.wrongTypes).toBe(0);
  });
});
