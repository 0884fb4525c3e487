import { describe, expect, it } from "vitest";
import { formatRetoolPrompt } from "@/lib/rollout/template";
import { sampleHtml } from "./export-html";
import type { NormalizedSample } from "./types";

const sample: NormalizedSample = {
  row: 3, line: 4, format: "slime", index: 3, group_index: 0, prompt: formatRetoolPrompt("Is <b>2+2</b> four?"),
  response: 'Check.\n<code>\nprint("<script>alert(1)</script>")\n</code>\n\n<interpreter>\nOutput:\n<script>alert(1)</script>\n</interpreter>\n\nAnswer: \\boxed{4}',
  label: "4", reward: null, reward_nonfinite: "NaN", acc: null, status: "completed", tool_call_count: 1, response_length: 3,
  tokens: [1, 2, 3, 4, 5], loss_mask: [1, 0, 1], rollout_log_probs: [-0.5, 0, -0.25],
  per_token: { log_probs: [-0.1, 0, -0.25], rollout_log_probs: [-0.5, 0, -0.25] }, extra: {}, problems: [], flags: 0,
};

describe("sampleHtml", () => {
  const html = sampleHtml({ sample, source: "dumps/<x>.pt", pieces: ["<a", "b>", "c", "d", "e"], generatedAt: "2026-12-07T18:00:00Z" });

  it("is self-contained: no script, no external resource, a CSP that forbids both", () => {
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it("shows dataset text as text", () => {
    expect(html).toContain("Is &lt;b&gt;2+2&lt;/b&gt; four?");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("dumps/&lt;x&gt;.pt · row 3");
    expect(html).toContain("&lt;tools&gt;&lt;/tools&gt;");
  });

  it("carries the transcript, the NaN reward, the token mask and logprobs, and the heatmap", () => {
    expect(html.match(/data-testid="export-turn"/g)).toHaveLength(2);
    expect(html).toContain('<span class="flag">NaN</span>');
    expect(html).toContain('class="m1" title="id 3 · loss mask 1 · rollout logprob -0.5000');
    expect(html).toContain('class="m0" title="id 4 · loss mask 0');
    expect(html).toContain('data-testid="export-heatmap"');
    expect(html).toContain("|Δlogp| 0.4000");
  });
});
