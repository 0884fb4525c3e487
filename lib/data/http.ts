import "server-only";
import type { z } from "zod";
import { getDataset } from "./registry";
import type { Dataset } from "./dataset";

// Small helpers shared by the /api/datasets route handlers.

export type ApiErrorCode =
  | "bad_request:query"
  | "bad_request:body"
  | "bad_request:upload"
  | "not_found:dataset"
  | "not_found:file"
  | "not_found:row"
  | "forbidden:path"
  | "unavailable:sandbox"
  | "internal";

const statusOf: Record<ApiErrorCode, number> = {
  "bad_request:query": 400,
  "bad_request:body": 400,
  "bad_request:upload": 400,
  "not_found:dataset": 404,
  "not_found:file": 404,
  "not_found:row": 404,
  "forbidden:path": 403,
  "unavailable:sandbox": 503,
  internal: 500,
};

export function apiError(code: ApiErrorCode, message: string): Response {
  return Response.json({ error: { code, message } }, { status: statusOf[code] });
}

export function zodMessage(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ");
}

export function searchParamsObject(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams.entries());
}

export async function datasetOr404(params: Promise<{ id: string }>): Promise<Dataset | Response> {
  const { id } = await params;
  const ds = getDataset(id);
  return ds ?? apiError("not_found:dataset", "This dataset is not open on the server (it restarted?). Open the file again.");
}

/**
 * A newline-delimited JSON response fed by `run`. The request's abort signal reaches `run`,
 * so closing the connection cancels the work.
 */
export function ndjson(signal: AbortSignal, run: (send: (event: unknown) => void, signal: AbortSignal) => Promise<void>): Response {
  const enc = new TextEncoder();
  const ctrl = new AbortController();
  signal.addEventListener("abort", () => ctrl.abort());
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (event: unknown): void => {
        if (ctrl.signal.aborted) return;
        try {
          controller.enqueue(enc.encode(`${JSON.stringify(event)}\n`));
        } catch {
          ctrl.abort();
        }
      };
      try {
        await run(send, ctrl.signal);
      } catch (e) {
        console.error("[inspect] stream failed", e);
        send({ type: "error", message: "The operation failed on the server; see the server log." });
      } finally {
        try {
          controller.close();
        } catch {
          /* already closed by the client */
        }
      }
    },
    cancel() {
      ctrl.abort();
    },
  });
  return new Response(stream, { headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" } });
}
