// The Connect protocol as envd speaks it to the E2B SDK (connect-es, JSON codec): unary calls are
// plain `application/json` bodies, server streams are enveloped frames (`application/connect+json`:
// one flag byte, a 4-byte big-endian length, the JSON message) ending with an end-stream frame
// (flag 0x02) that carries the error, if any. Errors use Connect's code names and HTTP statuses.
// No Node APIs: pure byte handling, unit-tested beside it.

export const connectCodes = [
  "canceled",
  "unknown",
  "invalid_argument",
  "deadline_exceeded",
  "not_found",
  "already_exists",
  "permission_denied",
  "resource_exhausted",
  "failed_precondition",
  "aborted",
  "out_of_range",
  "unimplemented",
  "internal",
  "unavailable",
  "data_loss",
  "unauthenticated",
] as const;
export type ConnectCode = (typeof connectCodes)[number];

/** The HTTP status a unary error answers with (connect-es maps it back to the code from the body). */
export const connectHttpStatus: Record<ConnectCode, number> = {
  canceled: 499,
  unknown: 500,
  invalid_argument: 400,
  deadline_exceeded: 504,
  not_found: 404,
  already_exists: 409,
  permission_denied: 403,
  resource_exhausted: 429,
  failed_precondition: 400,
  aborted: 409,
  out_of_range: 400,
  unimplemented: 501,
  internal: 500,
  unavailable: 503,
  data_loss: 500,
  unauthenticated: 401,
};

export interface ConnectErrorBody {
  code: ConnectCode;
  message: string;
}

export const FLAG_COMPRESSED = 0x01;
export const FLAG_END_STREAM = 0x02;

/** One enveloped frame. */
export function envelope(message: unknown, flags = 0): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(message));
  const out = new Uint8Array(5 + json.length);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, json.length, false);
  out.set(json, 5);
  return out;
}

/** The end-stream frame: `{}` on success, `{error: {code, message}}` on failure. */
export function endStream(error?: ConnectErrorBody): Uint8Array {
  return envelope(error ? { error } : {}, FLAG_END_STREAM);
}

export type DecodedFrames = { ok: true; messages: unknown[] } | { ok: false; message: string };

/** Decodes a whole enveloped request body (a server-stream call carries exactly one message). */
export function decodeEnvelopes(body: Uint8Array, maxMessageBytes = 16 * 1024 * 1024): DecodedFrames {
  const messages: unknown[] = [];
  let at = 0;
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  while (at < body.length) {
    if (body.length - at < 5) return { ok: false, message: `truncated frame header at byte ${at}` };
    const flags = body[at]!;
    const len = view.getUint32(at + 1, false);
    if (flags & FLAG_COMPRESSED) return { ok: false, message: "compressed frames are not supported (send Connect-Content-Encoding: identity)" };
    if (len > maxMessageBytes) return { ok: false, message: `frame of ${len} bytes is larger than ${maxMessageBytes}` };
    if (body.length - at - 5 < len) return { ok: false, message: `frame at byte ${at} declares ${len} bytes but only ${body.length - at - 5} follow` };
    const text = new TextDecoder("utf-8", { fatal: false }).decode(body.subarray(at + 5, at + 5 + len));
    try {
      messages.push(JSON.parse(text) as unknown);
    } catch (e) {
      return { ok: false, message: `frame at byte ${at} is not JSON: ${e instanceof Error ? e.message : String(e)}` };
    }
    at += 5 + len;
  }
  return { ok: true, messages };
}

/** `Connect-Timeout-Ms` (at most 10 digits by the spec); undefined when absent or malformed. */
export function parseTimeoutMs(header: string | null): number | undefined {
  if (!header || !/^\d{1,10}$/.test(header)) return undefined;
  return Number(header);
}

export const streamContentType = "application/connect+json";
