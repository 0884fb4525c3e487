import { serverEnv } from "@/lib/env";
import { appError, httpStatus, type AppErrorData } from "@/lib/errors";
import { withInput } from "@/lib/http/route";
import { renderTarget } from "@/lib/share/render";
import { describeTarget, queryNames, shareTokenParamsSchema, shareViewerCookie, targetNoun } from "@/lib/share/schema";
import { findShare } from "@/lib/share/store";

export const dynamic = "force-dynamic";

// GET /share/:token?…: what a read-only link shows, to anyone holding it, without the owner's token
// (proxy.ts lets /share/ through; this route is the check). The page is the self-contained export:
// no script, CSP default-src 'none', so nothing on it can run or call the server. The link's query
// names its thing; a link edited to name another thing is refused, as are expired and revoked ones.

const why: Record<"unknown" | "expired" | "revoked", string> = {
  unknown: "This read-only link is not valid on this server.",
  expired: "This read-only link has expired. Ask its owner for a new one.",
  revoked: "This read-only link was revoked by its owner.",
};

/** Refusals are pages too (a person opened a link), in plain text: nothing of the owner's leaks. */
function refuse(e: AppErrorData): Response {
  return new Response(`${e.message}\n`, { status: httpStatus(e.code), headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
}

export const GET = withInput({ params: shareTokenParamsSchema }, async ({ req, params }) => {
  if (!serverEnv().PLAYGROUND_TOKEN) return refuse(appError("not_found:share", "Read-only links work only on a playground with PLAYGROUND_TOKEN set."));
  const found = await findShare(params.token);
  if (!found.ok) return refuse(appError(found.why === "unknown" ? "not_found:share" : "forbidden:share", why[found.why]));
  const { link } = found;
  if (!queryNames(link.target, new URL(req.url).searchParams))
    return refuse(appError("forbidden:share", `This read-only link shows only ${describeTarget(link.target)}, not what the address now names.`));
  const banner = `Read-only link: it shows this ${targetNoun[link.target.kind]} and runs nothing (no re-run, no edit, no other page). It expires ${link.expires_at.replace("T", " ").slice(0, 16)} UTC.`;
  const html = await renderTarget(link.target, banner);
  if (!html.ok) return refuse(html.error);
  return new Response(html.value, {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
      "referrer-policy": "no-referrer",
      // Marks this browser as a read-only viewer, so a request it makes elsewhere is refused with that reason.
      "set-cookie": `${shareViewerCookie}=${link.id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=86400`,
    },
  });
});
