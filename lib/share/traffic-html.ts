// A Traffic call as a read-only page: the request (who, what, code, stdin, files), the response
// (status, output, message) and its timing. Isomorphic (pure).
import { clientName } from "@/lib/traffic/client";
import { latencyMs } from "@/lib/traffic/filter";
import type { TrafficRecord } from "@/lib/traffic/types";
import { esc, htmlPage, longPre, metaHtml } from "./html";

function cutNote(r: TrafficRecord, field: string): string {
  if (!r.truncated?.includes(field)) return "";
  const was = r.original_sizes?.[field];
  return `<p class="note">cut for the log${was ? `: ${was.toLocaleString("en")} characters were sent` : ""}</p>`;
}

function section(r: TrafficRecord, field: "code" | "stdin" | "stdout" | "stderr" | "message", label: string, cls = ""): string {
  const v = r[field];
  if (v === undefined || v === "") return "";
  return `<div class="label">${esc(label)} (${v.length.toLocaleString("en")} characters)</div>${cutNote(r, field)}<div class="card scroll ${cls}" data-testid="share-call-${field}">${longPre(v, `share-call-${field}-text`)}</div>`;
}

function fileList(files: TrafficRecord["files"], arrow: string): string {
  if (!files?.length) return "";
  return `<ul class="files card">${files.map((f) => `<li>${arrow} ${esc(f.name)} <span class="note">${f.size.toLocaleString("en")} B</span></li>`).join("")}</ul>`;
}

const ms = (x: number) => `${Math.round(x).toLocaleString("en")} ms`;

export function trafficHtml({ record: r, generatedAt, banner }: { record: TrafficRecord; generatedAt: string; banner?: string }): string {
  const title = `${r.method} ${r.route} · ${new Date(r.time).toISOString().replace("T", " ").slice(0, 23)} UTC`;
  const body = `
<div class="meta" data-testid="share-call-summary"><span>outcome <b class="${r.outcome === "success" ? "ok" : "err"}">${esc(r.outcome)}</b></span><span>latency <b>${ms(latencyMs(r))}</b></span><span>from <b>${esc(clientName(r.user_agent) ?? r.client)}</b></span></div>
<h2>Request</h2>
${metaHtml([
  ["client", r.client],
  ["sent by", clientName(r.user_agent)],
  ["key", r.key_id],
  ["session", r.session_id],
  ["api", r.api],
  ["tool", r.tool_name],
  ["language", r.language],
])}
${r.user_agent ? `<p class="note" data-testid="share-call-agent">User-Agent: ${esc(r.user_agent)}</p>` : ""}
${section(r, "code", "code", "code")}
${section(r, "stdin", "stdin")}
${fileList(r.files, "→")}
<h2>Response</h2>
<div class="meta" data-testid="share-call-status"><span>outcome <b class="${r.outcome === "success" ? "ok" : "err"}">${esc(r.outcome)}</b></span><span>reported <b>${esc(r.status)} · HTTP ${r.http_status}</b></span>${r.return_code !== undefined && r.return_code !== null ? `<span>exit code <b>${r.return_code}</b></span>` : ""}</div>
${section(r, "message", "message", "bad")}
${section(r, "stdout", "stdout", "obs")}
${section(r, "stderr", "stderr", "obs")}
${!r.stdout && !r.stderr && !r.message ? `<p class="note">(no output)</p>` : ""}
${fileList(r.fetched_files, "←")}
<h2>Timing</h2>
<div class="meta" data-testid="share-call-timing">${[
    ["latency", ms(latencyMs(r))],
    ["queue", ms(r.queue_ms)],
    ["run", ms(r.run_ms)],
    ...(r.cold_ms !== undefined ? [["cold sandbox", ms(r.cold_ms)]] : []),
    ["backend", r.isolation ?? r.backend ?? "–"],
    ...(r.sandbox_id ? [["sandbox", r.sandbox_id]] : []),
  ]
    .map(([k, v]) => `<span>${esc(k!)} <b>${esc(v!)}</b></span>`)
    .join("")}</div>`;
  return htmlPage({ title, banner, body, footer: `Read-only view of a Traffic call (${r.id}), written ${generatedAt}. No scripts: nothing here runs.` });
}
