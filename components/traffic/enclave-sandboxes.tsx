"use client";

import { useEffect, useState } from "react";

interface SandboxRow {
  id: string;
  type: string;
  status: string;
  backend: string;
  created_at: string;
  tools: string[];
  editor_url: string | null;
}

/**
 * ms-enclave sandboxes that clients hold open: each is an Editor session, so a person can step into
 * one and look at its files. Polled while the page is visible.
 */
export function EnclaveSandboxes() {
  const [rows, setRows] = useState<SandboxRow[]>([]);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    let stop = false;
    const load = async () => {
      if (document.visibilityState !== "visible") return;
      try {
        const res = await fetch("/api/traffic/sandboxes", { cache: "no-store" });
        if (res.ok && !stop) setRows((await res.json()) as SandboxRow[]);
      } catch {
        /* the next poll tries again */
      }
    };
    void load();
    const t = setInterval(() => void load(), 5000);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, []);
  return (
    <div className="relative">
      <button
        type="button"
        data-testid="enclave-sandboxes"
        data-count={rows.length}
        onClick={() => setOpen((o) => !o)}
        className="rounded-md px-2 py-1 text-xs text-zinc-700 ring-1 ring-zinc-300 hover:bg-zinc-100"
      >
        ms-enclave sandboxes: {rows.length}
      </button>
      {open && (
        <div className="absolute right-0 z-20 mt-1 w-[min(560px,90vw)] rounded-md border border-zinc-200 bg-white p-2 shadow-lg">
          {rows.length === 0 ? (
            <p className="text-xs text-zinc-600">No ms-enclave sandbox is open.</p>
          ) : (
            <ul className="max-h-72 space-y-1 overflow-y-auto text-xs">
              {rows.map((r) => (
                <li key={r.id} data-testid="enclave-sandbox" className="flex min-w-0 items-center gap-2">
                  <span className="min-w-0 flex-1 truncate font-mono" title={r.id}>
                    {r.id}
                  </span>
                  <span className="text-zinc-500">
                    {r.type} · {r.backend} · {r.status} · {r.tools.join(", ") || "no tools"}
                  </span>
                  {r.editor_url && (
                    <a className="text-indigo-700 underline" href={r.editor_url}>
                      Editor
                    </a>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
