"use client";

import { useState, type ReactNode } from "react";
import type { ApiKeyState } from "@/lib/rollout/chat-session-schema";
import { backendFidelity, backendLabels, modelBackendKinds, type ModelBackendKind, type ModelInfo } from "@/lib/rollout/models/types";
import { replaySamples } from "@/lib/rollout/samples";
import { chatRewardTypes, type ChatSettings } from "@/lib/rollout/settings";
import { DEFAULT_SYSTEM_PROMPT } from "@/lib/rollout/template";
import type { BackendAvailability } from "@/lib/sandbox/types";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/select";

export interface SettingsPanelProps {
  value: ChatSettings;
  onChange: (s: ChatSettings) => void;
  disabled: boolean;
  apiKey: ApiKeyState;
  onSetApiKey: (key: string | null) => void;
  onFetchModels: () => Promise<{ models?: ModelInfo[]; error?: string }>;
  sandboxes: BackendAvailability[];
  /** Name of the trajectory stored with this session (opened from Inspect), if any. */
  recordedName?: string;
}

const input = "w-full rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm disabled:bg-zinc-100";

function Field({ label, children, hint }: { label: string; children: ReactNode; hint?: ReactNode }) {
  return (
    <label className="flex flex-col gap-1 text-xs font-medium text-zinc-700">
      {label}
      {children}
      {hint && <span className="font-normal text-zinc-500">{hint}</span>}
    </label>
  );
}

function num(v: string, fallback: number): number {
  const n = Number(v);
  return Number.isFinite(n) && v.trim() !== "" ? n : fallback;
}

