import { withInput } from "@/lib/http/route";
import { listSandboxes } from "@/lib/service/ms-enclave/manager";

// The open ms-enclave sandboxes (each an Editor session), for the Traffic page's list.

export const dynamic = "force-dynamic";

export const GET = withInput({}, () => {
  const rows = listSandboxes().map((s) => ({
    id: s.id,
    type: s.type,
    status: s.status,
    backend: s.metadata.backend,
    created_at: s.created_at,
    tools: Object.keys(s.available_tools),
    editor_url: s.status === "stopped" ? null : s.metadata.editor_url,
  }));
  return Response.json(rows, { headers: { "cache-control": "no-store" } });
});
