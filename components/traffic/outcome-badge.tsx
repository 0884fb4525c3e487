import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { TrafficOutcome } from "@/lib/traffic/types";

export const outcomeTone: Record<TrafficOutcome, BadgeTone> = {
  success: "green",
  failed: "red",
  timeout: "amber",
  sandbox_error: "red",
  rejected: "zinc",
};

export const outcomeLabel: Record<TrafficOutcome, string> = {
  success: "success",
  failed: "failed",
  timeout: "timeout",
  sandbox_error: "sandbox error",
  rejected: "rejected",
};

export function OutcomeBadge({ outcome }: { outcome: TrafficOutcome }) {
  return (
    <Badge tone={outcomeTone[outcome]} data-testid="outcome" data-outcome={outcome}>
      {outcomeLabel[outcome]}
    </Badge>
  );
}
