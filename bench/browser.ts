// The production server (scripts/start.mjs on a built dist dir) and Debian's Chromium, for the
// benches that measure what a person sees in the browser.
import { spawn, type ChildProcess } from "node:child_process";
import type { Browser } from "@playwright/test";

export interface PlaygroundInBrowser {
  base: string;
  browser: Browser;
}

/** Starts the server on `port` with `env` added, waits for it, opens Chromium; cleans up after `fn`. */
export async function withPlaygroundInBrowser<T>(
  opts: { dist: string; port: number; env?: Record<string, string> },
  fn: (p: PlaygroundInBrowser) => Promise<T>,
): Promise<T> {
  const { chromium } = await import("@playwright/test");
  const server: ChildProcess = spawn(process.execPath, ["scripts/start.mjs"], {
    env: { ...process.env, PORT: String(opts.port), NEXT_DIST_DIR: opts.dist, PLAYGROUND_TOKEN: "", PLAYGROUND_HOST: "127.0.0.1", ...opts.env },
    stdio: "ignore",
  });
  const base = `http://127.0.0.1:${opts.port}`;
  const browser = await chromium.launch({
    executablePath: process.env.E2E_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    let up = false;
    for (let i = 0; i < 100 && !up; i++) {
      up = await fetch(`${base}/login`).then((r) => r.ok, () => false);
      if (!up) await new Promise((r) => setTimeout(r, 300));
    }
    if (!up) throw new Error(`the playground did not start on ${base} (is ${opts.dist} a production build?)`);
    // Start-up work (the tokenizer preload) runs on the server's main thread for a few seconds:
    // measure what a person sees once it is over, when quick answers come quickly.
    for (let fast = 0, i = 0; fast < 3 && i < 100; i++) {
      const t = performance.now();
      await fetch(`${base}/login`).then((r) => r.arrayBuffer());
      fast = performance.now() - t < 50 ? fast + 1 : 0;
      await new Promise((r) => setTimeout(r, 200));
    }
    return await fn({ base, browser });
  } finally {
    await browser.close();
    server.kill();
  }
}
