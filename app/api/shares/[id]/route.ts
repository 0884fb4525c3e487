import { AppError } from "@/lib/errors";
import { withInput } from "@/lib/http/route";
import { revokeShare } from "@/lib/share/store";
import { shareIdParamsSchema } from "../schema";

export const dynamic = "force-dynamic";

/** DELETE /api/shares/:id: the link stops opening at once. */
export const DELETE = withInput({ params: shareIdParamsSchema }, async ({ params }) => {
  const link = await revokeShare(params.id);
  if (!link) throw new AppError("not_found:share", "No such read-only link.");
  return link;
});
