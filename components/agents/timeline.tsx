"use client";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { TemplateMessage } from "@/lib/service/agent-proxy/messages";
import type { SandboxCallRow, TurnRow } from "@/lib/service/agent-proxy/view-types";
import { TokenPanel } from "./token-panel";

// The session in time order: each model turn (the prompt's new messages, the answer, its tokens)
// and, between them, the sandbox calls made with the session's key: the model's tool call, then
// the command that ran and what it printed.

/** Newest entries shown by default; a 500-turn session stays cheap to draw. */
const SHOWN = 60;

function Clip({ text, limit = 600 }: { text: string; limit?: number }) {
  const [all, setAll] = useState(false);
  if (text.length <= limit || all) return <span className="whitespace-pre-wrap break-words">{text}</span>;
  return (
    <span className="whitespace-pre-wrap break-words">
      {text.slice(0, limit)}
      <button className="ml-1 text-indigo-700 underline" onClick={() => setAll(true)}>
        show more ({text.length - limit} more characters)
      </button>
    </span>
  );
}

function Message({ m }: { m: TemplateMessage }) {
  return (
    <div className="rounded bg-zinc-50 px-2 py-1 text-xs" data-testid="agent-message" data-role={m.role}>
      <span className="mr-1 font-semibold text-zinc-600">{m.role}</span>
      {m.reasoning_content ? (
        <span className="block italic text-zinc-500">
          <Clip text={m.reasoning_content} limit={300} />
        </span>
      ) : null}
      {m.content ? <Clip text={m.content} /> : null}
      {(m.tool_calls ?? []).map((c, i) => (
        <code key={i} className="mt-0.5 block rounded bg-indigo-50 px-1 text-indigo-900" data-testid="agent-tool-call">
          {c.function.name}({JSON.stringify(c.function.arguments)})
        </code>
      ))}
    </div>
  );
}

function TurnCard({ sid, t }: { sid: string; t: TurnRow }) {
  const [tokens, setTokens] = useState(false);
  const drift = t.drift_at !== null && t.held !== null ? t.held - t.drift_at : 0;
  return (
    <li className="flex flex-col gap-1 rounded-lg bg-white p-2 ring-1 ring-zinc-200" data-testid="agent-turn" data-turn={t.index}>
      <div className="flex flex-wrap items-center gap-1.5 text-xs text-zinc-700">
        <span className="font-semibold">turn {t.index}</span>
        <Badge tone="blue">{t.api}</Badge>
        <Badge tone={t.finish_reason === "length" ? "amber" : "zinc"}>{t.finish_reason}</Badge>
        {t.ill_formed && (
          <Badge tone="red" data-testid="agent-ill-formed" title={t.ill_formed_reason}>
            ill-formed
          </Badge>
        )}
        {!t.tokens_exact && <Badge tone="amber" title="An OpenAI upstream answered: these ids are a re-tokenization, with no logprobs. Do not train on them.">tokens not the model's</Badge>}
        <span>
          prompt {t.prompt_len} · output {t.output_len} tokens · {Math.round(t.duration_ms)} ms ({Math.round(t.upstream_ms)} model){t.stream ? " · streamed" : ""}
        </span>
        {t.drift_at !== null && (
          <span className={drift > 0 ? "text-red-700" : "text-green-800"} data-testid="agent-turn-drift">
            {drift > 0 ? `drift: prompt leaves the held tokens at ${t.drift_at} (${drift} of ${t.held} differ)` : "prompt extends the previous turn cleanly"}
          </span>
        )}
        <span className="flex-1" />
        <Button size="sm" variant="ghost" data-testid="agent-turn-tokens" onClick={() => setTokens((x) => !x)}>
          {tokens ? "Hide tokens" : "Tokens"}
        </Button>
      </div>
      {t.prompt_head > 0 && <p className="text-[11px] text-zinc-400">… {t.prompt_head} earlier messages</p>}
      {t.prompt_tail.map((m, i) => (
        <Message key={i} m={m} />
      ))}
      {t.response && (
        <div className="border-l-2 border-green-500 pl-1">
          <Message m={t.response} />
        </div>
      )}
      {tokens && <TokenPanel url={`/api/agents/${encodeURIComponent(sid)}/turns/${t.index}`} />}
    </li>
  );
}

function CallCard({ c }: { c: SandboxCallRow }) {
  return (
    <li className="flex flex-col gap-1 rounded-lg bg-amber-50 p-2 text-xs ring-1 ring-amber-200" data-testid="agent-sandbox-call">
      <div className="flex flex-wrap items-center gap-1.5 text-zinc-700">
        <span className="font-semibold">sandbox</span>
        <Badge tone="amber">{c.api}</Badge>
        <span className="font-mono">{c.route}</span>
        {c.tool_name && <span>{c.tool_name}</span>}
        {c.language && <span>{c.language}</span>}
        <Badge tone={c.outcome === "success" ? "green" : "red"}>{c.status}</Badge>
        <span>{Math.round(c.run_ms)} ms</span>
        {/* Chat's tool runs happen in process and are not Traffic calls. */}
        {c.api !== "chat" && (
          <a className="text-indigo-700 underline" href={`/traffic?call=${c.id}`}>
            in Traffic
          </a>
        )}
      </div>
      {c.code && (
        <pre className="rounded bg-white px-1">
          <Clip text={c.code} limit={400} />
        </pre>
      )}
      {c.stdout && (
        <pre className="rounded bg-white px-1 text-green-900">
          <Clip text={c.stdout} limit={400} />
        </pre>
      )}
      {c.stderr && (
        <pre className="rounded bg-white px-1 text-red-800">
          <Clip text={c.stderr} limit={400} />
        </pre>
      )}
      {c.message && !c.stdout && !c.stderr && <p className="text-zinc-600">{c.message}</p>}
    </li>
  );
}

type Entry = { kind: "turn"; time: number; t: TurnRow } | { kind: "call"; time: number; c: SandboxCallRow };

export function Timeline({ sid, turns, omitted, onShowAll, calls }: { sid: string; turns: TurnRow[]; omitted: number; onShowAll: () => void; calls: SandboxCallRow[] }) {
  const [all, setAll] = useState(false);
  // Sandbox calls older than the first turn sent belong to the omitted part.
  const since = omitted > 0 && turns[0] ? turns[0].time : -Infinity;
  const entries: Entry[] = [
    ...turns.map((t): Entry => ({ kind: "turn", time: t.time, t })),
    ...calls.filter((c) => c.time >= since).map((c): Entry => ({ kind: "call", time: c.time, c })),
  ].sort((a, b) => a.time - b.time);
  const shown = all ? entries : entries.slice(-SHOWN);
  if (!entries.length) return <p className="text-xs text-zinc-500">No turns yet.</p>;
  const earlier = entries.length - shown.length + omitted;
  return (
    <div className="flex flex-col gap-1.5">
      {earlier > 0 && (
        <Button
          size="sm"
          onClick={() => {
            setAll(true);
            if (omitted) onShowAll();
          }}
          data-testid="agent-timeline-all"
        >
          Show {earlier} earlier entries
        </Button>
      )}
      <ol className="flex flex-col gap-1.5" data-testid="agent-timeline">
        {shown.map((e) => (e.kind === "turn" ? <TurnCard key={`t${e.t.index}`} sid={sid} t={e.t} /> : <CallCard key={`c${e.c.id}`} c={e.c} />))}
      </ol>
    </div>
  );
}
