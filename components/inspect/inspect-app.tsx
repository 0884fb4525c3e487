"use client";
import { useCallback, useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Spinner } from "@/components/ui/spinner";
import type { RowQuery, SortKey } from "@/lib/data/query";
import { parseTurnTags, segmentResponse } from "@/lib/data/segments";
import type { RowsPage } from "@/lib/data/types";
import { ActionsPanel } from "./actions-panel";
import { DatasetHeader } from "./dataset-header";
import { DiffView } from "./diff-view";
import { FilePicker } from "./file-picker";
import { FilterBar, type QueryUpdate } from "./filter-bar";
import { GroupView } from "./group-view";
import { StepsView } from "./steps-view";
import { TurnTagsField } from "./turn-tags-field";
import { ProblemsPanel } from "./problems-panel";
import { SampleDetail } from "./sample-detail";
import { SampleList } from "./sample-list";
import { SamplePresenting } from "./sample-presenting";
import { useDataset } from "./use-dataset";
import { useFitHeight } from "./use-fit-height";
import { useInspectKeys } from "./use-inspect-keys";
import { useInspectUrl } from "./use-inspect-url";
import { useReexecuteOne } from "./use-reexecute-one";
import { useSample } from "./use-sample";
import { useSearchProgress } from "./use-search-progress";

