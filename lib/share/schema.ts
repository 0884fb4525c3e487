// Read-only share links: what one points at, what the owner sends to make one, what the list shows.
// Isomorphic: the share menu and the routes use the same schemas.
import { z } from "zod";
import { datasetFormats } from "@/lib/data/types";
import { chatRunIdSchema, chatSessionIdSchema } from "@/lib/rollout/chat-session-schema";
import { trafficIdSchema } from "@/lib/traffic/types";
import { sessionIdSchema as editorSessionIdSchema } from "@/lib/workspace/schema";

/** The one thing a link shows. Nothing else is reachable through it. */
export const shareTargetSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("chat_run"), session: chatSessionIdSchema, run: chatRunIdSchema }),
  z.object({
    kind: z.literal("inspect_sample"),
    file: z.string().min(1).max(2000),
    format: z.enum(datasetFormats).optional(),
    sample: z.number().int().min(0),
  }),
  z.object({ kind: z.literal("editor_session"), session: editorSessionIdSchema }),
  z.object({ kind: z.literal("traffic_call"), call: trafficIdSchema }),
]);
export type ShareTarget = z.infer<typeof shareTargetSchema>;

/** Lifetimes the menu offers; the route takes any from a second to 30 days. */
export const shareLifetimes = [
  { label: "1 hour", seconds: 3600 },
  { label: "1 day", seconds: 86_400 },
  { label: "7 days", seconds: 604_800 },
] as const;
export const MAX_SHARE_SECONDS = 30 * 86_400;

export const createShareSchema = z.object({
  target: shareTargetSchema,
  ttl_s: z.number().int().min(1).max(MAX_SHARE_SECONDS),
});
export type CreateShareInput = z.infer<typeof createShareSchema>;

export const shareIdSchema = z.string().regex(/^[a-f0-9]{12}$/, "not a share link id");
/** 24 random bytes, base64url. */
export const shareTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{32}$/, "not a share link");
export const shareIdParamsSchema = z.object({ id: shareIdSchema });
export const shareTokenParamsSchema = z.object({ token: shareTokenSchema });

export const shareStates = ["active", "expired", "revoked"] as const;
export type ShareState = (typeof shareStates)[number];

/** A link as the owner's list shows it (never its token: that is shown once, when it is made). */
export interface ShareLinkView {
  id: string;
  target: ShareTarget;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  state: ShareState;
}

export interface SharesResponse {
  /** Links need PLAYGROUND_TOKEN: without one the app answers only on localhost. */
  enabled: boolean;
  links: ShareLinkView[];
}

export interface CreatedShare {
  link: ShareLinkView;
  /** Path and query of the link (the page adds its origin). */
  path: string;
}

/** The query a link carries naming its thing, so a link edited to name another thing is refused. */
export function targetQuery(t: ShareTarget): URLSearchParams {
  const q = new URLSearchParams();
  switch (t.kind) {
    case "chat_run":
      q.set("session", t.session);
      q.set("run", t.run);
      break;
    case "inspect_sample":
      q.set("file", t.file);
      if (t.format) q.set("fmt", t.format);
      q.set("sample", String(t.sample));
      break;
    case "editor_session":
      q.set("editor", t.session);
      break;
    case "traffic_call":
      q.set("call", t.call);
      break;
  }
  return q;
}

/** Every key any target puts in its query (a link must carry its own and none of the others). */
const targetKeys = ["session", "run", "file", "fmt", "sample", "editor", "call"];

/** Whether a link's query names exactly its target. */
export function queryNames(t: ShareTarget, q: URLSearchParams): boolean {
  const want = targetQuery(t);
  for (const [k, v] of want) if (q.get(k) !== v) return false;
  for (const k of targetKeys) if (q.has(k) && !want.has(k)) return false;
  return true;
}

export function describeTarget(t: ShareTarget): string {
  switch (t.kind) {
    case "chat_run":
      return `Chat run ${t.run} of session ${t.session}`;
    case "inspect_sample":
      return `${t.file} · sample ${t.sample}`;
    case "editor_session":
      return `Editor session ${t.session}`;
    case "traffic_call":
      return `Traffic call ${t.call}`;
  }
}

/** What a link's page shows, in the words of its banner and the owner's panel. */
export const targetNoun: Record<ShareTarget["kind"], string> = {
  chat_run: "run",
  inspect_sample: "sample",
  editor_session: "Editor session",
  traffic_call: "call",
};

/** Cookie the share page sets: it marks a browser as a read-only viewer so refusals can say why. */
export const shareViewerCookie = "playground_share";
