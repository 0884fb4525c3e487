import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RawRecord } from "./scan";
import { scanJsonArray, scanJsonl, sniffContainer } from "./scan";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "inspect-scan-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function all(gen: AsyncGenerator<{ records: RawRecord[] }>): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const b of gen) out.push(...b.records);
  return out;
}
function write(name: string, content: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, content);
  return f;
}

describe("scanJsonl", () => {
  it("yields offsets and line numbers across chunk boundaries, CRLF and blank lines", async () => {
    const content = '{"a":1}\r\n\n  \n{"b":"' + "x".repeat(50) + '"}\n{"c":3}';
    const f = write("a.jsonl", content);
    for (const chunkBytes of [3, 7, 64, 1 << 20]) {
      const recs = await all(scanJsonl(f, { maxRecordBytes: 1000, chunkBytes }));
      expect(recs.map((r) => r.line)).toEqual([1, 4, 5]);
      expect(recs.map((r) => r.bytes!.toString())).toEqual(['{"a":1}', `{"b":"${"x".repeat(50)}"}`, '{"c":3}']);
      for (const r of recs) expect(content.slice(r.offset, r.offset + r.length).replace(/\r$/, "")).toBe(r.bytes!.toString());
    }
  });
  it("does not hold a record above the limit, but still reports where it is", async () => {
    const f = write("big.jsonl", `{"a":1}\n${"y".repeat(5000)}\n{"c":3}\n`);
    const recs = await all(scanJsonl(f, { maxRecordBytes: 100, chunkBytes: 512 }));
    expect(recs.map((r) => [r.line, r.bytes === null, r.length])).toEqual([[1, false, 7], [2, true, 5000], [3, false, 7]]);
  });
});

describe("scanJsonArray", () => {
  it("splits elements, whatever their type, with their lines", async () => {
    const content = '[\n  {"a": "],}{"},\n  [1, [2]],\n  "s\\"tr",\n  3.5,\n  null\n]\n';
    const f = write("a.json", content);
    for (const chunkBytes of [2, 5, 1 << 20]) {
      const recs = await all(scanJsonArray(f, { maxRecordBytes: 1000, chunkBytes }));
      expect(recs.map((r) => JSON.parse(r.bytes!.toString()))).toEqual([{ a: "],}{" }, [1, [2]], 's"tr', 3.5, null]);
      expect(recs.map((r) => r.line)).toEqual([2, 3, 4, 5, 6]);
    }
  });
  it("rejects a file that is not an array", async () => {
    const f = write("obj.json", '{"a": 1}');
    await expect(all(scanJsonArray(f, { maxRecordBytes: 100 }))).rejects.toThrow(/must start with '\['/);
  });
  it("sniffs the container", async () => {
    expect(await sniffContainer(write("s1", "  \n[1]"))).toBe("json_array");
    expect(await sniffContainer(write("s2", '{"a":1}\n'))).toBe("jsonl");
    expect(await sniffContainer(write("s3", "PAR1xxxx"))).toBe("parquet");
  });
});
