// envd's transport, isolated from HTTP: the same requests to two E2B containers, one on the direct
// socket (envd-channel.ts) and one on the attach stream, interleaved so machine load hits both alike.
// npm run bench:e2b:transport (N round trips, MB per file).
import { DockerBackend, envdSource } from "@/lib/sandbox/backends/docker";
import { e2bDockerOptions } from "@/lib/service/e2b/sandboxes";
import type { Box } from "@/lib/sandbox/backends/docker-box";
import { pct } from "./stats";

const N = Number(process.env.N ?? 100);
const MB = Number(process.env.MB ?? 100);

async function main() {
  const backends = { socket: new DockerBackend({ poolSize: 0, envdChannel: "socket" }), attach: new DockerBackend({ poolSize: 0, envdChannel: "attach" }) };
  const boxes: Record<string, Box> = {};
  try {
    for (const ch of ["socket", "attach"] as const) {
      boxes[ch] = await backends[ch].startBox(backends[ch].image, e2bDockerOptions(), `bench-${ch}`, envdSource());
      console.log(`${ch}: direct=${boxes[ch]!.agent.direct}`);
    }
    const t: Record<string, Record<string, number[]>> = { socket: { hello: [], run: [] }, attach: { hello: [], run: [] } };
    const run = async (box: Box) => {
      const ended = new Promise<void>((resolve) => {
        const off = box.agent.onEvent((m) => {
          if (m.ev === "end") {
            off();
            resolve();
          }
        });
      });
      await box.agent.request({ op: "proc.start", cmd: "/bin/true", args: [], user: "user" });
      await ended;
    };
    for (let i = 0; i < N; i++) {
      for (const ch of i % 2 ? (["socket", "attach"] as const) : (["attach", "socket"] as const)) {
        const box = boxes[ch]!;
        let t0 = performance.now();
        await box.agent.request({ op: "hello" });
        t[ch]!.hello!.push(performance.now() - t0);
        t0 = performance.now();
        await run(box);
        t[ch]!.run!.push(performance.now() - t0);
      }
    }
    const data = Buffer.alloc(4 * 1024 * 1024, 7);
    for (const ch of ["socket", "attach", "socket", "attach"] as const) {
      const box = boxes[ch]!;
      const t0 = performance.now();
      const inflight: Promise<unknown>[] = [];
      for (let i = 0; i < MB / 4; i++) {
        inflight.push(box.agent.request({ op: "fs.write", path: "/tmp/big.bin", user: "user", append: i > 0, last: i === MB / 4 - 1 }, { bytes: data, timeoutMs: 120_000 }));
        if (inflight.length >= 4) await inflight.shift();
      }
      await Promise.all(inflight);
      const w = performance.now() - t0;
      const r0 = performance.now();
      for (let off = 0; ; ) {
        const r = await box.agent.request({ op: "fs.read", path: "/tmp/big.bin", user: "user", offset: off, length: 4 * 1024 * 1024, binary: true }, { timeoutMs: 120_000 });
        off += (r.bytes as Buffer).length;
        if (r.eof) break;
      }
      const rd = performance.now() - r0;
      console.log(`${ch.padEnd(7)} write ${MB} MB: ${((MB / w) * 1000).toFixed(0)} MB/s   read: ${((MB / rd) * 1000).toFixed(0)} MB/s`);
    }
    for (const ch of ["socket", "attach"]) {
      for (const [k, v] of Object.entries(t[ch]!)) console.log(`${ch.padEnd(7)} ${k.padEnd(6)} p50 ${pct(v, 50).toFixed(2)} ms  p95 ${pct(v, 95).toFixed(2)} ms`);
    }
  } finally {
    for (const ch of ["socket", "attach"] as const) {
      if (boxes[ch]) await backends[ch].destroyBox(boxes[ch]);
      await backends[ch].shutdown();
    }
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
