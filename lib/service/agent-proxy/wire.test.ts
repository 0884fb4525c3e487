import { describe, expect, it } from "vitest";
import { anthropicWire, foldMidListSystem, translateAnthropicMessages } from "./anthropic";
import { buildOpenAiReply, openAiWire, translateOpenAiMessages } from "./openai";

const headers = (h: Record<string, string>) => new Headers(h);

describe("session id from the caller's key, as slime reads it", () => {
  it("OpenAI: Bearer, then metadata.session_id, then user, else default", () => {
    expect(openAiWire.sessionId(headers({ authorization: "Bearer sid-1" }), { user: "u" })).toBe("sid-1");
    expect(openAiWire.sessionId(headers({}), { metadata: { session_id: "m" }, user: "u" })).toBe("m");
    expect(openAiWire.sessionId(headers({}), { user: "u" })).toBe("u");
    expect(openAiWire.sessionId(headers({}), {})).toBe("default");
  });
  it("Anthropic: Bearer wins over X-Api-Key", () => {
    expect(anthropicWire.sessionId(headers({ authorization: "Bearer b", "x-api-key": "k" }), {})).toBe("b");
    expect(anthropicWire.sessionId(headers({ "x-api-key": " k " }), {})).toBe("k");
    expect(anthropicWire.sessionId(headers({}), {})).toBe("default");
  });
});

describe("translation to chat-template messages", () => {
  it("OpenAI: ids dropped, arguments a mapping, developer is system, unknown roles dropped", () => {
    const out = translateOpenAiMessages([
      { role: "developer", content: [{ type: "text", text: "be brief" }] },
      { role: "user", content: "hi" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "bash", arguments: '{"cmd": "ls"}' } }] },
      { role: "tool", tool_call_id: "call_1", content: "a.txt" },
      { role: "assistant", content: "x", tool_calls: [{ id: "c", function: { name: "bash", arguments: "{not json" } }] },
      { role: "function", content: "dropped" },
    ]);
    expect(out).toEqual([
      { role: "system", content: "be brief" },
      { role: "user", content: "hi" },
      { role: "assistant", content: "", tool_calls: [{ type: "function", function: { name: "bash", arguments: { cmd: "ls" } } }] },
      { role: "tool", content: "a.txt" },
      { role: "assistant", content: "x", tool_calls: [{ type: "function", function: { name: "bash", arguments: { _raw_arguments: "{not json" } } }] },
    ]);
  });

  it("Anthropic: system first, tool_result blocks become tool messages, thinking becomes reasoning", () => {
    const out = translateAnthropicMessages(
      [
        { role: "user", content: "go" },
        { role: "assistant", content: [{ type: "thinking", thinking: "hm" }, { type: "text", text: "ok" }, { type: "tool_use", id: "toolu_1", name: "bash", input: { cmd: "ls" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "a.txt" }] }, { type: "text", text: "and?" }] },
      ],
      [{ type: "text", text: "sys" }],
    );
    expect(out).toEqual([
      { role: "system", content: "sys" },
      { role: "user", content: "go" },
      { role: "assistant", content: "ok", reasoning_content: "hm", tool_calls: [{ type: "function", function: { name: "bash", arguments: { cmd: "ls" } } }] },
      { role: "tool", content: "a.txt" },
      { role: "user", content: "and?" },
    ]);
  });

  it("Anthropic: a system message mid-list folds into the user message before it", () => {
    const body: Record<string, unknown> = { messages: [{ role: "user", content: "a" }, { role: "assistant", content: "b" }, { role: "system", content: "note" }] };
    foldMidListSystem(body);
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "a" }, { type: "text", text: "<system-reminder>\nnote\n</system-reminder>\n" }] },
      { role: "assistant", content: "b" },
    ]);
  });
});

describe("the reply the agent gets and the message the trajectory records", () => {
  it("OpenAI: content null beside a call, arguments as sorted JSON, only the first call echoed", () => {
    const r = buildOpenAiReply(
      { reasoning: "think", text: "Looking", tool_uses: [{ name: "bash", input: { z: 1, a: "é" } }, { name: "bash", input: { cmd: "2" } }], ill_formed: false },
      "stop",
    );
    expect(r.wire.message.content).toBeNull();
    expect(r.wire.message.reasoning_content).toBe("think");
    expect(r.wire.message.tool_calls).toHaveLength(1);
    expect(r.wire.message.tool_calls![0]!.function.arguments).toBe('{"a": "é", "z": 1}');
    expect(r.wire.finish).toBe("tool_calls");
    expect(r.manager_message).toEqual({ role: "assistant", content: "", tool_calls: [{ type: "function", function: { name: "bash", arguments: { z: 1, a: "é" } } }] });
    expect(r.finish_reason).toBe("tool_calls");
  });
});
