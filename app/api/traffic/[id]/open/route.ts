import { withInput } from "@/lib/http/route";
import { unwrap } from "@/lib/result";
import { openTrafficCallInEditor } from "@/lib/workspace/from-traffic";
import { trafficParamsSchema } from "../schema";

// "Open in Editor" on the Traffic page (a form POST, so the proxy's cross-origin check covers it):
// lib/workspace prepares a new Editor session with the call's code; answered with a 303 to it.

export const dynamic = "force-dynamic";

export const POST = withInput({ params: trafficParamsSchema }, async ({ params }) => {
  const location = unwrap(await openTrafficCallInEditor(params.id));
  return new Response(null, { status: 303, headers: { location } });
});
