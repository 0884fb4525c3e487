"use client";

import { useEffect, useState } from "react";
import { CodeBlock } from "@/components/chat/code-block";
import { LongText } from "@/components/inspect/long-text";
import { CopyLink } from "@/components/share/copy-link";
import { ShareMenu } from "@/components/share/share-menu";
import { Button } from "@/components/ui/button";
import { readErrorEnvelope } from "@/lib/errors";
import { clientName } from "@/lib/traffic/client";
import { latencyMs } from "@/lib/traffic/filter";
import type { TrafficRecord } from "@/lib/traffic/types";
import { OutcomeBadge } from "./outcome-badge";

// One call in full: what the client sent (code, stdin, files) and what it got back.

/** Highlighting is for reading code, not for 256 KB blobs: past this the code is plain, cut text. */
const HIGHLIGHT_MAX = 20_000;

function Section({ title, children, testId, note }: { title: string; children: React.ReactNode; testId?: string; note?: string }) {
  return (
    <section data-testid={testId} className="min-w-0 space-y-1">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-600">
        {title}
        {note && <span className="ml-2 font-normal normal-case tracking-normal text-amber-700">{note}</span>}
      </h3>
      {children}
    </section>
  );
}

function Text({ text, testId }: { text: string; testId: string }) {
  return (
    <div className="max-h-80 overflow-auto rounded-md bg-zinc-50 p-2 ring-1 ring-zinc-200">
      <LongText text={text} testId={testId} />
    </div>
  );
}

function Fact({ k, v }: { k: string; v: React.ReactNode }) {
  return (
    <>
      <dt className="text-zinc-500">{k}</dt>
      <dd className="min-w-0 truncate font-mono text-zinc-900">{v}</dd>
    </>
  );
}

