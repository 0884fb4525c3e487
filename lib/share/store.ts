import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { serverEnv } from "@/lib/env";
import { safeEqual } from "@/lib/auth/token";
import { shareTargetSchema, type ShareLinkView, type ShareState, type ShareTarget } from "./schema";

// Read-only links are stored server-side, not signed: the owner must be able to list and revoke
// them at once, which a signed token would need a stored revocation list for anyway; and a stored
// random token shares nothing with the owner's PLAYGROUND_TOKEN (no key derived from it, nothing to
// rotate when it changes). Only the token's SHA-256 is kept, so the file does not hold usable links.
// One small JSON file under the state dir, read per request: the proxy, the page routes and the API
// routes are separate bundles of a production build and share no module state.

const recordSchema = z.object({
  id: z.string(),
  token_sha256: z.string(),
  target: shareTargetSchema,
  created_at: z.string(),
  expires_at: z.string(),
  revoked_at: z.string().nullable(),
});
type ShareRecord = z.infer<typeof recordSchema>;
const fileSchema = z.object({ links: z.array(recordSchema) });

function file(): string {
  return path.resolve(serverEnv().PLAYGROUND_STATE_DIR, "share-links.json");
}

async function load(): Promise<ShareRecord[]> {
  let text: string;
  try {
    text = await readFile(file(), "utf8");
  } catch {
    return [];
  }
  const parsed = fileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    console.error(`[share] ${file()} is not valid; no link opens until it is fixed or removed`);
    return [];
  }
  return parsed.data.links;
}

let writes: Promise<unknown> = Promise.resolve();
/** Read-modify-write, one at a time (the API routes of one bundle share this chain). */
function update<T>(f: (links: ShareRecord[]) => T): Promise<T> {
  const next = writes.then(async () => {
    const links = await load();
    const out = f(links);
    await mkdir(path.dirname(file()), { recursive: true });
    const tmp = `${file()}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ links }));
    await rename(tmp, file());
    return out;
  });
  writes = next.catch(() => {});
  return next;
}

const hash = (token: string) => createHash("sha256").update(token).digest("hex");

function stateOf(r: ShareRecord, now: number): ShareState {
  if (r.revoked_at) return "revoked";
  return Date.parse(r.expires_at) <= now ? "expired" : "active";
}

function view(r: ShareRecord, now = Date.now()): ShareLinkView {
  return { id: r.id, target: r.target, created_at: r.created_at, expires_at: r.expires_at, revoked_at: r.revoked_at, state: stateOf(r, now) };
}

export async function createShare(target: ShareTarget, ttlSeconds: number): Promise<{ link: ShareLinkView; token: string }> {
  const token = randomBytes(24).toString("base64url");
  const now = Date.now();
  const record: ShareRecord = {
    id: randomBytes(6).toString("hex"),
    token_sha256: hash(token),
    target,
    created_at: new Date(now).toISOString(),
    expires_at: new Date(now + ttlSeconds * 1000).toISOString(),
    revoked_at: null,
  };
  await update((links) => links.push(record));
  return { link: view(record, now), token };
}

/** Newest first; links dead for more than a week are dropped from the list. */
export async function listShares(): Promise<ShareLinkView[]> {
  const now = Date.now();
  const week = 7 * 86_400_000;
  return (await load())
    .filter((r) => now - Date.parse(r.revoked_at ?? r.expires_at) < week || stateOf(r, now) === "active")
    .map((r) => view(r, now))
    .reverse();
}

export async function revokeShare(id: string): Promise<ShareLinkView | null> {
  return update((links) => {
    const r = links.find((l) => l.id === id);
    if (!r) return null;
    r.revoked_at ??= new Date().toISOString();
    return view(r);
  });
}

export type ShareLookup = { ok: true; link: ShareLinkView } | { ok: false; why: "unknown" | "expired" | "revoked" };

/** The link a token opens, or why it opens nothing. */
export async function findShare(token: string): Promise<ShareLookup> {
  const h = hash(token);
  const r = (await load()).find((l) => safeEqual(l.token_sha256, h));
  if (!r) return { ok: false, why: "unknown" };
  const link = view(r);
  if (link.state !== "active") return { ok: false, why: link.state };
  return { ok: true, link };
}
