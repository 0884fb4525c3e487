"use client";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/select";
import type { ReexecEvent, RescoreEvent } from "@/lib/data/types";
import type { FenceMode } from "@/lib/data/code-fences";
import type { RowQuery } from "@/lib/data/query";
import type { BackendName } from "@/lib/sandbox/types";
import { backendNames } from "@/lib/sandbox/types";
import type { DatasetInfo } from "@/lib/data/types";
import type { LabelCoverage } from "@/lib/data/label-coverage";
import { checkLabels } from "@/app/(playground)/inspect/actions";
import { api, queryString } from "./api";
import { Histogram } from "./histogram";
import { useBatchJob } from "./use-batch-job";

type Hist = { min: number; max: number; counts: number[]; missing: number };

function Progress({ done, total, testId, finished }: { done: number; total: number; testId: string; finished: boolean }) {
  return (
    <div className="flex items-center gap-2 text-xs" data-testid={testId} data-finished={finished ? "true" : undefined}>
      <div className="h-2 w-56 overflow-hidden rounded bg-zinc-200">
        <div className={finished ? "h-full bg-green-500" : "h-full bg-indigo-500 transition-all"} style={{ width: `${total ? (100 * done) / total : 0}%` }} />
      </div>
      <span data-testid={`${testId}-text`}>
        {done.toLocaleString()} / {total.toLocaleString()}
        {finished ? " · done" : ""}
      </span>
    </div>
  );
}

/** Said before a re-score: a row without a label scores as a failure whatever it answered. */
function LabelNote({ labels, scope }: { labels: LabelCoverage | null; scope: "filtered" | "all" }) {
  if (!labels || labels.missing === 0) return null;
  const where = scope === "all" ? "this file" : "the filtered list";
  const all = labels.missing === labels.checked && labels.checked === labels.total;
  return (
    <p data-testid="rescore-labels" data-missing={labels.missing} className="rounded border border-amber-300 bg-amber-50 px-2 py-1 text-xs text-amber-900">
      {all
        ? `No row in ${where} has a label, so a reward has nothing to compare the answer with: every row would score as a failure. Open a file with labels (or a prompt / label dataset).`
        : `${labels.missing.toLocaleString()} of ${labels.checked.toLocaleString()} rows in ${where} have no label (rows ${labels.examples.join(", ")}${labels.missing > labels.examples.length ? ", …" : ""}); they will score as failures.`}
      {labels.checked < labels.total ? ` (checked the first ${labels.checked.toLocaleString()} of ${labels.total.toLocaleString()} rows)` : ""}
    </p>
  );
}

