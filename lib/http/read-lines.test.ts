import { describe, expect, it } from "vitest";
import { readLines } from "./read-lines";

function body(chunks: string[], onCancel?: () => void): ReadableStream<Uint8Array<ArrayBuffer>> {
  const enc = new TextEncoder();
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (i < chunks.length) c.enqueue(enc.encode(chunks[i++]!));
      else c.close();
    },
    cancel: onCancel,
  });
}

async function all(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const l of it) out.push(l);
  return out;
}

describe("readLines", () => {
  it("splits across chunk boundaries, drops \\n and \\r\\n, keeps empty lines", async () => {
    expect(await all(readLines(body(["a\r", "\nb", "c\n\nd"])))).toEqual(["a", "bc", "", "d"]);
  });

  it("with complete: true a last line without its newline is not a line", async () => {
    expect(await all(readLines(body(["data: 1\n", "data: {\"cut"]), { complete: true }))).toEqual(["data: 1"]);
  });

  it("stopping early cancels the body", async () => {
    let cancelled = false;
    for await (const line of readLines(body(["one\n", "two\n", "three\n"], () => (cancelled = true)))) {
      if (line === "one") break;
    }
    await new Promise((r) => setImmediate(r));
    expect(cancelled).toBe(true);
  });
});
