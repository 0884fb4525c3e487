// Worker thread entry (lib/workers/pool.ts bundles it): summarizes runs of JSON Lines rows.
import { serve } from "@/lib/workers/serve";
import { runSummarizeTask, type SummarizeTask } from "./summarize-task";
import type { RecordSummary } from "./summary";

serve<SummarizeTask, RecordSummary[]>(runSummarizeTask);
