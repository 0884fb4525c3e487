// Worker thread entry (lib/workers/pool.ts bundles it): summarizes runs of JSON Lines rows.
import { serve } from "@/lib/workers/serve";
import { runSummarizeTask, type SummarizeTask, type SummarizedRun } from "./summarize-task";

// The run's search text is moved to the server thread, not copied.
serve<SummarizeTask, SummarizedRun>(runSummarizeTask, (run) => [run.text.buffer as ArrayBuffer]);
