// The compile cache's rules on an in-memory runtime (the real image is exercised in
// lib/service/sandbox-fusion/runtimes.test.ts): what counts as the same inputs, what is kept, and
// when a kept compile may not stand in for a new one.
import { beforeEach, describe, expect, it } from "vitest";
import type { FileEntry, Limits, RunOutcome, RunSpec, SandboxRuntime } from "../types";
import { clearCompileCache, compileCached, compileCacheStats } from "./compile-cache";

const limits: Limits = { timeout_s: 10, cpu_time_s: 11, memory_mb: 512, max_processes: 64, file_size_mb: 64, output_bytes: 1 << 20 } as Limits;

/** A working directory in memory whose "compiler" writes `main` (an ELF) and `Main.class`. */
function fakeRuntime(opts: { toolchainId?: string; outcome?: Partial<RunOutcome> } = {}) {
  const files = new Map<string, Buffer>();
  const modes = new Map<string, number>();
  const runs: string[][] = [];
  const runtime: SandboxRuntime = {
    backend: "docker",
    isolated: true,
    isolation: "docker · runc",
    python: null,
    toolchainId: opts.toolchainId,
    async run(spec: RunSpec): Promise<RunOutcome> {
      runs.push(spec.argv);
      const o = outcome({ stderr: "warning: compiled", ...opts.outcome });
      if (o.exit_code === 0) {
        files.set("main", Buffer.concat([Buffer.from([0x7f]), Buffer.from("ELF binary of " + files.get("main.c")?.toString())]));
        files.set("Main.class", Buffer.from("classfile"));
      }
      return o;
    },
    fs: {
      async read(p) {
        const d = files.get(p);
        if (!d) throw new Error(`ENOENT ${p}`);
        return d;
      },
      async write(p, data, o) {
        files.set(p, data);
        if (o?.mode !== undefined) modes.set(p, o.mode);
      },
      async mkdir() {},
      async remove(p) {
        files.delete(p);
      },
      async list(): Promise<FileEntry[]> {
        return [...files].map(([name, d]) => ({ name, type: "file", size: d.length }));
      },
      async exists(p) {
        return files.has(p);
      },
    },
  };
  return { runtime, files, modes, runs };
}

function outcome(o: Partial<RunOutcome>): RunOutcome {
  return { stdout: "", stderr: "", exit_code: 0, timed_out: false, cancelled: false, stdout_truncated: false, stderr_truncated: false, duration_ms: 1500, isolated: true, ...o };
}

const spec = (timeout_s = 10): RunSpec => ({ argv: ["cc", "main.c"], limits: { ...limits, timeout_s } });
const source = (code: string) => ({ files: [{ path: "main.c", data: Buffer.from(code) }] });

/** A fresh sandbox holding only the source, as run_code's is. */
function fresh(code: string, opts?: Parameters<typeof fakeRuntime>[0]) {
  const f = fakeRuntime({ toolchainId: "sha256:image-a", ...opts });
  f.files.set("main.c", Buffer.from(code));
  return f;
}

beforeEach(() => clearCompileCache());

describe("compileCached", () => {
  it("the same inputs compile once: the second sandbox gets the artifacts (exec bit restored) and the compiler's output", async () => {
    const a = fresh("int main(){}");
    const first = await compileCached(a.runtime, spec(), source("int main(){}"));
    expect(first.cached).toBe(false);
    const b = fresh("int main(){}");
    const second = await compileCached(b.runtime, spec(), source("int main(){}"));
    expect(second.cached).toBe(true);
    expect(second.run).toMatchObject({ exit_code: 0, stderr: "warning: compiled" });
    // A hit runs nothing in the sandbox: the executable is written with its exec bits.
    expect(b.runs).toEqual([]);
    expect(b.modes.get("main")).toBe(0o755);
    expect(b.modes.has("Main.class")).toBe(false);
    expect(b.files.get("main")).toEqual(a.files.get("main"));
    expect(b.files.get("Main.class")?.toString()).toBe("classfile");
    expect(compileCacheStats()).toMatchObject({ hits: 1, misses: 1, entries: 1 });
  });

  it.each([
    ["other source", () => fresh("int main(){return 1;}"), spec(), source("int main(){return 1;}")],
    ["another toolchain (image)", () => fresh("int main(){}", { toolchainId: "sha256:image-b" }), spec(), source("int main(){}")],
    ["another compile command", () => fresh("int main(){}"), { ...spec(), argv: ["cc", "-O2", "main.c"] }, source("int main(){}")],
    ["another memory limit", () => fresh("int main(){}"), { ...spec(), limits: { ...limits, memory_mb: 256 } }, source("int main(){}")],
    ["one more request file", () => fresh("int main(){}"), spec(), { files: [...source("int main(){}").files, { path: "x.h", data: Buffer.from("") }] }],
    ["a compile timeout shorter than the kept compile took", () => fresh("int main(){}"), spec(1), source("int main(){}")],
  ])("%s compiles again", async (_what, make, s, inputs) => {
    await compileCached(fresh("int main(){}").runtime, spec(), source("int main(){}"));
    const other = make();
    const r = await compileCached(other.runtime, s as RunSpec, inputs);
    expect(r.cached).toBe(false);
    expect(other.runs).toEqual([(s as RunSpec).argv]);
  });

  it.each([
    ["a timeout", { timed_out: true, exit_code: null }],
    ["a signal", { exit_code: null, signal: "SIGKILL" }],
    ["a sandbox failure", { failure: "could not start" }],
    ["cut output", { stderr_truncated: true }],
  ])("an outcome with %s is not kept", async (_what, o) => {
    await compileCached(fresh("x", { outcome: o }).runtime, spec(), source("x"));
    expect((await compileCached(fresh("x").runtime, spec(), source("x"))).cached).toBe(false);
  });

  it("a compile error is kept and replayed (no artifacts); without a toolchain id nothing is cached", async () => {
    await compileCached(fresh("bad", { outcome: { exit_code: 1, stderr: "error: bad" } }).runtime, spec(), source("bad"));
    const sb = fresh("bad");
    const again = await compileCached(sb.runtime, spec(), source("bad"));
    expect(again).toMatchObject({ cached: true, run: { exit_code: 1, stderr: "error: bad" } });
    expect([...sb.files.keys()]).toEqual(["main.c"]);
    expect(sb.runs).toEqual([]);

    const none = fresh("y", { toolchainId: undefined });
    await compileCached(none.runtime, spec(), source("y"));
    const none2 = fresh("y", { toolchainId: undefined });
    expect((await compileCached(none2.runtime, spec(), source("y"))).cached).toBe(false);
    expect(compileCacheStats().entries).toBe(1);
  });
});
