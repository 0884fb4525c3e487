import { describe, expect, it } from "vitest";
import { decodeEnvelopes, endStream, envelope, FLAG_END_STREAM, parseTimeoutMs } from "./connect";
import { decodeMetadataFilter } from "./router";

describe("Connect envelopes", () => {
  it("round-trips messages, with a big-endian length and the end-stream flag", () => {
    const a = envelope({ event: { start: { pid: 7 } } });
    expect(a[0]).toBe(0);
    expect(new DataView(a.buffer).getUint32(1, false)).toBe(a.length - 5);
    const end = endStream({ code: "deadline_exceeded", message: "late" });
    expect(end[0]).toBe(FLAG_END_STREAM);
    const both = new Uint8Array([...a, ...envelope({ x: "é" })]);
    expect(decodeEnvelopes(both)).toEqual({ ok: true, messages: [{ event: { start: { pid: 7 } } }, { x: "é" }] });
    expect(JSON.parse(new TextDecoder().decode(end.subarray(5)))).toEqual({ error: { code: "deadline_exceeded", message: "late" } });
    expect(JSON.parse(new TextDecoder().decode(endStream().subarray(5)))).toEqual({});
  });

  it("rejects truncated, oversized, compressed and non-JSON frames with a reason", () => {
    const good = envelope({ a: 1 });
    const cases: [Uint8Array, RegExp][] = [
      [good.subarray(0, 3), /truncated frame header/],
      [good.subarray(0, good.length - 1), /declares \d+ bytes but only/],
      [new Uint8Array([1, ...good.subarray(1)]), /compressed/],
      [new Uint8Array([0, 0, 0, 0, 2, 123, 123]), /not JSON/],
    ];
    for (const [body, why] of cases) {
      const r = decodeEnvelopes(body);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(why);
    }
    const big = new Uint8Array(5);
    new DataView(big.buffer).setUint32(1, 0xffffffff, false);
    expect(decodeEnvelopes(big)).toMatchObject({ ok: false, message: expect.stringMatching(/larger than/) });
  });

  it("reads Connect-Timeout-Ms only when it is 1-10 digits", () => {
    expect(parseTimeoutMs("60000")).toBe(60000);
    expect(parseTimeoutMs(null)).toBeUndefined();
    expect(parseTimeoutMs("-1")).toBeUndefined();
    expect(parseTimeoutMs("12345678901")).toBeUndefined();
  });
});

describe("list metadata filter", () => {
  it("decodes what the SDK sends: keys and values URL-encoded, joined as a query, encoded again", () => {
    const md = { job: "b w/ & =", "k/ey": "ü" };
    const sdk = new URLSearchParams(Object.fromEntries(Object.entries(md).map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)]))).toString();
    // The HTTP query layer decodes once before we see it.
    const received = new URLSearchParams(`metadata=${encodeURIComponent(sdk)}`).get("metadata");
    expect(decodeMetadataFilter(received)).toEqual(md);
    expect(decodeMetadataFilter(null)).toBeNull();
  });
});
