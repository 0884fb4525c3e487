import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetServerEnvForTests } from "@/lib/env";
import {
  flushTrafficLog,
  getTrafficRecord,
  recentTraffic,
  recordCall,
  registerQueueDepth,
  resetTrafficForTests,
  subscribeTraffic,
  trafficFieldCaps,
  trafficStats,
} from "./recorder";
import type { TrafficRecord, TrafficRecordInput } from "./types";

let dir: string;
const saved = { ...process.env };

function input(over: Partial<TrafficRecordInput> = {}): TrafficRecordInput {
  return {
    time: Date.now(),
    client: "127.0.0.1",
    api: "sandbox-fusion",
    route: "/sandbox-fusion/run_code",
    method: "POST",
    http_status: 200,
    language: "python",
    code: "print(1)",
    outcome: "success",
    status: "Success",
    stdout: "1\n",
    queue_ms: 0,
    run_ms: 10,
    ...over,
  };
}

function setEnv(vars: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetServerEnvForTests();
  resetTrafficForTests();
}

function logFiles(): string[] {
  const d = path.join(dir, "traffic");
  return fs.existsSync(d) ? fs.readdirSync(d).sort() : [];
}

function logLines(): TrafficRecord[] {
  const d = path.join(dir, "traffic");
  // Oldest segment first: traffic.3, .2, .1, then traffic.ndjson.
  const order = ["traffic.3.ndjson", "traffic.2.ndjson", "traffic.1.ndjson", "traffic.ndjson"];
  const out: TrafficRecord[] = [];
  for (const f of order) {
    const p = path.join(d, f);
    if (!fs.existsSync(p)) continue;
    for (const line of fs.readFileSync(p, "utf8").split("\n")) if (line) out.push(JSON.parse(line) as TrafficRecord);
  }
  return out;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "traffic-"));
  setEnv({ PLAYGROUND_STATE_DIR: dir, PLAYGROUND_TRAFFIC_LOG: undefined, PLAYGROUND_TRAFFIC_LOG_MB: undefined });
});

