// One sample as one self-contained HTML file: the thing a person attaches to a chat message or a
// bug report. Inline CSS, no script, no external resource, so it opens offline in any browser.
// Every dataset string goes through `esc`: dataset text is never markup. Isomorphic (pure).
import { promptParts } from "./chat-link";
import { segmentResponse } from "./segments";
import type { NormalizedSample, PerTokenKey, Segment } from "./types";

export interface SampleHtmlInput {
  sample: NormalizedSample;
  /** The file it came from (shown, and in the title). */
  source: string;
  /** Text of each token (the tokenizer's decoding); ids are shown where absent. */
  pieces?: string[] | null;
  /** When and by what it was written. */
  generatedAt: string;
  /** The area it was exported from (footer). */
  origin?: "Inspect" | "Chat";
  /** A plain-text notice shown above the title (a read-only share link says what it is). */
  banner?: string;
}

export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** The export's stylesheet, shared by the read-only pages of other things (lib/share). */
export const CSS = `
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#18181b;margin:0;background:#fafafa}
main{max-width:64rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.1rem;margin:0 0 .25rem} h2{font-size:.8rem;text-transform:uppercase;color:#71717a;margin:1.5rem 0 .5rem}
.meta{display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.8rem;color:#52525b}
.meta b{color:#18181b;font-family:ui-monospace,monospace}
.card{background:#fff;border:1px solid #e4e4e7;border-radius:.5rem;padding:.75rem;margin:.5rem 0;overflow-wrap:anywhere}
.text{white-space:pre-wrap;word-break:break-word}
pre{white-space:pre-wrap;word-break:break-all;font:12px/1.45 ui-monospace,monospace;margin:0}
.code{border-color:#c7d2fe;background:#eef2ff}.obs{border-style:dashed;background:#f4f4f5}
.answer{border-color:#86efac;background:#f0fdf4}.bad{border-color:#fca5a5;background:#fef2f2}
.label{font-size:.7rem;text-transform:uppercase;color:#6366f1;margin-bottom:.25rem}
.flag{display:inline-block;background:#fee2e2;color:#991b1b;border-radius:.25rem;padding:0 .3rem;font-weight:600}
.tokens{font:12px/1.9 ui-monospace,monospace;white-space:pre-wrap;word-break:break-all}
.tokens span{border-radius:2px}.p{color:#71717a}.m1{background:#dbeafe}.m0{background:#f4f4f5;color:#71717a;text-decoration:underline dotted}
.legend span{display:inline-block;padding:0 .4rem;margin-right:.5rem;border-radius:2px;font-size:.75rem}
details summary{cursor:pointer;color:#4f46e5}
.banner{border-color:#fcd34d;background:#fffbeb;color:#78350f}
footer{margin-top:2rem;font-size:.75rem;color:#a1a1aa}
`;

function segmentHtml(seg: Segment): string {
  switch (seg.kind) {
    case "text":
      return `<div class="card text" data-kind="text">${esc(seg.text)}</div>`;
    case "code":
      return `<div class="card code" data-kind="code"><div class="label">code · ${esc(seg.lang ?? "python")}</div><pre>${esc(seg.text)}</pre></div>`;
    case "interpreter":
      return `<div class="card obs" data-kind="interpreter"><div class="label">${esc(seg.lang ?? "interpreter output")} (recorded)</div><pre>${esc(seg.text)}</pre></div>`;
    case "answer":
      return `<div class="card answer" data-kind="answer"><div class="label">answer</div><pre>\\boxed{${esc(seg.text)}}</pre></div>`;
    case "user":
    case "system":
      return `<div class="card text" data-kind="${seg.kind}"><div class="label">${seg.kind}</div>${esc(seg.text)}</div>`;
  }
}

function fmt(x: number | undefined): string {
  return x === undefined ? "—" : Number.isFinite(x) ? x.toFixed(4) : String(x);
}

