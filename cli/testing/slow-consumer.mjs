// A slow pipe reader for the CLI tests: `slow-consumer.mjs OUT EXPECTED_LINES` copies stdin to OUT,
// reading 4 KiB every 10 ms (about 400 KB/s, slower than any command writes), and over the last 500
// of the lines it expects 1 KiB every 50 ms: the writer's pipe is still full when it finishes and
// closes its sandboxes, which is when unflushed output used to be dropped.
import fs from "node:fs";

const out = fs.openSync(process.argv[2], "w");
const slowFrom = Number(process.argv[3]) - 500;
const buf = Buffer.alloc(4 * 1024);
const pause = new Int32Array(new SharedArrayBuffer(4));
let lines = 0;
for (;;) {
  const slow = lines >= slowFrom;
  let n;
  try {
    n = fs.readSync(0, buf, 0, slow ? 1024 : buf.length, null);
  } catch (e) {
    if (e.code !== "EAGAIN") throw e;
    n = -1;
  }
  if (n === 0) break;
  if (n > 0) {
    fs.writeSync(out, buf, 0, n);
    for (let i = 0; i < n; i++) if (buf[i] === 10) lines++;
  }
  Atomics.wait(pause, 0, 0, slow ? 50 : 10);
}
fs.closeSync(out);
