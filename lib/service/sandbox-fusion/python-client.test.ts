// verl's and ROLL's SandboxFusion clients, played by a Python script on Debian's python3-requests,
// against the real production server (`next start` on the build in NEXT_DIST_DIR, default
// .next-api; built first if missing or older than the sources). Cases run concurrently; each verdict must be what verl's
// stdout comparison gives for that program.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startNextServer, type NextServer } from "@/lib/service/core/testing/next-server";

const run = promisify(execFile);
const tmp = mkdtempSync(path.join(os.tmpdir(), "rp-sf-py-"));
let server: NextServer;

beforeAll(async () => {
  server = await startNextServer({
    env: {
      PLAYGROUND_STATE_DIR: path.join(tmp, "state"),
      PLAYGROUND_API_BACKEND: process.env.SF_BACKEND ?? "local",
      // Fewer slots than concurrent clients: the rest must queue, not fail.
      PLAYGROUND_API_CONCURRENCY_LOCAL: "4",
      PLAYGROUND_API_CONCURRENCY_DOCKER: "4",
      PLAYGROUND_TRAFFIC_LOG: "memory",
    },
  });
}, 900_000);
afterAll(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const sum = "a, b = map(int, input().split())\nprint(a + b)";
const baseCases = [
  { name: "correct", language: "python", code: sum, stdin: "1 2\n", expected: "3", want: true },
  { name: "wrong answer", language: "python", code: "a, b = map(int, input().split())\nprint(a - b)", stdin: "1 2\n", expected: "3", want: false },
  { name: "trailing newlines ignored", language: "python", code: "print(3)\nprint()", stdin: null, expected: "3\n", want: true },
  { name: "runtime error", language: "python", code: "raise SystemExit(2)", stdin: "", expected: "x", want: -2 },
  { name: "timeout", language: "python", code: "while True: pass", stdin: "", expected: "x", timeout: 1, want: -3 },
  { name: "cpp compile error", language: "cpp", code: "int main() { return nope; }", stdin: "", expected: "x", want: -4 },
  { name: "cpp correct", language: "cpp", code: "#include <cstdio>\nint main(){int a,b;scanf(\"%d %d\",&a,&b);printf(\"%d\\n\",a+b);}", stdin: "20 22", expected: "42", want: true },
  { name: "bash correct", language: "bash", code: "read a b; echo $((a*b))", stdin: "6 7\n", expected: "42", want: true },
  { name: "unsupported language", language: "julia", code: "println(1)", stdin: "", expected: "1", want: -1 },
  { name: "roll stdin/stdout", roll: true, language: "python", code: sum, stdin: "5 6", expected: "11", want: true },
];

it("verl's payloads, 40 at once from 16 threads, get verl's verdicts; ROLL's payload works", async () => {
  const cases = Array.from({ length: 4 }, (_, i) => baseCases.map((c) => ({ ...c, name: `${c.name} #${i}` }))).flat();
  const file = path.join(tmp, "cases.json");
  writeFileSync(file, JSON.stringify(cases));
  const script = path.resolve(__dirname, "testing/verl_client.py");
  const { stdout } = await run("/usr/bin/python3", [script, `${server.url}/sandbox-fusion/run_code`, file, "16"], { maxBuffer: 64 * 1024 * 1024, timeout: 600_000 });
  const results = JSON.parse(stdout) as { name: string; verdict: boolean | number; status: string | null; detail: unknown }[];
  expect(results).toHaveLength(cases.length);
  // A wrong verdict names what the server answered (status, compile/run results, or the HTTP error),
  // so a failure on a loaded machine can be told apart from a client-side problem.
  const wrong = results.flatMap((r, i) => (r.verdict === cases[i]!.want ? [] : [{ name: r.name, want: cases[i]!.want, got: r.verdict, status: r.status, detail: r.detail }]));
  expect(wrong, JSON.stringify(wrong, null, 1)).toEqual([]);
  expect(results.map((r) => r.name)).toEqual(cases.map((c) => c.name));
  // The unsupported language is a SandboxError, not an HTTP failure.
  expect(results.filter((r) => r.name.startsWith("unsupported")).every((r) => r.status === "SandboxError")).toBe(true);
}, 900_000);