/** Why fenced cells did not reproduce, and the other way to run them. */
function FenceNote({ done, running, onStrip }: { done: { fenced_cells: number; cells: number; fences: FenceMode }; running: boolean; onStrip: () => void }) {
  const n = `${done.fenced_cells.toLocaleString()} of ${done.cells.toLocaleString()} code cells`;
  if (done.fences === "strip")
    return (
      <p data-testid="reexec-fence-note" className="text-xs text-zinc-700">
        {n} held ``` fences and ran with the fences stripped (SandboxFusion-style). slime&apos;s tool would run them as written.
      </p>
    );
  return (
    <div data-testid="reexec-fence-note" className="flex flex-col gap-1 rounded border border-amber-200 bg-amber-50 p-2 text-xs text-amber-950">
      <p>
        {n} hold ``` fences (```python …) and ran as written, as slime&apos;s tool_sandbox runs them (it does not strip fences), so Python
        reports a syntax error there. If the recorded outputs came from a server that strips fences, those cells read as not reproducible.
      </p>
      <Button size="sm" onClick={onStrip} disabled={running} data-testid="reexecute-strip-fences">
        Re-execute with the fences stripped (SandboxFusion-style)
      </Button>
    </div>
  );
}

/** Batch re-execution, re-scoring, histograms and exports over the file or the filtered set. */
export function ActionsPanel({ info, query, rewardTypes, onChanged, onShow }: { info: DatasetInfo; query: RowQuery; rewardTypes: string[]; onChanged: () => void; onShow: (patch: Partial<RowQuery>) => void }) {
  const [scope, setScope] = useState<"filtered" | "all">("filtered");
  const [backend, setBackend] = useState<BackendName>("local");
  const [fences, setFences] = useState<FenceMode>("as-written");
  const reexec = useBatchJob<Extract<ReexecEvent, { type: "progress" }>, Extract<ReexecEvent, { type: "done" }>>(`/api/datasets/${info.id}/reexecute`);
  const rescoreJob = useBatchJob<Extract<RescoreEvent, { type: "progress" }>, Extract<RescoreEvent, { type: "done" }>>(`/api/datasets/${info.id}/rescore`);
  const rx = reexec.job;
  const rs = rescoreJob.job;
  const [rewardType, setRewardType] = useState(rewardTypes[0] ?? "retool");
  const [rmUrl, setRmUrl] = useState("");
  const [labels, setLabels] = useState<LabelCoverage | null>(null);
  const [hists, setHists] = useState<{ recorded: Hist | null; rescored: Hist | null }>({ recorded: null, rescored: null });

  const loadHists = async () => {
    const [a, b] = await Promise.all([api.histogram(info.id, "recorded"), api.histogram(info.id, "rescored")]);
    setHists({ recorded: a.ok ? a.value : null, rescored: b.ok ? b.value : null });
  };
  useEffect(() => {
    void loadHists();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [info.id, info.indexing]);

  // Check labels before anyone presses Re-score (and again when the scope changes).
  const queryKey = JSON.stringify(query);
  useEffect(() => {
    let live = true;
    setLabels(null);
    if (info.indexing) return;
    void checkLabels({ dataset_id: info.id, scope, query: JSON.parse(queryKey) as RowQuery })
      .then((r) => live && r.ok && setLabels(r.value))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [info.id, info.indexing, scope, queryKey]);
  const noLabels = !!labels && labels.missing === labels.checked && labels.checked > 0;

  async function reexecute(mode: FenceMode = fences) {
    setFences(mode);
    await reexec.start({ scope, query, backend, fences: mode });
    onChanged();
  }

  async function rescore() {
    await rescoreJob.start({ reward_type: rewardType, rm_url: rmUrl || undefined, scope, query });
    await loadHists();
    onChanged();
  }

  const exportHref = (what: string) => `/api/datasets/${info.id}/export?${queryString(query, { what })}`;

  return (
    <div data-testid="actions-panel" className="flex flex-col gap-4 p-4 text-sm">
      <label className="flex items-center gap-2 text-xs">
        Run over
        <Select data-testid="actions-scope" value={scope} onChange={(e) => setScope(e.target.value as "filtered" | "all")}>
          <option value="filtered">the filtered list</option>
          <option value="all">the whole file ({info.rows.toLocaleString()} rows)</option>
        </Select>
      </label>

      <section className="flex flex-col gap-2 rounded-md border border-zinc-200 p-3">
        <h3 className="font-semibold">Re-execute code cells</h3>
        <p className="text-xs text-zinc-600">
          Runs every code cell again in the sandbox (code_interpreter) and compares what it prints with what the file recorded (slime&apos;s &quot;Output:&quot; wrapper, &lt;interpreter&gt; tags and chat tool messages are understood).
        </p>
        <div className="flex items-center gap-2">
          <Select data-testid="reexecute-backend" value={backend} onChange={(e) => setBackend(e.target.value as BackendName)}>
            {backendNames.map((b) => (
              <option key={b} value={b}>
                {b} sandbox
              </option>
            ))}
          </Select>
          <Select data-testid="reexecute-fences" value={fences} onChange={(e) => setFences(e.target.value as FenceMode)} title="Code fences (```python) inside a cell">
            <option value="as-written">run ``` fences as written (slime)</option>
            <option value="strip">strip ``` fences first (SandboxFusion-style)</option>
          </Select>
          <Button variant="primary" size="sm" onClick={() => void reexecute()} disabled={rx.running || info.indexing} data-testid="batch-reexecute">
            Re-execute
          </Button>
          {rx.running && (
            <Button size="sm" variant="danger" onClick={reexec.cancel} data-testid="batch-reexecute-cancel">
              Cancel
            </Button>
          )}
        </div>
        {rx.progress && <Progress testId="batch-reexecute-progress" done={rx.progress.done} total={rx.progress.total} finished={!rx.running} />}
        {rx.error && <p className="text-xs text-red-700" data-testid="batch-reexecute-error">{rx.error}</p>}
        {rx.done && (
          <table data-testid="reexecute-summary" className="text-xs">
            <tbody>
              <tr><td className="pr-3 text-zinc-500">samples run</td><td data-testid="reexec-summary-done">{rx.done.done} / {rx.done.total}{rx.done.cancelled ? " (cancelled)" : ""}</td></tr>
              <tr><td className="pr-3 text-zinc-500">code cells</td><td>{rx.done.cells}</td></tr>
              <tr><td className="pr-3 text-zinc-500">not reproducible</td><td data-testid="reexec-summary-mismatches" className={rx.done.mismatches ? "font-semibold text-red-700" : ""}>{rx.done.mismatches}</td></tr>
              <tr><td className="pr-3 text-zinc-500">could not run</td><td>{rx.done.errors}</td></tr>
              <tr><td className="pr-3 text-zinc-500">time</td><td>{(rx.done.ms / 1000).toFixed(1)} s</td></tr>
            </tbody>
          </table>
        )}
        {rx.done && rx.done.fenced_cells > 0 && <FenceNote done={rx.done} running={rx.running} onStrip={() => void reexecute("strip")} />}
        {rx.done && rx.done.cells === 0 && (
          <p data-testid="reexecute-nothing" className="text-xs text-zinc-600">
            Nothing to run: these samples have no code cells.
          </p>
        )}
        {rx.done && rx.done.mismatches > 0 && (
          <Button size="sm" onClick={() => onShow({ mismatch: true })} data-testid="show-mismatches">
            Show the non-reproducible samples
          </Button>
        )}
      </section>

      <section className="flex flex-col gap-2 rounded-md border border-zinc-200 p-3">
        <h3 className="font-semibold">Re-score</h3>
        <div className="flex flex-wrap items-center gap-2">
          <Select data-testid="rescore-type" value={rewardType} onChange={(e) => setRewardType(e.target.value)}>
            {rewardTypes.map((t) => (
              <option key={t} value={t}>{t}</option>
            ))}
          </Select>
          {rewardType.includes("remote_rm") && (
            <input className="w-56 rounded border border-zinc-300 px-2 py-1 text-xs" placeholder="http://reward-model/score" value={rmUrl} onChange={(e) => setRmUrl(e.target.value)} />
          )}
          <Button variant={noLabels ? "secondary" : "primary"} size="sm" onClick={() => void rescore()} disabled={rs.running || info.indexing} data-testid="rescore-run">
            {noLabels ? "Re-score anyway" : "Re-score"}
          </Button>
          {rs.running && (
            <Button size="sm" variant="danger" onClick={rescoreJob.cancel} data-testid="rescore-cancel">
              Cancel
            </Button>
          )}
        </div>
        <LabelNote labels={labels} scope={scope} />
        {rs.progress && <Progress testId="rescore-progress" done={rs.progress.done} total={rs.progress.total} finished={!rs.running} />}
        {rs.error && <p className="text-xs text-red-700">{rs.error}</p>}
        {rs.done && (
          <p data-testid="rescore-summary" className="text-xs">
            {rs.done.done.toLocaleString()} rescored with {rewardType}:{" "}
            <span data-testid="rescore-disagreements" className={rs.done.disagreements ? "font-semibold text-red-700" : "text-green-700"}>
              {rs.done.disagreements} disagree
            </span>{" "}
            with the recorded reward{rs.done.errors ? `, ${rs.done.errors} errors` : ""} ({(rs.done.ms / 1000).toFixed(1)} s).
            {hists.recorded && hists.recorded.missing > 0 && (
              <span data-testid="rescore-no-reward">
                {" "}
                {hists.recorded.missing === info.rows ? "The file records no reward, so nothing can disagree." : `${hists.recorded.missing.toLocaleString()} rows record no reward and are not counted as disagreements.`}
              </span>
            )}
          </p>
        )}
        {(rs.done?.disagreements ?? info.rescore?.disagreements ?? 0) > 0 && (
          <Button size="sm" onClick={() => onShow({ disagree: true })} data-testid="show-disagreements">
            Show the disagreements
          </Button>
        )}
        <div className="flex flex-wrap gap-4">
          {hists.recorded && <Histogram testId="hist-recorded" title="recorded reward" data={hists.recorded} />}
          {hists.rescored && hists.rescored.missing < info.rows && <Histogram testId="hist-rescored" title="recomputed reward" data={hists.rescored} />}
        </div>
      </section>

      <section className="flex flex-col gap-1 rounded-md border border-zinc-200 p-3">
        <h3 className="font-semibold">Export (JSONL)</h3>
        <a className="text-xs text-indigo-700 underline" href={exportHref("filtered")} data-testid="export-filtered">
          the filtered samples (original records)
        </a>
        <a className="text-xs text-indigo-700 underline" href={exportHref("rescore")} data-testid="export-rescore">
          recomputed rewards (recorded vs recomputed)
        </a>
        <a className="text-xs text-indigo-700 underline" href={exportHref("reexec")} data-testid="export-reexec">
          re-execution results
        </a>
      </section>
    </div>
  );
}
