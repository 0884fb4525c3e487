"use client";
import { useState } from "react";
import type { AgentSessionSummary } from "@/lib/service/agent-proxy/session-types";
import { SessionDetail } from "./session-detail";
import { SessionList } from "./session-list";
import { usePoll } from "./use-poll";

const keepList = (_prev: AgentSessionSummary[] | null, next: unknown) => (next as { sessions: AgentSessionSummary[] }).sessions;

/** The open session lives in the URL, so a reload or a shared link shows the same one. */
function syncUrl(sid: string | null) {
  window.history.replaceState(null, "", sid ? `/agents?sid=${encodeURIComponent(sid)}` : "/agents");
}

export function AgentsApp({ initialSid }: { initialSid: string | null }) {
  const [sid, setSid] = useState<string | null>(initialSid);
  const list = usePoll("/agent/sessions", 1000, keepList);
  const select = (s: string | null) => {
    setSid(s);
    syncUrl(s);
  };
  return (
    <div className="flex min-h-0 flex-1 gap-3 p-3">
      <aside className="flex w-72 shrink-0 flex-col gap-2">
        <h1 className="text-sm font-semibold text-zinc-800">Agent sessions</h1>
        {list.error && <p className="text-xs text-red-700">{list.error}</p>}
        <SessionList sessions={list.value ?? []} selected={sid} onSelect={select} loaded={list.value !== null} />
      </aside>
      <main className="min-w-0 flex-1">
        {sid ? (
          <SessionDetail key={sid} sid={sid} onChanged={list.refresh} />
        ) : (
          <div className="rounded-lg bg-white p-4 text-sm text-zinc-700 ring-1 ring-zinc-200">
            <p>Point an agent at the proxy; each API key is one session.</p>
            <pre className="mt-2 whitespace-pre-wrap rounded bg-zinc-50 p-2 text-xs">
              {`OPENAI_BASE_URL=http://127.0.0.1:3000/agent/v1  OPENAI_API_KEY=<session id>\nANTHROPIC_BASE_URL=http://127.0.0.1:3000/agent  ANTHROPIC_API_KEY=<session id>`}
            </pre>
            <p className="mt-2 text-zinc-500">The model behind it is PLAYGROUND_AGENT_UPSTREAM (an SGLang server).</p>
          </div>
        )}
      </main>
    </div>
  );
}
