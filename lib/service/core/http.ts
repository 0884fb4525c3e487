import "server-only";
import type { z } from "zod";
import { serverEnv } from "@/lib/env";
import { appError, type AppErrorData, httpStatus, zodIssuesMessage } from "@/lib/errors";
import { err, ok, type Result } from "@/lib/result";

// Request plumbing shared by the service API routes: a bounded body read (413 past the cap, never
// buffering more than cap + one chunk), JSON parsing, and validation errors that name the field.

export function maxBodyBytes(): number {
  return Math.floor(serverEnv().PLAYGROUND_API_MAX_BODY_MB * 1024 * 1024);
}

/**
 * The body as text (empty when there is none): `too_large:body` (413) past the cap, without
 * buffering more than cap + one chunk; `bad_request:body` when the connection closes mid-body.
 */
export async function readBodyText(req: Request, maxBytes = maxBodyBytes()): Promise<Result<string>> {
  const tooLarge = () =>
    err(appError("too_large:body", `The request body is larger than ${Math.round(maxBytes / 1024 / 1024)} MB (PLAYGROUND_API_MAX_BODY_MB).`));
  const declared = Number(req.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge();
  if (!req.body) return ok("");
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        return tooLarge();
      }
      chunks.push(value);
    }
  } catch {
    return err(appError("bad_request:body", "The request body could not be read (the connection closed early?)."));
  }
  return ok(Buffer.concat(chunks).toString("utf8"));
}

/** The body as parsed JSON: `too_large:body` (413) past the cap, `bad_request:body` (400) when it is not JSON. */
export async function readJsonBody(req: Request, maxBytes = maxBodyBytes()): Promise<Result<unknown>> {
  if (!req.body) return err(appError("bad_request:body", "The request has no body; send a JSON object."));
  const body = await readBodyText(req, maxBytes);
  if (!body.ok) return body;
  const text = body.value;
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    return err(appError("bad_request:body", `The request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`));
  }
}

/** zod issues as our error (422, first field named) plus FastAPI's `detail` list, which SandboxFusion clients expect. */
export function validationResponse(error: z.ZodError): Response {
  const first = error.issues[0];
  const field = first ? first.path.map(String).join(".") : undefined;
  const data: AppErrorData = appError("unprocessable:body", zodIssuesMessage(error.issues), field || undefined);
  const detail = error.issues.map((i) => ({ loc: ["body", ...i.path.map((p) => (typeof p === "number" ? p : String(p)))], msg: i.message, type: i.code }));
  return Response.json({ detail, error: data }, { status: 422 });
}

/** A refused request (body, queue) in our envelope plus FastAPI's `detail` string. */
export function refusedResponse(e: AppErrorData): Response {
  return Response.json({ detail: e.message, error: e }, { status: httpStatus(e.code) });
}