export function TrafficDetail({ id, onClose, editorAssets = [] }: { id: string; onClose: () => void; editorAssets?: string[] }) {
  const [record, setRecord] = useState<TrafficRecord | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ctl = new AbortController();
    setRecord(null);
    setError(null);
    fetch(`/api/traffic/${encodeURIComponent(id)}`, { signal: ctl.signal, cache: "no-store" })
      .then(async (res) => {
        if (!res.ok) throw new Error((await readErrorEnvelope(res)).message);
        setRecord((await res.json()) as TrafficRecord);
      })
      .catch((e: unknown) => {
        if (!ctl.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      });
    return () => ctl.abort();
  }, [id]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  const cut = (f: string) => {
    if (!record?.truncated?.includes(f)) return undefined;
    const was = record.original_sizes?.[f];
    const kept = (record as Record<string, unknown>)[f];
    const keptLen = typeof kept === "string" ? kept.length : 0;
    return was ? `cut for the log: first ${keptLen.toLocaleString()} of ${was.toLocaleString()} characters kept` : "cut for the log";
  };
  const canOpen = record?.code !== undefined && record.tool_name !== "file_operation";

  return (
    <aside
      data-testid="traffic-detail"
      className="absolute inset-y-0 right-0 z-10 flex w-[min(760px,62%)] min-w-0 flex-col border-l border-zinc-300 bg-white shadow-xl"
    >
      <div className="flex items-center gap-2 border-b border-zinc-200 px-4 py-2">
        <h2 className="min-w-0 flex-1 truncate text-sm font-semibold text-zinc-900">
          {record ? `${record.method} ${record.route}` : `Call ${id}`}
        </h2>
        {record && canOpen && (
          // A new tab: the live list, its filters and this call stay as they are. The Editor's
          // Monaco files are prefetched meanwhile, so the new tab finds them in the cache.
          <form method="post" action={`/api/traffic/${encodeURIComponent(record.id)}/open`} target="_blank">
            {editorAssets.map((href) => (
              <link key={href} rel="prefetch" href={href} />
            ))}
            <Button type="submit" size="sm" variant="primary" data-testid="open-in-editor" title="A new Editor session with this code, language and stdin, in a new tab">
              Open in Editor ↗
            </Button>
          </form>
        )}
        {record?.api === "ms-enclave" && record.sandbox_id && record.backend && (
          <a
            data-testid="open-sandbox-session"
            className="text-xs text-indigo-700 underline"
            href={`/editor?session=${encodeURIComponent(record.sandbox_id)}&backend=${record.backend}`}
            title="The ms-enclave sandbox is an Editor session while it lives"
          >
            sandbox session
          </a>
        )}
        {record?.api === "e2b" && record.sandbox_id && (
          <a
            data-testid="open-e2b-sandbox"
            className="text-xs text-indigo-700 underline"
            href={`/editor?session=e2b-${encodeURIComponent(record.sandbox_id)}&backend=docker`}
            title="Attach: the live E2B sandbox opens in the Editor beside the job that uses it"
          >
            attach
          </a>
        )}
        <CopyLink />
        <ShareMenu target={{ kind: "traffic_call", call: id }} />
        <Button size="sm" variant="ghost" data-testid="traffic-detail-close" onClick={onClose} aria-label="Close">
          ✕
        </Button>
      </div>
      <div className="min-h-0 flex-1 space-y-4 overflow-y-auto px-4 py-3">
        {error && (
          <p data-testid="traffic-detail-error" className="text-sm text-red-700">
            {error}
          </p>
        )}
        {!record && !error && <p className="text-sm text-zinc-500">Loading…</p>}
        {record && (
          <>
            <dl className="grid grid-cols-[max-content_minmax(0,1fr)_max-content_minmax(0,1fr)] gap-x-3 gap-y-1 text-xs">
              <Fact k="status" v={<OutcomeBadge outcome={record.outcome} />} />
              <Fact k="reported" v={`${record.status} · HTTP ${record.http_status}`} />
              <Fact k="time" v={new Date(record.time).toLocaleString()} />
              <Fact
                k="client"
                v={
                  <span data-testid="detail-client" title={record.user_agent}>
                    {[clientName(record.user_agent), record.client].filter(Boolean).join(" · ")}
                  </span>
                }
              />
              {record.key_id && <Fact k="key" v={<span title="The first 8 hex digits of the SHA-256 of the key the client sent">{record.key_id}</span>} />}
              {record.session_id && <Fact k="session" v={record.session_id} />}
              <Fact k="latency" v={`${Math.round(latencyMs(record))} ms (queue ${Math.round(record.queue_ms)} + run ${Math.round(record.run_ms)})`} />
              <Fact k="backend" v={<span data-testid="detail-isolation">{record.isolation ?? record.backend ?? "–"}</span>} />
              {record.cold_ms !== undefined && (
                <Fact k="sandbox" v={<span data-testid="detail-cold">cold: waited {Math.round(record.cold_ms)} ms for one to be made (no warm sandbox was ready)</span>} />
              )}
              <Fact k="language" v={record.language ?? "–"} />
              <Fact k="exit code" v={record.return_code ?? "–"} />
              {record.tool_name && <Fact k="tool" v={record.tool_name} />}
              {record.sandbox_id && <Fact k="sandbox" v={record.sandbox_id} />}
              {record.user_agent && <Fact k="agent" v={record.user_agent} />}
            </dl>
            {record.message && (
              <Section title="Message" testId="detail-message">
                <Text text={record.message} testId="detail-message-text" />
              </Section>
            )}
            {record.code !== undefined && (
              <Section title="Code" testId="detail-code" note={cut("code")}>
                {record.code.length <= HIGHLIGHT_MAX ? (
                  <CodeBlock code={record.code} className="max-h-96 whitespace-pre-wrap break-all" testId="detail-code-text" />
                ) : (
                  <Text text={record.code} testId="detail-code-text" />
                )}
              </Section>
            )}
            {record.stdin ? (
              <Section title="stdin" testId="detail-stdin" note={cut("stdin")}>
                <Text text={record.stdin} testId="detail-stdin-text" />
              </Section>
            ) : null}
            <Section title="stdout" testId="detail-stdout" note={cut("stdout")}>
              {record.stdout ? <Text text={record.stdout} testId="detail-stdout-text" /> : <p className="text-xs text-zinc-500">(empty)</p>}
            </Section>
            {record.stderr ? (
              <Section title="stderr" testId="detail-stderr" note={cut("stderr")}>
                <Text text={record.stderr} testId="detail-stderr-text" />
              </Section>
            ) : null}
            {Boolean(record.files?.length || record.fetched_files?.length) && (
              <Section title="Files" testId="detail-files">
                <ul className="space-y-0.5 font-mono text-xs">
                  {record.files?.map((f) => (
                    <li key={`in:${f.name}`} className="truncate">
                      → {f.name} <span className="text-zinc-500">({f.size.toLocaleString()} B)</span>
                    </li>
                  ))}
                  {record.fetched_files?.map((f) => (
                    <li key={`out:${f.name}`} className="truncate">
                      ← {f.name} <span className="text-zinc-500">({f.size.toLocaleString()} B)</span>
                    </li>
                  ))}
                </ul>
              </Section>
            )}
          </>
        )}
      </div>
    </aside>
  );
}
