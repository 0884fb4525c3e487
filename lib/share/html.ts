// The page shell and text helpers of the read-only pages that are not a sample (an Editor session,
// a Traffic call). Same stylesheet and rules as the exports (lib/data/export-html.ts): inline CSS,
// no script, every recorded string through `esc`. Isomorphic (pure).
import { CSS, esc } from "@/lib/data/export-html";

export { esc };

/** Characters shown before "show all": a 2 MB line with no spaces must not make a 2 MB-tall page. */
export const HEAD_CHARS = 20_000;

/** Long text: the head in a <pre>, the rest behind a <details> that says how much there is. */
export function longPre(text: string, testId: string): string {
  if (text.length <= HEAD_CHARS) return `<pre data-testid="${testId}">${esc(text)}</pre>`;
  return (
    `<pre data-testid="${testId}">${esc(text.slice(0, HEAD_CHARS))}</pre>` +
    `<details data-testid="${testId}-more"><summary>show all ${text.length.toLocaleString("en")} characters (${(text.length - HEAD_CHARS).toLocaleString("en")} more)</summary>` +
    `<pre>${esc(text.slice(HEAD_CHARS))}</pre></details>`
  );
}

/** A key/value strip (values are escaped here). */
export function metaHtml(pairs: [string, string | number | null | undefined][]): string {
  return `<div class="meta" data-testid="export-meta">${pairs
    .filter(([, v]) => v !== undefined && v !== null && v !== "")
    .map(([k, v]) => `<span>${esc(k)} <b>${esc(String(v))}</b></span>`)
    .join("")}</div>`;
}

const EXTRA_CSS = `
.files{font:12px/1.6 ui-monospace,monospace;margin:0;padding-left:1.25rem}.files .d{color:#4f46e5}
.note{font-size:.8rem;color:#71717a}
.ok{color:#166534}.err{color:#991b1b}
.scroll{max-height:26rem;overflow:auto}
`;

export function htmlPage({ title, banner, body, footer }: { title: string; banner?: string; body: string; footer: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(title)}</title><style>${CSS}${EXTRA_CSS}</style></head>
<body><main>
${banner ? `<div class="card banner" data-testid="share-banner">${esc(banner)}</div>` : ""}
<h1 data-testid="export-title">${esc(title)}</h1>
${body}
<footer>${esc(footer)}</footer>
</main></body></html>
`;
}
