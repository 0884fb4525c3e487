// One limit, one meaning: the same `limits` must bind the same way on every backend and every path
// a run can take (forked inline python, exec'd from a fork, a spawn through prlimit, the Docker
// agent, Docker's `docker exec` fallback). "Memory" is RLIMIT_DATA everywhere (lib/sandbox/README.md):
// a large address-space reservation that is never written is allowed, a real allocation past the
// limit is a MemoryError.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Sandbox, SandboxBackend } from "../types";
import { dockerGate } from "./docker-test-gate";

const stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-limits-"));
process.env.PLAYGROUND_STATE_DIR = stateDir;
const docker = (await dockerGate()).run;

const MiB = 1 << 20;
const limits = { timeout_s: 20, memory_mb: 256, max_processes: 48, file_size_mb: 8, cpu_time_s: 15 };

const probe = String.raw`
import json, mmap, resource
out = {n: resource.getrlimit(getattr(resource, n))[0] for n in ("RLIMIT_DATA", "RLIMIT_CPU", "RLIMIT_NPROC", "RLIMIT_FSIZE", "RLIMIT_CORE")}
try:
    reserved = mmap.mmap(-1, 2 << 30, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS, prot=mmap.PROT_READ)
    out["reserve_2GiB_unwritten"] = "ok"
except OSError as e:
    out["reserve_2GiB_unwritten"] = "refused"
try:
    block = bytearray(400 << 20)
    out["allocate_400MiB"] = "ok"
except MemoryError:
    out["allocate_400MiB"] = "MemoryError"
print(json.dumps(out, sort_keys=True))
`;
const expected = {
  RLIMIT_DATA: limits.memory_mb * MiB,
  RLIMIT_CPU: limits.cpu_time_s,
  RLIMIT_NPROC: limits.max_processes,
  RLIMIT_FSIZE: limits.file_size_mb * MiB,
  RLIMIT_CORE: 0,
  reserve_2GiB_unwritten: "ok",
  allocate_400MiB: "MemoryError",
};

type Make = () => Promise<SandboxBackend>;
const backends: Record<string, Make> = {
  "local (fork server)": async () => new (await import("./local")).LocalBackend({ forkServer: true }),
  "local (spawn)": async () => new (await import("./local")).LocalBackend({ forkServer: false }),
};
if (docker) {
  backends["docker (agent)"] = async () => new (await import("./docker")).DockerBackend({ poolSize: 0, transport: "agent" });
  backends["docker (exec)"] = async () => new (await import("./docker")).DockerBackend({ poolSize: 0, transport: "exec" });
}

const opened: Array<{ backend: SandboxBackend; sb: Sandbox }> = [];
afterAll(async () => {
  for (const { backend, sb } of opened) {
    await sb.close();
    await backend.shutdown();
  }
  rmSync(stateDir, { recursive: true, force: true });
});

describe.each(Object.keys(backends))("the same limits on %s", (name) => {
  it("python run inline and python exec'd from a shell see the same limits and the same memory meaning", async () => {
    const backend = await backends[name]!();
    const sb = await backend.create({ limits });
    opened.push({ backend, sb });
    // python_executor: `python3 -c` (forked inline where the backend can); shell_executor: a fresh
    // interpreter exec'd below bash.
    const inline = await sb.executeTool("python_executor", { code: probe });
    const execd = await sb.executeTool("shell_executor", { command: `python3 - <<'EOF'\n${probe}\nEOF` });
    for (const r of [inline, execd]) {
      expect(r.status, r.error ?? r.stderr).toBe("success");
      expect(JSON.parse(r.output)).toEqual(expected);
    }
  });
});
