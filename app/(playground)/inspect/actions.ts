"use server";

import type { LabelCoverage } from "@/lib/data/label-coverage";
import { labelCoverage } from "@/lib/data/label-coverage";
import { getDataset } from "@/lib/data/registry";
import type { SampleTokens } from "@/lib/data/sample-tokens";
import { computeSampleTokens } from "@/lib/data/sample-tokens";
import type { UploadEntry } from "@/lib/data/upload-list";
import { listUploads } from "@/lib/data/upload-list";
import { zodIssuesMessage } from "@/lib/errors";
import type { Result } from "@/lib/result";
import { err, ok } from "@/lib/result";
import type { LabelCheckInput, SampleTokensInput } from "./schema";
import { labelCheckSchema, sampleTokensSchema } from "./schema";

// Server actions of the Inspect page. They never throw: failures come back as Result values.

const notOpen = err({ code: "not_found:dataset" as const, message: "This dataset is not open on the server (it restarted?). Open the file again." });

/** Before a re-score: which rows of the scope have no label. */
export async function checkLabels(input: LabelCheckInput): Promise<Result<LabelCoverage>> {
  const parsed = labelCheckSchema.safeParse(input);
  if (!parsed.success) return err({ code: "bad_request:body", message: zodIssuesMessage(parsed.error.issues) });
  const ds = getDataset(parsed.data.dataset_id);
  if (!ds) return notOpen;
  await ds.ready;
  const rows = await ds.view.rowsFor(parsed.data.scope, parsed.data.query);
  if (!rows.ok) return rows;
  return ok(await labelCoverage(ds, rows.value));
}

/** Token ids for a sample whose file has none, from the server's tokenizer. */
export async function sampleTokens(input: SampleTokensInput): Promise<Result<SampleTokens>> {
  const parsed = sampleTokensSchema.safeParse(input);
  if (!parsed.success) return err({ code: "bad_request:body", message: zodIssuesMessage(parsed.error.issues) });
  const ds = getDataset(parsed.data.dataset_id);
  if (!ds) return notOpen;
  if (parsed.data.row >= ds.store.length) return err({ code: "not_found:row", message: `Row ${parsed.data.row} does not exist.` });
  const { sample } = await ds.sample(parsed.data.row);
  return computeSampleTokens(sample);
}

/** Files uploaded earlier (newest first), so they can be reopened after Close. */
export async function recentUploads(): Promise<Result<UploadEntry[]>> {
  return ok(await listUploads());
}
