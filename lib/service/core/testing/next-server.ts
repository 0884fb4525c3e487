import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

// The real production server for API tests: `next start` on a build in NEXT_DIST_DIR (built here
// first when that directory has no build, or one older than the sources: a stale build would test
// old code). Loopback only, no token, like `npm start`.

const root = path.resolve(__dirname, "../../../..");

export interface NextServer {
  url: string;
  stop: () => Promise<void>;
}

/** The newest modification time among the files a build is made from. */
function newestSource(): number {
  let newest = 0;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of ["app", "components", "lib", "public"]) if (existsSync(path.join(root, d))) walk(path.join(root, d));
  for (const f of ["proxy.ts", "instrumentation.ts", "next.config.mjs", "package-lock.json"]) {
    if (existsSync(path.join(root, f))) newest = Math.max(newest, statSync(path.join(root, f)).mtimeMs);
  }
  return newest;
}

/** A port nothing listens on now (the kernel's pick), so parallel runs and other checkouts never collide. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * Builds into `distDir` unless a build newer than the sources is there. Test files run in parallel
 * and share one build: a lock directory makes the second wait for the first instead of building
 * over it.
 */
async function ensureBuild(distDir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const buildId = path.join(root, distDir, "BUILD_ID");
  const fresh = () => existsSync(buildId) && statSync(buildId).mtimeMs >= newestSource();
  const lock = path.join(root, `${distDir}.build-lock`);
  for (;;) {
    if (fresh()) return;
    try {
      mkdirSync(lock);
    } catch {
      // Another test file is building; a lock left by a killed run is stale after 15 minutes.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 900_000) rmdirSync(lock, { recursive: false });
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    try {
      if (fresh()) return;
      const b = spawnSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], { cwd: root, env, stdio: "inherit" });
      if (b.status !== 0) throw new Error(`next build into ${distDir} failed (exit ${b.status})`);
      return;
    } finally {
      rmdirSync(lock);
    }
  }
}

export async function startNextServer(opts: { port?: number; distDir?: string; env?: Record<string, string> } = {}): Promise<NextServer> {
  const distDir = opts.distDir ?? process.env.NEXT_DIST_DIR ?? ".next-test";
  const env = { ...process.env, NEXT_DIST_DIR: distDir, PLAYGROUND_TOKEN: "", ...opts.env };
  await ensureBuild(distDir, env);
  const port = opts.port ?? (await freePort());
  const child: ChildProcess = spawn(process.execPath, [path.join(root, "scripts/start.mjs")], {
    cwd: root,
    env: { ...env, PORT: String(port), PLAYGROUND_HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
    });
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${log.slice(-3000)}`);
    try {
      const res = await fetch(`${url}/sandbox-fusion/v1/ping`);
      if (res.ok) return { url, stop };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`next start did not answer within 120 s:\n${log.slice(-3000)}`);
}
