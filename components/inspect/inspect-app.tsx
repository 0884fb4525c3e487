"use client";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import type { RowQuery, SortKey } from "@/lib/data/query";
import { segmentResponse } from "@/lib/data/segments";
import type { DatasetFormat, DatasetInfo, ReexecEvent, RowsPage } from "@/lib/data/types";
import { datasetFormats, formatLabels } from "@/lib/data/types";
import type { SampleResponse } from "./api";
import { api, queryString, streamEvents } from "./api";
import { ActionsPanel } from "./actions-panel";
import { DiffView } from "./diff-view";
import { FilePicker } from "./file-picker";
import type { SearchState } from "./filter-bar";
import { FilterBar } from "./filter-bar";
import { GroupView } from "./group-view";
import { ProblemsPanel } from "./problems-panel";
import { SampleDetail } from "./sample-detail";
import { SampleList } from "./sample-list";
import { useInspectUrl } from "./use-inspect-url";

type SidePanel = "detail" | "actions" | "problems";

function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
}

export function InspectApp({ rewardTypes }: { rewardTypes: string[] }) {
  const [url, setUrl] = useInspectUrl();
  const [info, setInfo] = useState<DatasetInfo | null>(null);
  const [openError, setOpenError] = useState<string | null>(null);
  const [sample, setSample] = useState<SampleResponse | null>(null);
  const [sampleError, setSampleError] = useState<string | null>(null);
  const [search, setSearch] = useState<SearchState | null>(null);
  const [panel, setPanel] = useState<SidePanel>("detail");
  const [version, setVersion] = useState(0);
  const [firstRow, setFirstRow] = useState<number | null>(null);
  const [reexec, setReexec] = useState<{ running: boolean; error: string | null }>({ running: false, error: null });
  const queryKey = JSON.stringify(url.query);
  const id = info?.id ?? null;
  const rootRef = useRef<HTMLDivElement>(null);
  const [rootHeight, setRootHeight] = useState<number | null>(null);

  // The shell lets pages grow (min-h-screen); the list must scroll inside a bounded box or the
  // virtualization would see the whole list as visible. Fill the viewport between the shell's
  // header and status bar.
  useLayoutEffect(() => {
    const fit = () => {
      const el = rootRef.current;
      if (!el) return;
      const top = el.getBoundingClientRect().top + window.scrollY;
      const footer = el.closest("main")?.nextElementSibling?.getBoundingClientRect().height ?? 0;
      setRootHeight(Math.max(320, window.innerHeight - top - footer));
    };
    fit();
    window.addEventListener("resize", fit);
    return () => window.removeEventListener("resize", fit);
  }, [info !== null]);

  // Open (or re-open with another format) whenever the file in the URL changes.
  useEffect(() => {
    if (!url.file) {
      setInfo(null);
      return;
    }
    let live = true;
    setOpenError(null);
    void api.open(url.file, url.format).then((r) => {
      if (!live) return;
      if (r.ok) setInfo(r.value);
      else {
        setInfo(null);
        setOpenError(r.message);
      }
    });
    return () => {
      live = false;
    };
  }, [url.file, url.format]);

  // While indexing, poll progress; the list refreshes as rows arrive.
  useEffect(() => {
    if (!info?.indexing) return;
    const t = setTimeout(() => {
      void api.info(info.id).then((r) => r.ok && setInfo(r.value));
    }, 500);
    return () => clearTimeout(t);
  }, [info]);

  // Text/regex search: stream its progress while the list waits for the result.
  useEffect(() => {
    if (!id || !url.query.q) {
      setSearch(null);
      return;
    }
    const ctrl = new AbortController();
    setSearch({ running: true, done: 0, total: 0, matches: 0, error: null });
    void streamEvents<{ type: "progress"; done: number; total: number; matches: number } | { type: "done"; matches: number } | { type: "error"; message: string }>(
      `/api/datasets/${id}/search?${new URLSearchParams({ q: url.query.q, ...(url.query.re ? { re: "1" } : {}), ...(url.query.cs ? { cs: "1" } : {}) })}`,
      { signal: ctrl.signal },
      (e) => {
        if (e.type === "progress") setSearch({ running: true, done: e.done, total: e.total, matches: e.matches, error: null });
        else if (e.type === "done") setSearch((s) => ({ running: false, done: s?.total ?? 0, total: s?.total ?? 0, matches: e.matches, error: null }));
        else setSearch({ running: false, done: 0, total: 0, matches: 0, error: e.message });
      },
    );
    return () => ctrl.abort();
  }, [id, url.query.q, url.query.re, url.query.cs]);

  const loadSample = useCallback(() => {
    if (!id || url.sample === null) {
      setSample(null);
      return () => undefined;
    }
    const ctrl = new AbortController();
    void api.sample(id, url.sample, url.query, ctrl.signal).then((r) => {
      if (ctrl.signal.aborted) return;
      if (r.ok) {
        setSample(r.value);
        setSampleError(null);
      } else setSampleError(r.message);
    });
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, url.sample, queryKey, version]);
  useEffect(() => loadSample(), [loadSample]);

  const turnCount = useMemo(() => (sample ? Math.max(1, segmentResponse(sample.sample.response).length) : 1), [sample]);

  const select = useCallback((row: number) => setUrl({ sample: row, turn: 0, view: url.view === "diff" ? "sample" : url.view }), [setUrl, url.view]);

  // Keyboard: j/k next/previous sample in list order, arrows between turns.
  const navRef = useRef({ sample, firstRow, turn: url.turn, turnCount });
  navRef.current = { sample, firstRow, turn: url.turn, turnCount };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e) || e.metaKey || e.ctrlKey || e.altKey) return;
      const n = navRef.current;
      if (e.key === "j" || e.key === "k") {
        e.preventDefault();
        const target = !n.sample ? n.firstRow : e.key === "j" ? n.sample.nav.next : n.sample.nav.prev;
        if (target !== null && target !== undefined) setUrl({ sample: target, turn: 0 });
      } else if (n.sample && (e.key === "ArrowRight" || e.key === "ArrowDown")) {
        e.preventDefault();
        setUrl({ turn: Math.min(n.turnCount - 1, n.turn + 1) });
      } else if (n.sample && (e.key === "ArrowLeft" || e.key === "ArrowUp")) {
        e.preventDefault();
        setUrl({ turn: Math.max(0, n.turn - 1) });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [setUrl]);

  const onMatched = useCallback((p: RowsPage) => {
    if (p.offset === 0) setFirstRow(p.rows[0]?.row ?? null);
  }, []);

  const setQuery = (q: RowQuery) => setUrl({ query: q });
  const onSort = (key: SortKey) => setQuery({ ...url.query, sort: key, desc: url.query.sort === key || (key === "row" && !url.query.sort) ? !url.query.desc : false });

  async function reexecuteOne() {
    if (!id || url.sample === null) return;
    setReexec({ running: true, error: null });
    const r = await streamEvents<ReexecEvent | { type: "error"; message: string }>(
      `/api/datasets/${id}/reexecute`,
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ rows: [url.sample] }) },
      (e) => {
        if (e.type === "error") setReexec({ running: true, error: e.message });
      },
    );
    setReexec((s) => ({ running: false, error: r.ok ? s.error : r.message }));
    setVersion((v) => v + 1);
  }

  if (!url.file) {
    return <FilePicker onOpen={(source) => setUrl({ file: source, sample: null, turn: 0 })} onUploaded={(i) => setUrl({ file: i.source, sample: null, turn: 0 })} />;
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
  const pct = info.size_bytes ? Math.round((100 * info.bytes_done) / info.size_bytes) : 100;

  return (
    <div ref={rootRef} style={rootHeight ? { height: rootHeight } : undefined} className="flex min-h-0 flex-col overflow-hidden" data-testid="inspect-app" data-dataset={info.id}>
      <div className="flex flex-wrap items-center gap-3 border-b border-zinc-200 bg-white px-3 py-2 text-sm">
        <span className="font-semibold" data-testid="dataset-name" title={info.source}>
          {info.name}
        </span>
        <span className="text-xs text-zinc-500">{info.container.replace("_", " ")}</span>
        <label className="flex items-center gap-1 text-xs text-zinc-600" title={info.detection_reasons.join("\n")}>
          format
          <Select data-testid="format-select" value={url.format ?? ""} onChange={(e) => setUrl({ format: (e.target.value || undefined) as DatasetFormat | undefined, sample: null })}>
            <option value="">auto: {formatLabels[info.detected]}</option>
            {datasetFormats.map((f) => (
              <option key={f} value={f}>
                {formatLabels[f]}
              </option>
            ))}
          </Select>
        </label>
        <span data-testid="dataset-rows" className="text-xs text-zinc-600">
          {info.rows.toLocaleString()} rows · {info.groups.toLocaleString()} groups
        </span>
        {info.indexing ? (
          <span data-testid="indexing" className="flex items-center gap-2 text-xs text-indigo-700">
            <Spinner /> indexing {pct}%
          </span>
        ) : (
          <span data-testid="indexed" className="text-xs text-zinc-500">
            indexed in {((info.index_ms ?? 0) / 1000).toFixed(1)} s
          </span>
        )}
        {info.error && <span className="text-xs text-red-700">{info.error}</span>}
        <div className="ml-auto flex items-center gap-1">
          <Button size="sm" variant={panel === "problems" ? "primary" : "secondary"} data-testid="show-problems" onClick={() => setPanel(panel === "problems" ? "detail" : "problems")}>
            Problems ({info.problems})
          </Button>
          <Button size="sm" variant={panel === "actions" ? "primary" : "secondary"} data-testid="show-actions" onClick={() => setPanel(panel === "actions" ? "detail" : "actions")}>
            Actions
          </Button>
          <a className="rounded-md px-2 py-1 text-xs text-indigo-700 hover:bg-zinc-100" href={`/api/datasets/${info.id}/export?${queryString(url.query, { what: "filtered" })}`}>
            Export
          </a>
          <Button size="sm" variant="ghost" onClick={() => setUrl({ file: null, format: undefined, sample: null, query: { ...url.query, q: undefined } })} data-testid="close-file">
            Close
          </Button>
        </div>
      </div>
      <FilterBar query={url.query} statuses={info.statuses} onChange={setQuery} search={search} hasRescore={!!info.rescore} hasReexec={!!info.reexec} />
      <div className="flex min-h-0 flex-1">
        <div className={cn("flex min-h-0 flex-col border-r border-zinc-200 bg-white", url.sample !== null || panel !== "detail" ? "w-[46%]" : "flex-1")}>
          <SampleList
            datasetId={info.id}
            query={url.query}
            refreshKey={refreshKey}
            selected={url.sample}
            selectedPosition={sample?.nav.position ?? null}
            onSelect={(row) => {
              setPanel("detail");
              select(row);
            }}
            onSort={onSort}
            onMatched={onMatched}
            showRescore={!!info.rescore}
          />
        </div>
        {panel === "actions" && (
          <div className="min-h-0 flex-1 overflow-auto bg-white">
            <ActionsPanel info={info} query={url.query} rewardTypes={rewardTypes} onChanged={() => {
              setVersion((v) => v + 1);
              void api.info(info.id).then((r) => r.ok && setInfo(r.value));
            }} onShow={(patch) => setQuery({ ...url.query, ...patch })} />
          </div>
        )}
        {panel === "problems" && (
          <div className="min-h-0 flex-1 overflow-auto bg-white">
            <ProblemsPanel info={info} onOpen={(row) => {
              setPanel("detail");
              select(row);
            }} />
          </div>
        )}
        {panel === "detail" && url.sample !== null && (
          <div className="flex min-h-0 flex-1 flex-col">
            {sampleError && <p className="p-4 text-sm text-red-700">{sampleError}</p>}
            {!sample && !sampleError && (
              <p className="flex items-center gap-2 p-4 text-sm text-zinc-500">
                <Spinner /> loading sample {url.sample}…
              </p>
            )}
            {sample && url.view === "group" && sample.group >= 0 && (
              <GroupView datasetId={info.id} group={sample.group} selected={url.sample} onOpen={(row) => setUrl({ sample: row, view: "sample", turn: 0 })} onClose={() => setUrl({ view: "sample" })} onFilter={() => setQuery({ ...url.query, group: sample.group })} />
            )}
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
                onDiff={() => setUrl({ view: "diff", other: url.other ?? sample.nav.next ?? sample.nav.prev })}
                onReexecute={() => void reexecuteOne()}
                reexecRunning={reexec.running}
                reexecError={reexec.error}
              />
            )}
          </div>
        )}
      </div>
      <div className="border-t border-zinc-200 bg-zinc-50 px-3 py-0.5 text-[11px] text-zinc-500">j / k: next / previous sample · ← → (↑ ↓): previous / next turn</div>
    </div>
  );
}
