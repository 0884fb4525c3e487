import { withInput } from "@/lib/http/route";
import { editorSessions } from "@/lib/workspace/sessions";

// GET /api/editor/sessions: the Editor's session list (saved workspaces, live sandboxes, ms-enclave).

export const dynamic = "force-dynamic";

export const GET = withInput({}, async () => Response.json(await editorSessions(), { headers: { "cache-control": "no-store" } }));
