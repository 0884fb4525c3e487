"use client";
import { useCallback, useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { readErrorEnvelope } from "@/lib/errors";
import type { CreatedShare, ShareLinkView, SharesResponse, ShareTarget } from "@/lib/share/schema";
import { describeTarget, shareLifetimes } from "@/lib/share/schema";
import { copyText } from "./copy-link";

const sameTarget = (a: ShareTarget, b: ShareTarget) => JSON.stringify(a) === JSON.stringify(b);

/** What the link's page shows, per kind of thing. */
const shows: Record<ShareTarget["kind"], string> = {
  chat_run: "the transcript, tool calls, reward and tokens",
  inspect_sample: "the transcript, tool calls, reward and tokens",
  editor_session: "the code, the files (listed, not editable) and the last result",
  traffic_call: "the request, the response and its timing",
};

/**
 * "Read-only link…": makes a link to this one thing that opens without the owner's token, expires,
 * and can be revoked. The list shows this thing's links with Revoke. A link's address is shown once,
 * when it is made (the server keeps only its hash).
 */
/** `align`: the side the panel lines up with (the button's side of the page, so it stays on screen). */
export function ShareMenu({ target, unavailable, align = "right" }: { target: ShareTarget; unavailable?: string; align?: "left" | "right" }) {
  const [open, setOpen] = useState(false);
  const [state, setState] = useState<SharesResponse | null>(null);
  const [ttl, setTtl] = useState<number>(shareLifetimes[1].seconds);
  const [made, setMade] = useState<{ url: string; copied: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const res = await fetch("/api/shares", { cache: "no-store" });
    if (res.ok) setState((await res.json()) as SharesResponse);
    else setError((await readErrorEnvelope(res)).message);
  }, []);
  useEffect(() => {
    if (open) void load();
  }, [open, load]);

  const create = async () => {
    setError(null);
    const res = await fetch("/api/shares", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ target, ttl_s: ttl }) });
    if (!res.ok) return setError((await readErrorEnvelope(res)).message);
    const c = (await res.json()) as CreatedShare;
    const url = new URL(c.path, window.location.origin).toString();
    setMade({ url, copied: await copyText(url) });
    void load();
  };
  const revoke = async (id: string) => {
    const res = await fetch(`/api/shares/${id}`, { method: "DELETE" });
    if (!res.ok) setError((await readErrorEnvelope(res)).message);
    void load();
  };

  const links: ShareLinkView[] = state?.links.filter((l) => sameTarget(l.target, target)) ?? [];
  const reason = unavailable ?? (state && !state.enabled ? "Read-only links need PLAYGROUND_TOKEN: without a token the playground answers only on this machine, so nobody else could open one." : null);

  return (
    <span className="relative inline-flex items-center">
      <Button size="sm" className="whitespace-nowrap" data-testid="share-readonly" onClick={() => setOpen((o) => !o)} title="A link to this one thing that opens without your token, shows everything and runs nothing">
        Read-only link…
      </Button>
      {open && (
        <div data-testid="share-panel" className={`absolute ${align === "left" ? "left-0" : "right-0"} top-full z-30 mt-1 flex w-96 flex-col gap-2 rounded-md border border-zinc-200 bg-white p-3 text-xs shadow-lg`}>
          <p className="text-zinc-700">
            A link to <b>{describeTarget(target)}</b> only. It opens without your token in any browser, shows {shows[target.kind]}, and runs nothing.
          </p>
          {reason ? (
            <p data-testid="share-disabled" className="rounded bg-amber-50 p-2 text-amber-900">
              {reason}
            </p>
          ) : (
            <div className="flex items-center gap-2">
              <label className="flex items-center gap-1">
                expires in
                <select data-testid="share-ttl" value={ttl} onChange={(e) => setTtl(Number(e.target.value))} className="rounded border border-zinc-300 px-1 py-0.5">
                  {shareLifetimes.map((l) => (
                    <option key={l.seconds} value={l.seconds}>
                      {l.label}
                    </option>
                  ))}
                </select>
              </label>
              <Button size="sm" variant="primary" data-testid="share-create" disabled={!state} onClick={() => void create()}>
                Create link
              </Button>
            </div>
          )}
          {made && (
            <div data-testid="share-created" data-url={made.url} className="flex flex-col gap-1 rounded bg-green-50 p-2 text-green-900">
              <span>{made.copied ? "Link copied. It is shown only now:" : "Copy the link now (it is shown only once):"}</span>
              <input readOnly value={made.url} onFocus={(e) => e.currentTarget.select()} className="w-full rounded border border-green-300 bg-white px-1 font-mono text-[11px]" />
            </div>
          )}
          {error && <p className="text-red-700">{error}</p>}
          {links.length > 0 && (
            <ul data-testid="share-list" className="flex flex-col gap-1 border-t border-zinc-200 pt-2">
              {links.map((l) => (
                <li key={l.id} data-testid="share-item" data-id={l.id} data-state={l.state} className="flex items-center gap-2">
                  <span className="font-mono text-zinc-500">{l.id}</span>
                  <span className={l.state === "active" ? "text-green-700" : "text-zinc-500"}>{l.state}</span>
                  <span className="text-zinc-500">{l.state === "revoked" ? `revoked ${l.revoked_at?.slice(0, 16).replace("T", " ")}` : `expires ${l.expires_at.slice(0, 16).replace("T", " ")} UTC`}</span>
                  {l.state === "active" && (
                    <Button size="sm" variant="danger" className="ml-auto" data-testid="share-revoke" onClick={() => void revoke(l.id)}>
                      Revoke
                    </Button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </span>
  );
}
