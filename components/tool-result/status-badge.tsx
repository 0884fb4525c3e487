import type { ToolStatus } from "@/lib/sandbox/types";
import { Badge, type BadgeTone } from "@/components/ui/badge";

// Exhaustive on purpose: a new status must be given a look here before it builds.
const statusLook: Record<ToolStatus, { tone: BadgeTone; label: string }> = {
  success: { tone: "green", label: "success" },
  error: { tone: "red", label: "error" },
  timeout: { tone: "amber", label: "timeout" },
  cancelled: { tone: "zinc", label: "cancelled" },
};

export function ToolStatusBadge({ status }: { status: ToolStatus }) {
  const look = statusLook[status];
  return (
    <Badge tone={look.tone} data-testid="tool-status" data-status={status}>
      {look.label}
    </Badge>
  );
}
