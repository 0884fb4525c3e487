import { Suspense } from "react";
import { InspectApp } from "@/components/inspect/inspect-app";
import { BASE_REWARD_TYPES } from "@/lib/reward";

export const dynamic = "force-dynamic";

export default function InspectPage() {
  // Reward types come from the server's reward registry so the list never drifts.
  const rewardTypes = [...BASE_REWARD_TYPES, ...BASE_REWARD_TYPES.filter((t) => t !== "retool").map((t) => `boxed_${t}`)];
  return (
    <Suspense fallback={<p className="p-6 text-sm text-zinc-500">Loading…</p>}>
      <InspectApp rewardTypes={rewardTypes} />
    </Suspense>
  );
}