// The Inspect page: the URL holds what a person would share; the hooks own fetching and streams.
export function InspectApp({ rewardTypes }: { rewardTypes: string[] }) {
  const [url, setUrl] = useInspectUrl();
  const { info, openError, refresh } = useDataset(url.file, url.format);
  const id = info?.id ?? null;
  const search = useSearchProgress(id, url.query);
  const { sample, error: sampleError, reload } = useSample(id, url.sample, url.query);
  const panel = url.panel;
  const setPanel = (p: typeof panel) => setUrl({ panel: p });
  const [version, setVersion] = useState(0);
  const [firstRow, setFirstRow] = useState<number | null>(null);
  const reexec = useReexecuteOne(id, url.sample, () => {
    setVersion((v) => v + 1);
    reload();
  });
  const [rootRef, rootHeight] = useFitHeight<HTMLDivElement>(info !== null);

  const turnTags = useMemo(() => (url.tags ? parseTurnTags(url.tags) ?? undefined : undefined), [url.tags]);
  const turnCount = useMemo(() => (sample ? Math.max(1, segmentResponse(sample.sample.response, turnTags).length) : 1), [sample, turnTags]);
  useInspectKeys({ sample, firstRow, turn: url.turn, turnCount, view: url.view, requested: url.sample }, setUrl);

  const select = useCallback((row: number) => setUrl({ sample: row, turn: 0, panel: "detail", view: url.view === "diff" ? "sample" : url.view }), [setUrl, url.view]);
  // A new file starts on its first view: no sample, trajectory tab, no side panel.
  const openFile = (source: string) => setUrl({ file: source, format: undefined, sample: null, turn: 0, view: "sample", other: null, tab: "trajectory", panel: "detail" });
  const onMatched = useCallback((p: RowsPage) => {
    if (p.offset === 0) setFirstRow(p.rows[0]?.row ?? null);
  }, []);
  const setQuery = (q: QueryUpdate) => setUrl(typeof q === "function" ? (c) => ({ query: q(c.query) }) : { query: q });
  // From the live query, not the rendered one: a second click flips what the first one wrote.
  const onSort = (key: SortKey) => setQuery((q) => ({ sort: key, desc: q.sort === key || (key === "row" && !q.sort) ? !q.desc : false }));

  if (!url.file) {
    return <FilePicker onOpen={openFile} onUploaded={(i) => openFile(i.source)} />;
  }
  if (openError) {
    return (
      <div className="flex flex-col items-start gap-3 p-6" data-testid="open-error">
        <p className="text-sm text-red-700">{openError}</p>
        <Button onClick={() => setUrl({ file: null, sample: null })}>Choose another file</Button>
      </div>
    );
  }
  if (!info) {
    return (
      <p className="flex items-center gap-2 p-6 text-sm text-zinc-600">
        <Spinner /> opening {url.file}…
      </p>
    );
  }
  const refreshKey = `${info.indexing ? Math.floor(Date.now() / 2000) : "done"}:${version}:${info.rescore?.done ?? 0}:${info.reexec?.done ?? 0}`;

  return (
    <div ref={rootRef} style={rootHeight ? { height: rootHeight } : undefined} className="flex min-h-0 flex-col overflow-hidden" data-testid="inspect-app" data-dataset={info.id}>
      <DatasetHeader
        info={info}
        format={url.format}
        query={url.query}
        panel={panel}
        onFormat={(format) => setUrl({ format, sample: null })}
        onPanel={setPanel}
        onClose={() => setUrl({ file: null, format: undefined, sample: null, view: "sample", other: null, panel: "detail", query: { q: undefined } })}
      />
      <FilterBar query={url.query} statuses={info.statuses} onChange={setQuery} search={search} hasRescore={!!info.rescore} hasReexec={!!info.reexec} />
      <div className="flex min-h-0 flex-1">
        <div className={cn("flex min-h-0 min-w-0 flex-col border-r border-zinc-200 bg-white", url.sample === null && panel === "detail" ? "flex-1" : panel === "detail" && (url.view === "group" || url.view === "steps") ? "w-[30%]" : "w-[46%]")}>
          <SampleList
            datasetId={info.id}
            query={url.query}
            refreshKey={refreshKey}
            indexing={info.indexing}
            selected={url.sample}
            selectedPosition={sample?.nav.position ?? null}
            onSelect={select}
            onSort={onSort}
            onMatched={onMatched}
            showRescore={!!info.rescore}
            shownElsewhere={search?.error}
          />
        </div>
        {panel === "actions" && (
          <div className="min-h-0 min-w-0 flex-1 overflow-auto bg-white">
            <ActionsPanel
              info={info}
              query={url.query}
              rewardTypes={rewardTypes}
              onChanged={() => {
                setVersion((v) => v + 1);
                reload();
                refresh();
              }}
              onShow={setQuery}
            />
          </div>
        )}
        {panel === "problems" && (
          <div className="min-h-0 min-w-0 flex-1 overflow-auto bg-white">
            <ProblemsPanel
              info={info}
              onOpen={select}
            />
          </div>
        )}
        {panel === "detail" && url.sample !== null && (
          <div className="flex min-h-0 min-w-0 flex-1 flex-col">
            {sampleError && <p className="p-4 text-sm text-red-700">{sampleError}</p>}
            {!sample && !sampleError && (
              <p className="flex items-center gap-2 p-4 text-sm text-zinc-500">
                <Spinner /> loading sample {url.sample}…
              </p>
            )}
            {sample && url.view === "group" && sample.group >= 0 && (
              <GroupView tags={turnTags} datasetId={info.id} group={sample.group} selected={url.sample} onOpen={(row) => setUrl({ sample: row, view: "sample", turn: 0 })} onClose={() => setUrl({ view: "sample" })} onFilter={() => setQuery({ group: sample.group })} />
            )}
            {sample && url.view === "steps" && <StepsView datasetId={info.id} row={sample.sample.row} onOpen={(row) => setUrl({ sample: row, view: "sample", turn: 0 })} onClose={() => setUrl({ view: "sample" })} />}
            {sample && url.view === "diff" && (
              <DiffView datasetId={info.id} query={url.query} left={sample.sample} right={url.other} onPickRight={(row) => setUrl({ other: row })} onClose={() => setUrl({ view: "sample", other: null })} />
            )}
            {sample && (url.view === "sample" || (url.view === "group" && sample.group < 0)) && (
              <SampleDetail
                data={sample}
                datasetId={info.id}
                source={info.source}
                turn={url.turn}
                tab={url.tab}
                onTurn={(t) => setUrl({ turn: t })}
                onTab={(t) => setUrl({ tab: t })}
                onGroup={() => setUrl({ view: "group" })}
                onSteps={() => setUrl({ view: "steps" })}
                tags={turnTags}
                onDiff={() => setUrl({ view: "diff", other: url.other ?? sample.nav.next ?? sample.nav.prev })}
                onReexecute={(fences) => void reexec.run(fences)}
                reexecRunning={reexec.running}
                reexecError={reexec.error}
                metric={url.metric}
                onMetric={(metric) => setUrl({ metric })}
                onPresent={() => setUrl({ present: true })}
                shareTarget={{ kind: "inspect_sample", file: info.source, ...(url.format ? { format: url.format } : {}), sample: sample.sample.row }}
              />
            )}
          </div>
        )}
      </div>
      {url.present && sample && (
        <SamplePresenting sample={sample.sample} source={info.source} tags={turnTags} turn={url.turn} onTurn={(turn) => setUrl({ turn })} onExit={() => setUrl({ present: false })} />
      )}
      <div className="flex flex-wrap items-center gap-x-4 border-t border-zinc-200 bg-zinc-50 px-3 py-0.5 text-[11px] text-zinc-500">
        <span>j / k: next / previous sample · ← → (↑ ↓): previous / next turn · g: group view · Esc: leave the group / diff view</span>
        <TurnTagsField value={url.tags} onChange={(tags) => setUrl({ tags, turn: 0 })} />
      </div>
    </div>
  );
}