export function SettingsPanel({ value: s, onChange, disabled, apiKey, onSetApiKey, onFetchModels, sandboxes, recordedName }: SettingsPanelProps) {
  const [keyDraft, setKeyDraft] = useState("");
  // What "List" answered, for the endpoint it asked: once the URL changes it no longer applies.
  const [listed, setListed] = useState<{ for: string; models?: ModelInfo[]; error?: string } | null>(null);
  const set = (patch: Partial<ChatSettings>) => onChange({ ...s, ...patch });
  const setEndpoint = (patch: Partial<ChatSettings["endpoint"]>) => set({ endpoint: { ...s.endpoint, ...patch } });
  const setSampling = (patch: Partial<ChatSettings["sampling"]>) => set({ sampling: { ...s.sampling, ...patch } });
  const kind = s.endpoint.kind;
  const live = kind !== "replay";
  const endpointKey = `${kind} ${s.endpoint.url}`;
  const current = listed?.for === endpointKey ? listed : null;
  const models = current?.models ?? null;
  const modelsError = current?.error ?? null;

  return (
    <form data-testid="chat-settings" className="flex min-w-0 flex-col gap-3" onSubmit={(e) => e.preventDefault()}>
      <fieldset disabled={disabled} className="flex min-w-0 flex-col gap-3">
        {s.prompt_text && (
          <div data-testid="settings-prompt-text" className="flex flex-col gap-1 rounded-md border border-amber-200 bg-amber-50 p-2 text-xs text-amber-900">
            <span>
              The rollout starts from the recorded prompt as it is ({s.prompt_text.length.toLocaleString()} characters, already templated), so its
              tokens are the recorded ones. Problem and System below are shown for reference and are not used.
            </span>
            <details>
              <summary className="cursor-pointer">recorded prompt</summary>
              <pre className="max-h-40 overflow-auto whitespace-pre-wrap break-all font-mono text-[11px]">{s.prompt_text}</pre>
            </details>
            <button type="button" data-testid="settings-prompt-text-clear" className="self-start text-indigo-700 underline" onClick={() => set({ prompt_text: "" })}>
              Use Problem and System with slime&apos;s template instead
            </button>
          </div>
        )}
        <Field label="Problem (user message)">
          <textarea data-testid="settings-prompt" className={input} rows={4} value={s.prompt} onChange={(e) => set({ prompt: e.target.value })} />
        </Field>
        <Field label="Ground-truth label">
          <input data-testid="settings-label" className={input} value={s.label} onChange={(e) => set({ label: e.target.value })} />
        </Field>
        <Field label="System prompt" hint="Empty: slime's default ReTool system prompt.">
          <textarea
            data-testid="settings-system"
            className={input}
            rows={2}
            placeholder={DEFAULT_SYSTEM_PROMPT}
            value={s.system}
            onChange={(e) => set({ system: e.target.value })}
          />
        </Field>

        <h3 className="mt-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">Model</h3>
        <Field label="Backend">
          <Select data-testid="settings-backend" value={kind} onChange={(e) => setEndpoint({ kind: e.target.value as ModelBackendKind })}>
            {modelBackendKinds.map((k) => (
              <option key={k} value={k}>
                {backendLabels[k]}
              </option>
            ))}
          </Select>
        </Field>
        {backendFidelity[kind] === "approximate" && (
          <p className="text-xs text-amber-800" data-testid="settings-approximate">
            Chat mode is approximate to training: the server applies its own chat template and tool-call format.
          </p>
        )}
        {kind === "agent-proxy" && (
          <p className="text-xs text-zinc-600" data-testid="settings-agent-proxy">
            Each run is an agent session on the proxy (/agent/v1): the model sees the sandbox tools, every turn is
            recorded with its exact tokens, and the run links to the session on the Agents page.
          </p>
        )}
        {kind === "replay" ? (
          <Field label="Trajectory to replay" hint="Assistant turns are replayed; their code runs live in the sandbox.">
            <Select
              data-testid="settings-replay-sample"
              value={s.endpoint.replay_sample ?? ""}
              onChange={(e) => {
                const sample = replaySamples.find((x) => x.id === e.target.value);
                onChange({
                  ...s,
                  endpoint: { ...s.endpoint, replay_sample: e.target.value },
                  ...(sample ? { prompt: sample.prompt, label: sample.label } : {}),
                });
              }}
            >
              {recordedName && <option value="recorded">Recorded: {recordedName}</option>}
              {replaySamples.map((x) => (
                <option key={x.id} value={x.id}>
                  Sample: {x.title}
                </option>
              ))}
            </Select>
          </Field>
        ) : (
          <>
            <Field
              label="Endpoint URL"
              hint={
                kind === "sglang"
                  ? "SGLang server, e.g. http://127.0.0.1:30000"
                  : kind === "agent-proxy"
                    ? "SGLang server behind the proxy; empty: the proxy's PLAYGROUND_AGENT_UPSTREAM"
                    : "e.g. http://127.0.0.1:8000/v1"
              }
            >
              <input data-testid="settings-endpoint-url" className={input} value={s.endpoint.url} onChange={(e) => setEndpoint({ url: e.target.value })} />
            </Field>
            {kind !== "sglang" && kind !== "agent-proxy" && (
              <Field label="Model">
                <div className="flex gap-1">
                  <input
                    data-testid="settings-model"
                    className={input}
                    list="chat-model-list"
                    value={s.endpoint.model}
                    onChange={(e) => setEndpoint({ model: e.target.value })}
                  />
                  <Button
                    size="sm"
                    data-testid="settings-fetch-models"
                    onClick={async () => {
                      const r = await onFetchModels();
                      setListed({ for: endpointKey, ...r });
                      if (r.models?.length && !s.endpoint.model) setEndpoint({ model: r.models[0]!.id });
                    }}
                  >
                    List
                  </Button>
                </div>
                <datalist id="chat-model-list">
                  {models?.map((m) => (
                    <option key={m.id} value={m.id} />
                  ))}
                </datalist>
                {modelsError && (
                  <span data-testid="settings-models-error" className="font-normal text-red-700">
                    {modelsError}
                  </span>
                )}
                {models && <span className="font-normal text-zinc-500" data-testid="settings-models">{models.map((m) => m.id).join(", ") || "no models"}</span>}
              </Field>
            )}
            <Field label="API key" hint="Kept in server memory for this session; never sent back to the browser.">
              <div className="flex items-center gap-1">
                <input
                  data-testid="settings-api-key"
                  type="password"
                  autoComplete="off"
                  className={input}
                  placeholder={apiKey === "env" ? "key set from env" : apiKey === "session" ? "key set for this session" : "none"}
                  value={keyDraft}
                  onChange={(e) => setKeyDraft(e.target.value)}
                />
                <Button size="sm" disabled={!keyDraft} onClick={() => { onSetApiKey(keyDraft); setKeyDraft(""); }}>
                  Set
                </Button>
                {apiKey === "session" && (
                  <Button size="sm" variant="ghost" onClick={() => onSetApiKey(null)}>
                    Clear
                  </Button>
                )}
              </div>
              <span className="font-normal" data-testid="settings-api-key-state">
                {apiKey === "env" ? "key set from env" : apiKey === "session" ? "key set for this session" : "no key"}
              </span>
            </Field>
            <Field label="Timeout per request (s)">
              <input
                data-testid="settings-timeout"
                className={input}
                type="number"
                min={1}
                value={s.endpoint.timeout_s}
                onChange={(e) => setEndpoint({ timeout_s: num(e.target.value, s.endpoint.timeout_s) })}
              />
            </Field>
          </>
        )}

        <h3 className="mt-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">Sampling</h3>
        <div className={`grid grid-cols-2 gap-2 ${live ? "" : "opacity-60"}`}>
          <Field label="temperature">
            <input data-testid="settings-temperature" className={input} type="number" step="0.1" min={0} value={s.sampling.temperature} onChange={(e) => setSampling({ temperature: num(e.target.value, 1) })} />
          </Field>
          <Field label="top_p">
            <input data-testid="settings-top-p" className={input} type="number" step="0.05" min={0.01} max={1} value={s.sampling.top_p} onChange={(e) => setSampling({ top_p: num(e.target.value, 1) })} />
          </Field>
          <Field label="top_k (-1 off)">
            <input data-testid="settings-top-k" className={input} type="number" step="1" min={-1} value={s.sampling.top_k} onChange={(e) => setSampling({ top_k: Math.trunc(num(e.target.value, -1)) })} />
          </Field>
          <Field label="max_new_tokens">
            <input data-testid="settings-max-new-tokens" className={input} type="number" min={1} value={s.sampling.max_new_tokens} onChange={(e) => setSampling({ max_new_tokens: Math.max(1, Math.trunc(num(e.target.value, 1024))) })} />
          </Field>
        </div>

        <h3 className="mt-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">Loop</h3>
        <div className="grid grid-cols-2 gap-2">
          <Field label="max turns">
            <input data-testid="settings-max-turns" className={input} type="number" min={1} value={s.max_turns} onChange={(e) => set({ max_turns: Math.max(1, Math.trunc(num(e.target.value, 16))) })} />
          </Field>
          <Field label="max tool calls">
            <input data-testid="settings-max-tool-calls" className={input} type="number" min={0} value={s.max_tool_calls} onChange={(e) => set({ max_tool_calls: Math.max(0, Math.trunc(num(e.target.value, 16))) })} />
          </Field>
          <Field label="max context (tokens)">
            <input data-testid="settings-max-context" className={input} type="number" min={64} value={s.max_context_len} onChange={(e) => set({ max_context_len: Math.max(64, Math.trunc(num(e.target.value, 32768))) })} />
          </Field>
          <Field label="tokenizer dir">
            <input data-testid="settings-tokenizer-dir" className={input} placeholder="empty: PLAYGROUND_TOKENIZER_DIR, else Qwen3 (embedded)" value={s.tokenizer_dir} onChange={(e) => set({ tokenizer_dir: e.target.value })} />
          </Field>
        </div>

        <Field label="Reward type">
          <Select data-testid="settings-reward-type" value={s.reward_type} onChange={(e) => set({ reward_type: e.target.value as ChatSettings["reward_type"] })}>
            {chatRewardTypes.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </Select>
        </Field>
        {s.reward_type === "remote_rm" && (
          <Field label="Reward model URL">
            <input data-testid="settings-rm-url" className={input} value={s.rm_url} onChange={(e) => set({ rm_url: e.target.value })} />
          </Field>
        )}
        <Field label="Sandbox backend">
          <Select data-testid="settings-sandbox" value={s.sandbox} onChange={(e) => set({ sandbox: e.target.value as ChatSettings["sandbox"] })}>
            {sandboxes.map((b) => (
              <option key={b.backend} value={b.backend} disabled={!b.available}>
                {b.backend}
                {b.available ? (b.isolated ? "" : " (not isolated)") : " (unavailable)"}
              </option>
            ))}
          </Select>
        </Field>
        {sandboxes.find((b) => b.backend === s.sandbox && b.reason) && (
          <Badge tone="amber" className="self-start">
            {sandboxes.find((b) => b.backend === s.sandbox)!.reason}
          </Badge>
        )}
      </fieldset>
    </form>
  );
}
