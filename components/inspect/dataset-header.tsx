"use client";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import type { RowQuery } from "@/lib/data/query";
import type { DatasetFormat, DatasetInfo } from "@/lib/data/types";
import { datasetFormats, formatLabels } from "@/lib/data/types";
import { queryString } from "./api";
import type { SidePanel } from "./use-inspect-url";


/** File name, format override, size, indexing progress and the panel switches. */
export function DatasetHeader({ info, format, query, panel, onFormat, onPanel, onClose }: { info: DatasetInfo; format: DatasetFormat | undefined; query: RowQuery; panel: SidePanel; onFormat: (f: DatasetFormat | undefined) => void; onPanel: (p: SidePanel) => void; onClose: () => void }) {
  const pct = info.size_bytes ? Math.round((100 * info.bytes_done) / info.size_bytes) : 100;
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-zinc-200 bg-white px-3 py-1 text-sm">
      <span className="font-semibold" data-testid="dataset-name" title={info.source}>
        {info.name}
      </span>
      <span className="text-xs text-zinc-500">{info.container.replace("_", " ")}</span>
      {/* Dumps and folders: which kind, and what was joined (a train dump's ../rollout_data/N.pt). */}
      {(info.container === "pt" || info.container === "folder") && info.detection_reasons.length > 0 && (
        <span data-testid="dataset-kind" className="max-w-[32rem] truncate text-xs text-zinc-700" title={info.detection_reasons.join("\n")}>
          {info.detection_reasons.join(" · ")}
        </span>
      )}
      <label className="flex items-center gap-1 text-xs text-zinc-600" title={info.detection_reasons.join("\n")}>
        format
        <Select data-testid="format-select" className="max-w-[13rem]" value={format ?? ""} onChange={(e) => onFormat((e.target.value || undefined) as DatasetFormat | undefined)}>
          <option value="">auto: {info.container === "pt" || info.container === "folder" ? (info.detection_reasons[0] ?? formatLabels[info.detected]) : formatLabels[info.detected]}</option>
          {datasetFormats.map((f) => (
            <option key={f} value={f}>
              {formatLabels[f]}
            </option>
          ))}
        </Select>
      </label>
      <span data-testid="dataset-rows" className="text-xs text-zinc-600">
        {/* While summaries arrive, the scan already knows how many rows the file has. */}
        {info.indexing && info.rows_found !== null && info.rows_found > info.rows
          ? `${info.rows.toLocaleString()} of ${info.rows_found.toLocaleString()} rows listed`
          : `${info.rows.toLocaleString()} rows`}{" "}
        · {info.groups.toLocaleString()} groups
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
        <Button size="sm" variant={panel === "problems" ? "primary" : "secondary"} data-testid="show-problems" onClick={() => onPanel(panel === "problems" ? "detail" : "problems")}>
          Problems ({info.problems})
        </Button>
        <Button size="sm" variant={panel === "actions" ? "primary" : "secondary"} data-testid="show-actions" onClick={() => onPanel(panel === "actions" ? "detail" : "actions")}>
          Actions
        </Button>
        <a data-testid="export-dataset" className="rounded-md px-2 py-1 text-xs text-indigo-700 hover:bg-zinc-100" href={`/api/datasets/${info.id}/export?${queryString(query, { what: "filtered" })}`}>
          Export
        </a>
        <Button size="sm" variant="ghost" onClick={onClose} data-testid="close-file">
          Close
        </Button>
      </div>
    </div>
  );
}
