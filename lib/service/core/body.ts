import "server-only";
import { serverEnv } from "@/lib/env";
import { err, ok, type Result } from "@/lib/result";
import type { z } from "zod";
import { invalidInput, type ServiceError } from "./errors";

// Request bodies for the service routes: a bounded read (413 past the cap, never buffering more
// than cap + one chunk; chunked bodies without a Content-Length are counted as they arrive), as
// bytes, text or JSON.

export function maxBodyBytes(): number {
  return Math.floor(serverEnv().PLAYGROUND_API_MAX_BODY_MB * 1024 * 1024);
}

/**
 * The body as bytes (empty when there is none): `too_large:body` (413) past the cap;
 * `bad_request:body` when the connection closes mid-body.
 */
export async function readBodyBytes(req: Request, maxBytes = maxBodyBytes()): Promise<Result<Buffer, ServiceError>> {
  const tooLarge = () =>
    err<ServiceError>({ code: "too_large:body", message: `The request body is larger than ${Math.round(maxBytes / 1024 / 1024)} MB (PLAYGROUND_API_MAX_BODY_MB).` });
  const declared = Number(req.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge();
  if (!req.body) return ok(Buffer.alloc(0));
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
    return err({ code: "bad_request:body", message: "The request body could not be read (the connection closed early?)." });
  }
  return ok(Buffer.concat(chunks));
}

/** The body as UTF-8 text (empty when there is none); errors as readBodyBytes. */
export async function readBodyText(req: Request, maxBytes = maxBodyBytes()): Promise<Result<string, ServiceError>> {
  const r = await readBodyBytes(req, maxBytes);
  return r.ok ? ok(r.value.toString("utf8")) : r;
}

/**
 * The body as parsed JSON. An empty body is `bad_request:body`, or `empty` when given (FastAPI's
 * optional body is null); text that is not JSON is `bad_request:json` (400), which an API may
 * answer its own way (FastAPI says 422 json_invalid).
 */
export async function readJsonBody(req: Request, opts: { empty?: null; maxBytes?: number } = {}): Promise<Result<unknown, ServiceError>> {
  const allowEmpty = "empty" in opts;
  if (!req.body && !allowEmpty) return err({ code: "bad_request:body", message: "The request has no body; send a JSON object." });
  const body = await readBodyText(req, opts.maxBytes ?? maxBodyBytes());
  if (!body.ok) return body;
  if (allowEmpty && body.value.trim() === "") return ok(null);
  try {
    return ok(JSON.parse(body.value) as unknown);
  } catch (e) {
    return err({ code: "bad_request:json", message: `The request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}` });
  }
}

/** Reads the JSON body and validates it: the Result a route's `parse` returns (422 names the field). */
export async function parseJsonBody<S extends z.ZodType>(req: Request, schema: S, opts: { empty?: null; maxBytes?: number } = {}): Promise<Result<z.infer<S>, ServiceError>> {
  const body = await readJsonBody(req, opts);
  if (!body.ok) return body;
  const parsed = schema.safeParse(body.value);
  return parsed.success ? ok(parsed.data) : err(invalidInput(parsed.error, body.value));
}
