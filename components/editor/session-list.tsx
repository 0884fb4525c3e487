"use client";

import { useEffect, useRef, useState } from "react";
import { editorSessionListSchema, type EditorSessionRow } from "@/lib/workspace/schema";

const kindLabel: Record<EditorSessionRow["kind"], string> = { editor: "Editor", chat: "Chat", "ms-enclave": "ms-enclave", e2b: "E2B" };

function ago(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

function state(r: EditorSessionRow, now: number): string {
  if (r.e2b) {
    const left = Math.max(0, Math.round((r.e2b.end_at_ms - now) / 1000));
    const image = r.e2b.image_asked && r.e2b.image_asked !== r.e2b.image_used ? `${r.e2b.image_asked} → ${r.e2b.image_used}` : r.e2b.image_used;
    const md = Object.entries(r.e2b.metadata).map(([k, v]) => `${k}=${v}`).join(" ");
    return `E2B · ${image} · ends in ${left < 120 ? `${left} s` : `${Math.round(left / 60)} min`}${md ? ` · ${md}` : ""}`;
  }
  if (r.running > 0) return `running on ${r.live.join(", ")}`;
  if (r.live.length) {
    const left = r.expires_at_ms === null ? null : Math.max(0, Math.round((r.expires_at_ms - now) / 60_000));
    return `live on ${r.live.join(", ")}${left === null ? ", held by its client" : `, closes in ${left} min if idle`}`;
  }
  return "saved · sandbox closed";
}

const stateTitle = (r: EditorSessionRow, now: number) =>
  r.live.length ? state(r, now) : "Its sandbox was closed: the files are gone, the buffers, mode and last result are kept.";

const WIDTH = 760;

async function saveName(id: string, name: string): Promise<boolean> {
  const res = await fetch(`/api/editor/workspaces/${encodeURIComponent(id)}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  }).catch(() => null);
  return Boolean(res?.ok);
}

/** The session's name (what it holds, or what the person called it), renamed in place. */
function SessionName({ row, onChanged }: { row: EditorSessionRow; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState("");
  const [failed, setFailed] = useState(false);
  const short = row.id.replace(/^(ms-enclave|e2b)-/, "").slice(0, 12);
  const commit = async () => {
    const ok = await saveName(row.id, value.trim());
    setFailed(!ok);
    if (ok) {
      setEditing(false);
      onChanged();
    }
  };
  if (editing)
    return (
      <form
        className="flex w-64 shrink-0 items-center gap-1"
        onSubmit={(e) => {
          e.preventDefault();
          void commit();
        }}
      >
        <input
          autoFocus
          data-testid="editor-session-name-input"
          aria-label="Session name"
          maxLength={120}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              e.stopPropagation();
              setEditing(false);
            }
          }}
          className="min-w-0 flex-1 rounded border border-zinc-300 px-1 py-0.5"
        />
        <button type="submit" data-testid="editor-session-name-save" className="text-indigo-700 underline">
          Save
        </button>
        {failed && <span className="text-red-700">not saved</span>}
      </form>
    );
  return (
    <span className="flex w-64 shrink-0 items-center gap-1">
      <span
        data-testid="editor-session-name"
        className={row.title ? "min-w-0 truncate text-zinc-900" : "min-w-0 truncate font-mono text-zinc-500"}
        title={`${row.title ?? "holds nothing yet"} · session ${row.id}`}
      >
        {row.title ?? short}
      </span>
      {(row.kind === "editor" || row.saved) && (
        <button
          type="button"
          data-testid="editor-session-rename"
          title="Rename this session"
          onClick={() => {
            setValue(row.named ? (row.title ?? "") : "");
            setEditing(true);
          }}
          className="shrink-0 text-zinc-400 underline decoration-dotted hover:text-zinc-800"
        >
          Rename
        </button>
      )}
    </span>
  );
}

/** Delete, asked twice: the session's saved buffers and its sandbox files go. */
function DeleteSession({ row, current, onDeleted }: { row: EditorSessionRow; current: string; onDeleted: () => void }) {
  const [asking, setAsking] = useState(false);
  const [failed, setFailed] = useState(false);
  const remove = async () => {
    const res = await fetch(`/api/editor/workspaces/${encodeURIComponent(row.id)}`, { method: "DELETE" }).catch(() => null);
    if (!res?.ok) return setFailed(true);
    // The page's own session is gone: start a fresh one rather than keep editing a deleted one.
    if (row.id === current) window.location.assign("/editor?new=1");
    else onDeleted();
  };
  if (!asking)
    return (
      <button type="button" data-testid="editor-session-delete" onClick={() => setAsking(true)} className="shrink-0 text-zinc-400 underline decoration-dotted hover:text-red-700">
        Delete
      </button>
    );
  return (
    <span className="flex shrink-0 items-center gap-1" data-testid="editor-session-delete-confirm">
      <span className="text-red-800">{failed ? "Delete failed." : "Delete with its files?"}</span>
      <button type="button" data-testid="editor-session-delete-yes" onClick={() => void remove()} className="font-medium text-red-700 underline">
        Delete
      </button>
      <button type="button" onClick={() => setAsking(false)} className="text-zinc-600 underline">
        Keep
      </button>
    </span>
  );
}

/**
 * The sessions this server knows: saved Editor workspaces, live sandboxes of Editor and Chat
 * sessions, and ms-enclave sandboxes. Loaded when opened, refreshed while open.
 */
export function SessionList({ current }: { current: string }) {
  const [open, setOpen] = useState(false);
  const [rows, setRows] = useState<EditorSessionRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  /** Bumped after a rename or delete: the list reloads. */
  const [version, setVersion] = useState(0);
  const button = useRef<HTMLButtonElement>(null);
  // Fixed, under the button and kept inside the window (the button sits mid-screen at 1024 px).
  const [at, setAt] = useState<{ left: number; top: number; width: number } | null>(null);
  const toggle = () => {
    const b = button.current?.getBoundingClientRect();
    if (b) {
      const width = Math.min(WIDTH, window.innerWidth - 16);
      setAt({ width, top: b.bottom + 4, left: Math.min(Math.max(8, b.right - width), window.innerWidth - width - 8) });
    }
    setOpen((o) => !o);
  };

  useEffect(() => {
    if (!open) return;
    let live = true;
    const load = async () => {
      try {
        const res = await fetch("/api/editor/sessions", { cache: "no-store" });
        const parsed = editorSessionListSchema.safeParse(await res.json());
        if (!live) return;
        if (parsed.success) {
          setRows(parsed.data);
          setError(null);
        } else setError("The server sent a session list this page cannot read.");
        setNow(Date.now());
      } catch {
        if (live) setError("Could not reach the playground server.");
      }
    };
    void load();
    const t = setInterval(() => void load(), 5000);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [open, version]);

  // Escape or a click elsewhere closes it.
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    const onDown = (e: MouseEvent) => {
      const t = e.target as Node;
      if (!panel.current?.contains(t) && !button.current?.contains(t)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onDown);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onDown);
    };
  }, [open]);

  return (
    <div className="relative">
      <button
        ref={button}
        type="button"
        data-testid="editor-sessions"
        aria-expanded={open}
        onClick={toggle}
        className="whitespace-nowrap text-zinc-500 underline decoration-dotted hover:text-zinc-800"
      >
        Sessions
      </button>
      {open && (
        <div
          ref={panel}
          data-testid="editor-session-list"
          style={at ?? undefined}
          className="fixed z-30 rounded-md border border-zinc-200 bg-white p-2 text-xs shadow-lg"
        >
          {error && <p className="mb-1 text-red-700">{error}</p>}
          {rows === null ? (
            <p className="text-zinc-500">Loading…</p>
          ) : rows.length === 0 ? (
            <p className="text-zinc-600">No sessions yet.</p>
          ) : (
            <ul className="max-h-80 divide-y divide-zinc-100 overflow-y-auto">
              {rows.map((r) => (
                <li key={r.id} data-testid="editor-session-row" data-session-id={r.id} data-kind={r.kind} className="flex min-w-0 items-center gap-2 py-1">
                  <span className="w-20 shrink-0 rounded bg-zinc-100 px-1 text-center text-[10px] text-zinc-700">{kindLabel[r.kind]}</span>
                  <SessionName row={r} onChanged={() => setVersion((v) => v + 1)} />
                  <span className="min-w-0 flex-1 truncate text-zinc-600" title={stateTitle(r, now)}>
                    {state(r, now)}
                    {r.saved ? ` · ${r.saved.tool}` : ""}
                  </span>
                  {r.isolation && (
                    <span className="shrink-0 rounded bg-zinc-100 px-1 text-[10px] text-zinc-700" data-testid="editor-session-isolation">
                      {r.isolation}
                    </span>
                  )}
                  <span className="shrink-0 text-zinc-500">{ago(r.last_used_ms, now)}</span>
                  {r.kind === "editor" && <DeleteSession row={r} current={current} onDeleted={() => setVersion((v) => v + 1)} />}
                  {r.id === current ? (
                    <span className="w-10 shrink-0 text-right font-medium text-zinc-900" data-testid="editor-session-current">
                      here
                    </span>
                  ) : (
                    <a href={r.url} data-testid="editor-session-open" className="w-10 shrink-0 text-right text-indigo-700 underline">
                      Open
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
