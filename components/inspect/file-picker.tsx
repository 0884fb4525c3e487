"use client";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import { recentUploads } from "@/app/(playground)/inspect/actions";
import type { DatasetFormat, DatasetInfo } from "@/lib/data/types";
import { datasetExtensions } from "@/lib/data/types";
import type { UploadEntry } from "@/lib/data/upload-list";
import type { DirListing } from "./api";
import { api } from "./api";

function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1048576) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1073741824) return `${(n / 1048576).toFixed(1)} MiB`;
  return `${(n / 1073741824).toFixed(2)} GiB`;
}

/** Open a file from PLAYGROUND_DATA_DIR (browse or type its path), reopen an upload, or upload one. */
export function FilePicker({ onOpen, onUploaded }: { onOpen: (source: string) => void; onUploaded: (info: DatasetInfo) => void }) {
  const [dir, setDir] = useState("");
  const [listing, setListing] = useState<DirListing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [uploading, setUploading] = useState<{ sent: number; total: number } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const [typed, setTyped] = useState("");
  const [uploads, setUploads] = useState<UploadEntry[]>([]);

  useEffect(() => {
    let live = true;
    void recentUploads()
      .then((r) => live && r.ok && setUploads(r.value))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    let live = true;
    void api.listFiles(dir).then((r) => {
      if (!live) return;
      if (r.ok) {
        setListing(r.value);
        setError(null);
      } else setError(r.error.message);
    });
    return () => {
      live = false;
    };
  }, [dir]);

  async function upload(file: File, format?: DatasetFormat) {
    setUploading({ sent: 0, total: file.size });
    const r = await api.upload(file, (sent) => setUploading({ sent, total: file.size }), format);
    setUploading(null);
    if (r.ok) onUploaded(r.value);
    else setError(r.error.message);
  }

  return (
    <section data-testid="file-picker" className="mx-auto flex w-full max-w-3xl flex-col gap-4 p-6">
      <div>
        <h1 className="text-lg font-semibold">Inspect a rollout dump or dataset</h1>
        <p className="text-sm text-zinc-600">
          JSONL, JSON arrays and Parquet: slime rollout samples, chat-message datasets, verl generation dumps and prompt/label
          datasets. slime&apos;s <code>.pt</code> rollout and train dumps open as they are; type a folder&apos;s path to open a
          folder of dumps or of verl <code>{"{step}"}.jsonl</code> files as one dataset.
        </p>
      </div>
      <div className="rounded-lg border border-zinc-200 bg-white p-4">
        <div className="mb-2 flex items-center justify-between">
          <h2 className="text-sm font-semibold">Data directory</h2>
          <span className="truncate text-xs text-zinc-500" title={listing?.root}>
            {listing?.root}
            {listing?.dir ? `/${listing.dir}` : ""}
          </span>
        </div>
        {error && (
          <p data-testid="file-picker-error" className="mb-2 text-sm text-red-700">
            {error}
          </p>
        )}
        <form
          className="mb-2 flex items-center gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            // Paths are relative to the data directory; an absolute path inside it works too.
            const root = listing?.root ?? "";
            let p = typed.trim();
            if (root && p.startsWith(`${root}/`)) p = p.slice(root.length + 1);
            if (p) onOpen(p);
          }}
        >
          <input
            data-testid="open-path"
            className="min-w-0 flex-1 rounded border border-zinc-300 px-2 py-1 font-mono text-xs"
            placeholder="type a path under the data directory, e.g. runs/step-100/rollout.jsonl"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
          />
          <Button size="sm" type="submit" data-testid="open-path-go" disabled={!typed.trim()}>
            Open
          </Button>
        </form>
        {dir && listing?.entries.some((e) => /\.(pt|pth|pkl)$|^\d+\.jsonl$|^(train|rollout)_data$/.test(e.name)) && (
          // A folder of slime dumps or verl {step}.jsonl files is one dataset (lib/data/readers).
          <Button size="sm" variant="ghost" data-testid="open-folder" className="mb-2" onClick={() => onOpen(dir)}>
            Open this folder as one dataset (a step column per file)
          </Button>
        )}
        <ul data-testid="data-dir-listing" className="divide-y divide-zinc-100 text-sm">
          {dir && (
            <li>
              <button className="w-full px-2 py-1.5 text-left text-indigo-700 hover:bg-zinc-50" onClick={() => setDir(dir.split("/").slice(0, -1).join("/"))}>
                ..
              </button>
            </li>
          )}
          {listing?.entries.map((e) => (
            <li key={e.path}>
              <button
                data-testid={`data-file-${e.name}`}
                className="flex w-full items-center justify-between px-2 py-1.5 text-left hover:bg-zinc-50"
                onClick={() => (e.type === "dir" ? setDir(e.path) : onOpen(e.path))}
              >
                <span className={e.type === "dir" ? "font-medium text-indigo-700" : ""}>
                  {e.type === "dir" ? `${e.name}/` : e.name}
                </span>
                {e.type === "file" && <span className="text-xs text-zinc-500">{size(e.size)}</span>}
              </button>
            </li>
          ))}
          {listing && listing.entries.length === 0 && <li className="px-2 py-1.5 text-zinc-500">No {datasetExtensions.join(", ")} files here.</li>}
        </ul>
      </div>
      {uploads.length > 0 && (
        <div className="rounded-lg border border-zinc-200 bg-white p-4" data-testid="recent-uploads">
          <h2 className="mb-2 text-sm font-semibold">Uploaded files</h2>
          <ul className="max-h-60 divide-y divide-zinc-100 overflow-auto text-sm">
            {uploads.map((u) => (
              <li key={u.source}>
                <button data-testid={`upload-entry-${u.name}`} className="flex w-full items-center justify-between gap-2 px-2 py-1.5 text-left hover:bg-zinc-50" onClick={() => onOpen(u.source)}>
                  <span className="truncate">{u.name}</span>
                  <span className="shrink-0 text-xs text-zinc-500">
                    {size(u.size)} · {new Date(u.mtime_ms).toLocaleString()}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="flex items-center gap-3 rounded-lg border border-dashed border-zinc-300 bg-white p-4">
        <input
          ref={input}
          data-testid="upload-input"
          type="file"
          accept={datasetExtensions.join(",")}
          className="hidden"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void upload(f);
          }}
        />
        <Button onClick={() => input.current?.click()} disabled={uploading !== null} data-testid="upload-button">
          Upload a file…
        </Button>
        {uploading && (
          <span data-testid="upload-progress" className="flex items-center gap-2 text-sm text-zinc-600">
            <Spinner /> uploading {uploading.total ? Math.round((100 * uploading.sent) / uploading.total) : 100}%
          </span>
        )}
        <span className="text-xs text-zinc-500">The file is stored on the server and indexed there; nothing is parsed in the browser.</span>
      </div>
    </section>
  );
}
