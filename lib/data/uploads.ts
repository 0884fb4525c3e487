import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { AppErrorData } from "@/lib/errors";
import type { Result } from "@/lib/result";
import { err, ok } from "@/lib/result";
import { uploadsDir } from "./paths";

// Uploads arrive in chunks: Next's proxy buffers (and caps at 10 MB) every request body it sees,
// so one big body would be cut short. Each chunk is appended to the file at the offset the
// client names; a chunk for the wrong offset is refused, so a retry never duplicates data.

export const UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024;
export const MAX_UPLOAD_BYTES = 8 * 1024 * 1024 * 1024;
const idPattern = /^[0-9a-f]{16}$/;

export function safeUploadName(name: string): string {
  return path.basename(name).replace(/[^\w.\-]+/g, "_").slice(0, 120) || "upload.jsonl";
}

export async function startUpload(name: string): Promise<{ upload_id: string; source: string; chunk_bytes: number }> {
  const id = crypto.randomBytes(8).toString("hex");
  const safe = safeUploadName(name);
  const dir = path.join(uploadsDir(), id);
  await fs.promises.mkdir(dir, { recursive: true });
  await fs.promises.writeFile(path.join(/* turbopackIgnore: true */ dir, safe), "");
  return { upload_id: id, source: `upload:${id}/${safe}`, chunk_bytes: UPLOAD_CHUNK_BYTES };
}

/** The one file of upload `id` (uploads/<id>/<name>), or null; upload-list.ts lists with it too. */
export async function uploadFile(id: string): Promise<string | null> {
  if (!idPattern.test(id)) return null;
  const dir = path.join(uploadsDir(), id);
  const names = await fs.promises.readdir(dir).catch(() => null);
  return names && names.length === 1 ? path.join(dir, names[0]!) : null;
}

const noSuchUpload = err<AppErrorData>({ code: "not_found:upload", message: "No such upload. Start the upload again." });

/** Append a chunk at `offset`; the upload's new size. */
export async function appendChunk(id: string, offset: number, body: ReadableStream<Uint8Array> | null): Promise<Result<{ size: number }>> {
  const file = await uploadFile(id);
  if (!file) return noSuchUpload;
  const size = (await fs.promises.stat(/* turbopackIgnore: true */ file)).size;
  if (offset !== size) return err({ code: "bad_request:upload", message: `The upload has ${size} bytes; a chunk for offset ${offset} does not fit.`, field: "offset" });
  const parts: Uint8Array[] = [];
  let n = 0;
  if (body) {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.length;
      if (n > UPLOAD_CHUNK_BYTES) {
        await reader.cancel();
        return err({ code: "bad_request:upload", message: `A chunk may hold at most ${UPLOAD_CHUNK_BYTES} bytes.` });
      }
      parts.push(value);
    }
  }
  if (size + n > MAX_UPLOAD_BYTES) return err({ code: "bad_request:upload", message: "The upload is too large. Put the file in the data directory instead." });
  await fs.promises.appendFile(file, Buffer.concat(parts, n));
  return ok({ size: size + n });
}

/** Check that every byte arrived; the source to open the upload by. */
export async function finishUpload(id: string, expectedSize: number): Promise<Result<{ source: string }>> {
  const file = await uploadFile(id);
  if (!file) return noSuchUpload;
  const size = (await fs.promises.stat(/* turbopackIgnore: true */ file)).size;
  if (size !== expectedSize) return err({ code: "bad_request:upload", message: `The upload is incomplete: ${size} of ${expectedSize} bytes arrived.`, field: "size" });
  return ok({ source: `upload:${id}/${path.basename(file)}` });
}
