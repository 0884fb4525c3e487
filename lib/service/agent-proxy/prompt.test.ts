// The agent proxy's prompt: Qwen3's template run as code must render exactly what the Jinja template
// renders, under @huggingface/jinja here and under Python's jinja2 set up as transformers does
// (Debian's python3-jinja2); and the segment-cached tokenization must give exactly the ids of
// encoding the whole text.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { Template } from "@huggingface/jinja";
import { beforeAll, describe, expect, it } from "vitest";
import { embeddedTokenizer, type TokenCounter } from "@/lib/rollout/tokens";
import { buildEncoder, segmentedEncoder } from "./prompt";
import { renderQwen3 } from "./qwen3-template";
import { bashTool, templateCases } from "./testing/template-cases";

let tok: TokenCounter;
beforeAll(async () => {
  const r = await embeddedTokenizer();
  if (!r.ok) throw new Error(r.error.message);
  tok = r.value;
});

describe("Qwen3's chat template as code", () => {
  it("renders every case exactly as Python's jinja2 renders the shipped template (transformers' environment)", () => {
    const script = path.join(__dirname, "testing/render_template.py");
    const out = execFileSync("python3", [script], {
      input: JSON.stringify({ template: tok.chatTemplate, cases: templateCases }),
      encoding: "utf8",
    });
    const expected = JSON.parse(out) as string[];
    expect(expected).toHaveLength(templateCases.length);
    templateCases.forEach((c, i) => {
      expect(renderQwen3(c.messages, c.tools, c.add_generation_prompt, c.kwargs), c.name).toBe(expected[i]);
    });
  });

  it("agrees with @huggingface/jinja on the same cases (the interpreter used for other models' templates)", () => {
    const t = new Template(tok.chatTemplate!);
    for (const c of templateCases) {
      const viaJinja = t.render({ ...c.kwargs, messages: c.messages as never, ...(c.tools ? { tools: c.tools as never } : {}), add_generation_prompt: c.add_generation_prompt });
      expect(renderQwen3(c.messages, c.tools, c.add_generation_prompt, c.kwargs), c.name).toBe(viaJinja);
    }
  });

  it("another model's template (PLAYGROUND_TOKENIZER_DIR) is interpreted by Jinja and renders the same history", () => {
    // Any template text other than the shipped one takes the Jinja path.
    const other = `${tok.chatTemplate!}{#- another model #}`;
    const enc = buildEncoder(tok, other, tok.chatTemplate);
    if (!enc.ok) throw new Error(enc.error.message);
    expect(enc.value.templateKind).toBe("jinja");
    for (const c of templateCases) {
      const r = enc.value.render(c.messages, c.tools, c.add_generation_prompt, c.kwargs);
      expect(r, c.name).toEqual({ ok: true, value: renderQwen3(c.messages, c.tools, c.add_generation_prompt, c.kwargs) });
    }
    const broken = buildEncoder(tok, "{% if %}", tok.chatTemplate);
    if (!broken.ok) throw new Error(broken.error.message);
    expect(broken.value.render([{ role: "user", content: "x" }], null)).toMatchObject({ ok: false, error: { code: "bad_request:chat_template" } });
  });

  it("an empty history is an error value, not a crash", () => {
    const enc = buildEncoder(tok, tok.chatTemplate!, tok.chatTemplate);
    if (!enc.ok) throw new Error(enc.error.message);
    expect(enc.value.templateKind).toBe("qwen3");
    expect(enc.value.render([], [bashTool])).toMatchObject({ ok: false, error: { code: "bad_request:chat_template" } });
  });
});

describe("segment-cached tokenization", () => {
  it("gives the ids of encoding the whole text, turn after turn of a growing history", () => {
    const encode = segmentedEncoder(tok.encode!, tok.specialTokens ?? []);
    const c = templateCases[3]!;
    for (let n = 1; n <= c.messages.length; n++) {
      const text = renderQwen3(c.messages.slice(0, n), c.tools, true);
      expect(encode(text)).toEqual(tok.encode!(text));
      // Second time from the cache: the same ids.
      expect(encode(text)).toEqual(tok.encode!(text));
    }
  });

  it("keeps ids exact where text meets a special token without a newline, and in text holding special-token look-alikes", () => {
    const encode = segmentedEncoder(tok.encode!, tok.specialTokens ?? []);
    for (const text of ["abc<|im_end|>def", "<|im_start|>user\n<|im_start|x|> 1<|im_end|><|endoftext|>", "  spaces  <|im_end|>  ", "日本語<|im_start|>テキスト", ""]) {
      expect(encode(text), text).toEqual(tok.encode!(text));
    }
  });

  it("reuses the previous text's segments only where they still hold: a rewritten middle, a cut inside a special token, a shorter text, text after a matched segment", () => {
    const encode = segmentedEncoder(tok.encode!, tok.specialTokens ?? []);
    const seq = [
      "<|im_start|>system\nA<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n",
      "<|im_start|>system\nA<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nok<|im_end|>\n<|im_start|>user\nmore<|im_end|>\n<|im_start|>assistant\n",
      // the middle rewritten (a compaction): only the first segment still holds
      "<|im_start|>system\nA<|im_end|>\n<|im_start|>user\nHI THERE<|im_end|>\n<|im_start|>assistant\nok<|im_end|>\n",
      // ends inside a special token, then the next text completes it
      "<|im_start|>system\nA<|im_end|>\n<|im_start|>user\nHI THERE<|im_",
      "<|im_start|>system\nA<|im_end|>\n<|im_start|>user\nHI THERE<|im_end|>\n",
      // the last segment's text goes on without a special token (it merges into one BPE run)
      "<|im_start|>system\nA<|im_end|>\n<|im_start|>user\nHI THERE<|im_end|>\nword",
      "<|im_start|>system\nA<|im_end|>\n<|im_start|>user\nHI THERE<|im_end|>\nwordsmith and more",
      "<|im_start|>system\nA",
      "",
      "plain text without any special token",
      "plain text without any special token<|im_end|>",
    ];
    for (const text of seq) expect(encode(text), JSON.stringify(text)).toEqual(tok.encode!(text));
  });

  it("knows Qwen3's special tokens and end-of-turn token", () => {
    expect(tok.specialTokens).toContain("<|im_start|>");
    expect(tok.specialTokens).toContain("<|im_end|>");
    expect(tok.eosToken).toBe("<|im_end|>");
  });
});
