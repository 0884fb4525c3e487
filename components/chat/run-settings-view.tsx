"use client";

import type { ReactNode } from "react";
import type { ChatRun } from "@/lib/rollout/chat-session-schema";
import { backendLabels } from "@/lib/rollout/models/types";
import { Button } from "@/components/ui/button";

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <>
      <dt className="text-zinc-500">{label}</dt>
      <dd className="min-w-0 font-mono [overflow-wrap:anywhere]" data-testid={testId}>
        {children}
      </dd>
    </>
  );
}

/** The settings a run ran with, read-only: what produced the transcript on screen. */
export function RunSettingsView({ run, onEdit, onNewForm, disabled }: { run: ChatRun; onEdit: () => void; onNewForm: () => void; disabled: boolean }) {
  const s = run.settings;
  const live = s.endpoint.kind !== "replay";
  return (
    <section data-testid="run-settings" data-run-n={run.n} className="flex min-w-0 flex-col gap-3">
      <header className="flex flex-col gap-1">
        <h3 className="text-sm font-semibold text-zinc-900">Settings of run {run.n}</h3>
        <p className="text-xs text-zinc-500">Read-only: what this run ran with. Edit a copy to run again.</p>
      </header>
      <div className="flex flex-wrap gap-2">
        <Button size="sm" variant="primary" data-testid="run-settings-edit" onClick={onEdit} disabled={disabled}>
          Edit and re-run
        </Button>
        <Button size="sm" variant="ghost" data-testid="run-settings-form" onClick={onNewForm} disabled={disabled}>
          Settings form
        </Button>
      </div>
      <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-xs">
        <Row label="problem" testId="run-settings-prompt">
          <span className="line-clamp-4 whitespace-pre-wrap font-sans">{s.prompt || "(empty)"}</span>
        </Row>
        <Row label="label" testId="run-settings-label">
          {s.label || "(none)"}
        </Row>
        <Row label="system">{s.system ? <span className="line-clamp-2 font-sans">{s.system}</span> : "slime's default"}</Row>
        <Row label="backend" testId="run-settings-backend">
          {backendLabels[s.endpoint.kind]}
        </Row>
        {s.endpoint.kind === "replay" && <Row label="trajectory">{s.endpoint.replay_sample ?? "default"}</Row>}
        {live && (
          <Row label="endpoint" testId="run-settings-url">
            {s.endpoint.url || "(PLAYGROUND_MODEL_URL)"}
          </Row>
        )}
        {live && s.endpoint.kind !== "sglang" && <Row label="model">{s.endpoint.model || "(server default)"}</Row>}
        {live && (
          <Row label="sampling">
            T {s.sampling.temperature} · top_p {s.sampling.top_p} · top_k {s.sampling.top_k} · max_new {s.sampling.max_new_tokens}
          </Row>
        )}
        <Row label="limits">
          {s.max_turns} turns · {s.max_tool_calls} tool calls · {s.max_context_len} tokens
        </Row>
        <Row label="reward" testId="run-settings-reward">
          {s.reward_type}
          {s.reward_type === "remote_rm" && s.rm_url ? ` (${s.rm_url})` : ""}
        </Row>
        <Row label="sandbox">{s.sandbox}</Row>
        {s.tokenizer_dir && <Row label="tokenizer">{s.tokenizer_dir}</Row>}
      </dl>
    </section>
  );
}
