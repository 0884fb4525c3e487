import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
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

export async function startNextServer(opts: { port: number; distDir: string; env?: Record<string, string> }): Promise<NextServer> {
  const env = { ...process.env, NEXT_DIST_DIR: opts.distDir, PLAYGROUND_TOKEN: "", ...opts.env };
  const buildId = path.join(root, opts.distDir, "BUILD_ID");
  if (!existsSync(buildId) || statSync(buildId).mtimeMs < newestSource()) {
    const b = spawnSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], { cwd: root, env, stdio: "inherit" });
    if (b.status !== 0) throw new Error(`next build into ${opts.distDir} failed (exit ${b.status})`);
  }
  const child: ChildProcess = spawn(process.execPath, [path.join(root, "scripts/start.mjs")], {
    cwd: root,
    env: { ...env, PORT: String(opts.port), PLAYGROUND_HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${opts.port}`;
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
