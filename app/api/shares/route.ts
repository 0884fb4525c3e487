import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { withInput } from "@/lib/http/route";
import { targetQuery } from "@/lib/share/schema";
import { createShare, listShares } from "@/lib/share/store";
import { createShareSchema, type CreatedShare, type SharesResponse } from "./schema";

export const dynamic = "force-dynamic";

// Only the owner reaches these (the token gate in proxy.ts covers /api/*).

export const GET = withInput({}, async (): Promise<SharesResponse> => {
  const enabled = Boolean(serverEnv().PLAYGROUND_TOKEN);
  return { enabled, links: enabled ? await listShares() : [] };
});

export const POST = withInput({ body: createShareSchema }, async ({ body }): Promise<CreatedShare> => {
  if (!serverEnv().PLAYGROUND_TOKEN)
    throw new AppError("conflict:share", "Read-only links need PLAYGROUND_TOKEN: without a token the playground answers only on this machine.");
  const { link, token } = await createShare(body.target, body.ttl_s);
  return { link, path: `/share/${token}?${targetQuery(body.target).toString()}` };
});
