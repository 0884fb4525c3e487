// What a run can learn about, or do to, the kernel under it, on Docker under runc and under gVisor
// (runsc, when dockerd has it). Exact results per runtime, so the difference is on record:
// - stopped by both: mounting, setns into init's namespaces, /dev/mem, /dev/kmsg (capabilities
//   dropped, Docker's seccomp profile, a minimal /dev);
// - ptrace of PID 1, the executor agent, and reading its /proc/1/mem and /proc/1/environ: a run has
//   the agent's uid and Docker's seccomp allows ptrace, so under runc a run could stop or steer its
//   own session's agent until the agent made itself non-dumpable (prctl PR_SET_DUMPABLE 0,
//   docker/sandbox/agent/dumpable.py): now EPERM/EACCES (and setns into its namespaces EACCES).
//   gVisor refused ptrace and /proc/1/mem before; it still shows /proc/1/environ (the image's
//   plain environment: nothing secret is in it);
// - stopped only by gVisor: the host kernel's version (/proc/version, uname) and its /sys (loaded
//   modules, kernel settings); the host's kernel log (gVisor answers syslog() from its own);
//   kernel modules do not exist at all (ENOSYS);
// - allowed by gVisor, refused by runc: unshare() and raw/packet sockets. They act on gVisor's own
//   kernel and network stack (no network: --network=none), not on the host's.
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dockerFromEnv } from "./docker-client";
import { DockerBackend } from "./docker";
import { dockerGate } from "./docker-test-gate";

const gate = await dockerGate();
const runtimes = gate.run ? Object.keys(((await dockerFromEnv().info()) as { Runtimes?: Record<string, unknown> }).Runtimes ?? {}) : [];
const probe = readFileSync(path.join(__dirname, "fixtures/kernel-probe.py"), "utf8");

const expected = {
  runc: {
    release: os.release(),
    proc_version: os.release(),
    ptrace_attach_init: "EPERM",
    init_environ: "EACCES",
    init_mem: "EACCES",
    unshare_user: "EPERM",
    unshare_mount: "EPERM",
    setns_init_mount: "EACCES",
    mount_tmpfs: "EPERM",
    init_module: "EPERM",
    raw_socket: "EPERM",
    packet_socket: "EPERM",
    dev_mem: "ENOENT",
    dev_kmsg: "ENOENT",
    syslog: "EPERM",
  },
  runsc: {
    release: "4.4.0",
    proc_version: "4.4.0",
    sys_module: "0",
    sys_kernel: "0",
    ptrace_attach_init: "EPERM",
    init_environ: "ok",
    init_mem: "EACCES",
    unshare_user: "ok",
    unshare_mount: "ok",
    setns_init_mount: "ENOENT",
    mount_tmpfs: "EPERM",
    init_module: "ENOSYS",
    raw_socket: "ok",
    packet_socket: "ok",
    dev_mem: "ENOENT",
    dev_kmsg: "ENOENT",
    syslog: "ok",
  },
} as const;

const backends: DockerBackend[] = [];
afterAll(async () => {
  for (const b of backends) await b.shutdown();
});

describe.each((["runc", "runsc"] as const).filter((r) => runtimes.includes(r)))("the kernel under a Docker run (%s)", (runtime) => {
  it("answers each probe as this runtime does", async () => {
    const b = new DockerBackend({ runtime, poolSize: 0 });
    backends.push(b);
    await using sb = await b.create({});
    const r = await sb.executeTool("python_executor", { code: probe });
    expect(r.status, r.stderr).toBe("success");
    const got = Object.fromEntries(r.output.trim().split("\n").map((l) => [l.split(" ")[0], l.slice(l.indexOf(" ") + 1)]));
    expect(got).toMatchObject(expected[runtime]);
    // runc shows the host's /sys: its loaded modules and kernel settings.
    if (runtime === "runc") expect(Number(got.sys_module)).toBeGreaterThan(0);
  });
});