/** Tokens coloured by loss mask; each token's id, mask, logprob and per-token values in its title. */
function tokensHtml(s: NormalizedSample, pieces: string[] | null | undefined): string {
  if (!s.tokens || !s.loss_mask) return "";
  const promptLen = Math.max(0, s.tokens.length - s.loss_mask.length);
  const perToken = s.per_token ?? {};
  const keys = Object.keys(perToken) as PerTokenKey[];
  const out: string[] = [];
  s.tokens.forEach((id, i) => {
    const text = pieces?.[i] ?? `[${id}]`;
    if (i < promptLen) {
      out.push(`<span class="p" title="prompt token ${id}">${esc(text)}</span>`);
      return;
    }
    const r = i - promptLen;
    const mask = (s.loss_mask![r] ?? 0) > 0 ? 1 : 0;
    const parts = [`id ${id}`, `loss mask ${mask}`];
    const lp = s.rollout_log_probs?.[r];
    if (lp !== undefined) parts.push(`rollout logprob ${fmt(lp)}`);
    for (const k of keys) parts.push(`${k} ${fmt(perToken[k]?.[r])}`);
    out.push(`<span class="m${mask}" title="${esc(parts.join(" · "))}">${esc(text)}</span>`);
  });
  return `<h2>Tokens (${s.tokens.length}: ${promptLen} prompt, ${s.loss_mask.length} response)</h2>
<div class="legend"><span class="p">prompt</span><span class="m1">trained (mask 1)</span><span class="m0">not trained (mask 0)</span> hover a token for its id, mask and logprobs</div>
<div class="card tokens" data-testid="export-tokens">${out.join("")}</div>`;
}

/** The train dump's |log_probs − rollout_log_probs| per response token, as a coloured strip. */
function heatmapHtml(s: NormalizedSample, pieces: string[] | null | undefined): string {
  const lp = s.per_token?.log_probs;
  const rlp = s.per_token?.rollout_log_probs ?? s.rollout_log_probs;
  if (!lp || !rlp || !s.tokens || !s.loss_mask) return "";
  const promptLen = Math.max(0, s.tokens.length - s.loss_mask.length);
  const deltas = lp.map((x, i) => Math.abs(x - (rlp[i] ?? x)));
  const max = Math.max(1e-9, ...deltas.filter(Number.isFinite));
  const cells = deltas.map((d, i) => {
    const a = Math.min(1, d / max);
    const id = s.tokens![promptLen + i];
    const text = pieces?.[promptLen + i] ?? `[${id}]`;
    return `<span style="background:rgba(220,38,38,${a.toFixed(3)})" title="|Δlogp| ${fmt(d)} · log_probs ${fmt(lp[i])} · rollout_log_probs ${fmt(rlp[i])}">${esc(text)}</span>`;
  });
  return `<h2>Train vs rollout logprobs (|Δ| max ${fmt(max)})</h2><div class="card tokens" data-testid="export-heatmap">${cells.join("")}</div>`;
}

export function sampleHtml({ sample: s, source, pieces, generatedAt, origin = "Inspect", banner }: SampleHtmlInput): string {
  const { user } = promptParts(s);
  const turns = segmentResponse(s.response);
  const reward = s.reward_nonfinite ? `<span class="flag">${s.reward_nonfinite}</span>` : s.reward === null ? "—" : esc(String(s.reward));
  const meta: [string, string][] = [
    ["row", String(s.row)], ["index", String(s.index ?? "—")], ["group", String(s.group_index ?? "—")], ["status", esc(s.status ?? "—")],
    ["reward", reward], ["acc", s.acc === null ? "—" : String(s.acc)], ["label", esc((s.label ?? "—").slice(0, 500))],
    ["tool calls", String(s.tool_call_count ?? "—")], ["response length", String(s.response_length ?? "—")],
  ];
  if (s.step !== undefined && s.step !== null) meta.push(["step", String(s.step)]);
  // A Chat run is one Sample: its row number says nothing.
  const title = origin === "Chat" ? source : `${source} · row ${s.row}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><main>
${banner ? `<div class="card banner" data-testid="share-banner">${esc(banner)}</div>` : ""}
<h1 data-testid="export-title">${esc(title)}</h1>
<div class="meta" data-testid="export-meta">${meta.map(([k, v]) => `<span>${k} <b>${v}</b></span>`).join("")}</div>
${s.problems.length ? `<div class="card bad" data-testid="export-problems">${s.problems.map((p) => `<div>line ${p.line}: ${esc(p.message)}</div>`).join("")}</div>` : ""}
<h2>Problem</h2><div class="card text" data-testid="export-problem">${esc(user)}</div>
<details><summary>full prompt (${s.prompt.length.toLocaleString("en")} characters)</summary><div class="card"><pre data-testid="export-prompt">${esc(s.prompt)}</pre></div></details>
<h2>Trajectory (${turns.length} turn${turns.length === 1 ? "" : "s"})</h2>
${turns.map((t) => `<section data-testid="export-turn"><div class="label">turn ${t.index + 1}</div>${t.segments.map(segmentHtml).join("\n")}</section>`).join("\n")}
${tokensHtml(s, pieces)}
${heatmapHtml(s, pieces)}
<footer>Exported from Rollout Playground (${origin}) on ${esc(generatedAt)}. Self-contained: no scripts, no network.</footer>
</main></body></html>
`;
}