afterEach(async () => {
  await flushTrafficLog();
  resetTrafficForTests();
  process.env = { ...saved };
  resetServerEnvForTests();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("recordCall", () => {
  it("keeps the call in memory, on disk and tells subscribers", async () => {
    const seen: TrafficRecord[] = [];
    const unsub = subscribeTraffic((r) => seen.push(r));
    recordCall(input({ code: "print('a')" }));
    recordCall(input({ code: "print('b')", outcome: "failed", status: "Failed" }));
    unsub();
    recordCall(input({ code: "print('c')" }));
    await flushTrafficLog();

    expect(seen.map((r) => r.code)).toEqual(["print('a')", "print('b')"]);
    const recent = recentTraffic();
    expect(recent.map((r) => r.code)).toEqual(["print('a')", "print('b')", "print('c')"]);
    expect(new Set(recent.map((r) => r.id)).size).toBe(3);
    expect(getTrafficRecord(recent[1]!.id)?.status).toBe("Failed");
    expect(logLines().map((r) => r.code)).toEqual(["print('a')", "print('b')", "print('c')"]);
  });

  it("cuts huge fields and says which", async () => {
    const big = "x".repeat(2 * 1024 * 1024);
    recordCall(input({ stdout: big, stderr: "small" }));
    await flushTrafficLog();
    const [r] = recentTraffic();
    expect(r!.stdout!.length).toBe(trafficFieldCaps.stdout);
    expect(r!.stderr).toBe("small");
    expect(r!.truncated).toEqual(["stdout"]);
    expect(r!.original_sizes).toEqual({ stdout: 2 * 1024 * 1024 });
    const onDisk = fs.statSync(path.join(dir, "traffic", "traffic.ndjson")).size;
    expect(onDisk).toBeLessThan(trafficFieldCaps.stdout + 4096);
  });

  it("rotates and keeps the on-disk log under the cap, newest calls kept", async () => {
    // 0.25 MB cap: four segments of 64 KB. Each record is ~10 KB, 200 records ≈ 2 MB written.
    setEnv({ PLAYGROUND_STATE_DIR: dir, PLAYGROUND_TRAFFIC_LOG_MB: "0.25" });
    const pad = "y".repeat(10_000);
    for (let i = 0; i < 200; i++) recordCall(input({ code: `# ${i}\n${pad}` }));
    await flushTrafficLog();

    expect(logFiles()).toEqual(["traffic.1.ndjson", "traffic.2.ndjson", "traffic.3.ndjson", "traffic.ndjson"]);
    let total = 0;
    for (const f of logFiles()) total += fs.statSync(path.join(dir, "traffic", f)).size;
    expect(total).toBeLessThanOrEqual(0.25 * 1024 * 1024);
    const lines = logLines();
    const nums = lines.map((r) => Number(/^# (\d+)/.exec(r.code!)![1]));
    // Contiguous, ending at the newest call: rotation drops the oldest only.
    expect(nums[nums.length - 1]).toBe(199);
    expect(nums).toEqual(nums.map((_, i) => 199 - (nums.length - 1) + i));
    expect(nums.length).toBeGreaterThan(10);
    expect(nums[0]).toBeGreaterThan(0);
  });

  it("reads the newest calls back after a restart", async () => {
    for (let i = 0; i < 5; i++) recordCall(input({ code: `print(${i})` }));
    await flushTrafficLog();
    resetTrafficForTests();
    expect(recentTraffic().map((r) => r.code)).toEqual([0, 1, 2, 3, 4].map((i) => `print(${i})`));
  });

  it("after a restart keeps the newest 10 000 valid records across segments, skipping bad lines", () => {
    const d = path.join(dir, "traffic");
    fs.mkdirSync(d, { recursive: true });
    const line = (i: number) => `${JSON.stringify({ ...input({ code: `print(${i})` }), id: `r${i}` })}\n`;
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => line(from + k)).join("");
    // Oldest first: traffic.2 (0..99), traffic.1 (100..5999), traffic.ndjson (6000..10049, a bad line, a torn last line).
    fs.writeFileSync(path.join(d, "traffic.2.ndjson"), range(0, 100));
    fs.writeFileSync(path.join(d, "traffic.1.ndjson"), range(100, 6000));
    fs.writeFileSync(path.join(d, "traffic.ndjson"), `${range(6000, 8000)}{"not":"a record"}\n${range(8000, 10050)}{"id":"torn`);
    resetTrafficForTests();
    const codes = recentTraffic().map((r) => r.code);
    expect(codes).toHaveLength(10_000);
    expect(codes[0]).toBe("print(50)");
    expect(codes.at(-1)).toBe("print(10049)");
  });

  it("PLAYGROUND_TRAFFIC_LOG=off records nothing anywhere", async () => {
    setEnv({ PLAYGROUND_STATE_DIR: dir, PLAYGROUND_TRAFFIC_LOG: "off" });
    const seen: TrafficRecord[] = [];
    subscribeTraffic((r) => seen.push(r));
    recordCall(input());
    await flushTrafficLog();
    expect(seen).toEqual([]);
    expect(recentTraffic()).toEqual([]);
    expect(logFiles()).toEqual([]);
    expect(trafficStats().recording).toBe("off");
  });

  it("PLAYGROUND_TRAFFIC_LOG=memory keeps the live view but writes no file", async () => {
    setEnv({ PLAYGROUND_STATE_DIR: dir, PLAYGROUND_TRAFFIC_LOG: "memory" });
    recordCall(input());
    await flushTrafficLog();
    expect(recentTraffic()).toHaveLength(1);
    expect(logFiles()).toEqual([]);
  });

  it("a log dir that cannot be written does not make recordCall throw", async () => {
    const file = path.join(dir, "not-a-dir");
    fs.writeFileSync(file, "");
    setEnv({ PLAYGROUND_STATE_DIR: file });
    expect(() => recordCall(input())).not.toThrow();
    await flushTrafficLog();
    expect(recentTraffic()).toHaveLength(1);
  });
});

describe("trafficStats", () => {
  it("computes rates, percentiles, queue depth and a series", () => {
    let depth = 7;
    registerQueueDepth("test", () => depth);
    // 20 calls: latencies 10..200 ms; 2 failed, 1 timeout, 1 sandbox error.
    for (let i = 1; i <= 20; i++) {
      const outcome = i === 3 || i === 4 ? "failed" : i === 5 ? "timeout" : i === 6 ? "sandbox_error" : "success";
      recordCall(input({ queue_ms: 0, run_ms: i * 10, outcome }));
    }
    depth = 2;
    const s = trafficStats({ windowMs: 60_000, intervalMs: 10_000 });
    expect(s.calls).toBe(20);
    expect(s.calls_per_s).toBeCloseTo(20 / 60);
    expect(s.p50_ms).toBe(100);
    expect(s.p95_ms).toBe(190);
    expect(s.error_rate).toBeCloseTo(3 / 20);
    expect(s.timeout_rate).toBeCloseTo(1 / 20);
    expect(s.queue_depth).toBe(2);
    expect(s.series.length).toBeGreaterThanOrEqual(6);
    expect(s.series.reduce((a, b) => a + b.calls, 0)).toBe(20);
    expect(Math.max(...s.series.map((b) => b.queue_depth))).toBe(7);
  });

  it("leaves calls outside the window out", () => {
    recordCall(input({ run_ms: 5 }));
    const later = trafficStats({ windowMs: 60_000, now: Date.now() + 120_000 });
    expect(later.calls).toBe(0);
    expect(later.p50_ms).toBeNull();
    expect(later.error_rate).toBe(0);
  });
});
