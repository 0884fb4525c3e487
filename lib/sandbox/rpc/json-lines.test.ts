import { describe, expect, it } from "vitest";
import { JsonLinesRpc, type RpcMessage } from "./json-lines";

function pair() {
  const written: RpcMessage[] = [];
  const rawWritten: Buffer[] = [];
  const unsolicited: RpcMessage[] = [];
  const bad: string[] = [];
  let timedOut = 0;
  const rpc = new JsonLinesRpc({
    write: (line) => {
      if (typeof line !== "string") return void rawWritten.push(line);
      expect(line.endsWith("\n")).toBe(true);
      written.push(JSON.parse(line) as RpcMessage);
    },
    replyError: (m) => new Error(`peer: ${String(m.error)}`),
    timeoutError: (m, ms) => new Error(`no answer to ${String(m.op)} in ${ms}`),
    onTimeout: () => timedOut++,
    onUnsolicited: (m) => unsolicited.push(m),
    onBadLine: (l) => bad.push(l),
  });
  return { rpc, written, rawWritten, unsolicited, bad, timedOut: () => timedOut };
}

describe("JsonLinesRpc", () => {
  it("numbers requests and matches replies split across chunks and out of order", async () => {
    const { rpc, written } = pair();
    const a = rpc.send({ op: "a" });
    const b = rpc.request({ op: "b", x: "é" });
    expect(written).toEqual([{ op: "a", id: 1 }, { op: "b", x: "é", id: 2 }]);
    const bytes = Buffer.from('{"id":2,"ok":true,"v":"é"}\n{"id":1,"ok":true,"v":1}\n');
    // Split inside the two-byte "é" and inside the second line.
    rpc.feed(bytes.subarray(0, 22));
    rpc.feed(bytes.subarray(22, 35));
    rpc.feed(bytes.subarray(35));
    expect(a.id).toBe(1);
    expect(await b).toEqual({ id: 2, ok: true, v: "é" });
    expect(await a.response).toEqual({ id: 1, ok: true, v: 1 });
  });

  it("rejects with the caller's error for ok:false, reports lines without id and bad lines", async () => {
    const { rpc, unsolicited, bad } = pair();
    const p = rpc.request({ op: "x" });
    rpc.feed(Buffer.from('{"ready":true}\nnot json\n{"id":99,"ok":true}\n{"id":1,"ok":false,"error":"nope"}\n'));
    await expect(p).rejects.toThrow("peer: nope");
    expect(unsolicited).toEqual([{ ready: true }]);
    expect(bad).toEqual(["not json"]);
  });

  it("times out a request, and fail() rejects pending and later requests", async () => {
    const { rpc, timedOut } = pair();
    await expect(rpc.request({ op: "slow" }, { timeoutMs: 5 })).rejects.toThrow("no answer to slow in 5");
    expect(timedOut()).toBe(1);
    const pending = rpc.request({ op: "p" });
    rpc.fail(new Error("gone"));
    rpc.fail(new Error("second"));
    await expect(pending).rejects.toThrow("gone");
    expect(rpc.alive).toBe(false);
    await expect(rpc.request({ op: "later" })).rejects.toThrow("gone");
  });

  it("carries raw bytes after a frame both ways, split anywhere, newlines and all", async () => {
    const { rpc, written, rawWritten, unsolicited } = pair();
    const payload = Buffer.from(Array.from({ length: 600 }, (_, i) => i % 256));
    const w = rpc.request({ op: "fs.write" }, { bytes: payload });
    expect(written).toEqual([{ op: "fs.write", id: 1, raw: 600 }]);
    expect(Buffer.concat(rawWritten).equals(payload)).toBe(true);
    const r = rpc.request({ op: "fs.read" });
    const wire = Buffer.concat([
      Buffer.from('{"ev":"data","pid":7,"raw":3}\n'),
      Buffer.from("a\nb"),
      Buffer.from('{"id":2,"ok":true,"raw":600}\n'),
      payload,
      Buffer.from('{"id":1,"ok":true,"raw":0}\n'),
    ]);
    for (let i = 0; i < wire.length; i += 7) rpc.feed(wire.subarray(i, i + 7));
    expect(unsolicited).toEqual([{ ev: "data", pid: 7, raw: 3, bytes: Buffer.from("a\nb") }]);
    expect(((await r).bytes as Buffer).equals(payload)).toBe(true);
    expect(((await w).bytes as Buffer).length).toBe(0);
  });
});
