// Worker thread entry (lib/workers/pool.ts bundles it): re-scores runs of JSON records.
import type { RewardOutcome } from "@/lib/reward";
import { serve } from "@/lib/workers/serve";
import { runRescoreTask, type RescoreTask } from "./rescore-task";

serve<RescoreTask, RewardOutcome[]>(runRescoreTask);
