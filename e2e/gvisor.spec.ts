import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { EditorPage } from "./pages/editor-page";
import { e2ePort } from "./support/servers";

// A second server on the same production build with PLAYGROUND_DOCKER_RUNTIME=runsc: the status bar
// and a Docker run's result say `docker · gVisor`. Only this spec pays for that server (one per
// worker: port E2E_PORT + 3 + the worker's index), and only when dockerd has the runsc runtime
// (.ci/run registers it).

const runtimes = spawnSync("docker", ["info", "--format", "{{json .Runtimes}}"], { encoding: "utf8" });
const hasRunsc = runtimes.status === 0 && runtimes.stdout.includes('"runsc"');

let server: ChildProcess | undefined;
let url = "";

test.describe("under gVisor (PLAYGROUND_DOCKER_RUNTIME=runsc)", () => {
  test.skip(!hasRunsc, "dockerd has no runsc runtime");
  test.beforeAll(async ({}, testInfo) => {
    const port = e2ePort + 3 + testInfo.parallelIndex;
    url = `http://127.0.0.1:${port}`;
    server = spawn("node", ["scripts/start.mjs"], {
      env: {
        ...process.env,
        NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next-e2e",
        PLAYGROUND_HOST: "127.0.0.1",
        PORT: String(port),
        PLAYGROUND_TOKEN: "",
        PLAYGROUND_DOCKER_RUNTIME: "runsc",
        PLAYGROUND_STATE_DIR: mkdtempSync(path.join(os.tmpdir(), "rp-e2e-gvisor-")),
        NEXT_TELEMETRY_DISABLED: "1",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const up = await fetch(`${url}/login`).then((r) => r.ok, () => false);
      if (up) break;
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`the runsc server on ${port} did not start`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  test.afterAll(async () => {
    if (!server || server.exitCode !== null) return;
    const exited = new Promise((r) => server!.once("exit", r));
    server.kill("SIGTERM");
    await exited;
  });

  test("the status bar and a Docker run's result say docker · gVisor", async ({ page }) => {
    const editor = new EditorPage(page);
    await page.goto(`${url}/editor?new=1`);
    await editor.waitForMonaco();
    const docker = page.getByTestId("backend-status-docker");
    await expect(docker).toHaveAttribute("data-available", "true");
    await expect(page.getByTestId("backend-isolation-docker")).toHaveText("docker · gVisor");

    await page.getByTestId("backend-select").selectOption("docker");
    // gVisor's own kernel answers, not the host's.
    await editor.setCode("import platform; print(platform.release())");
    await editor.run();
    await editor.expectStatus("success");
    await expect(editor.stdout()).toHaveText("4.4.0\n");
    await expect(editor.result.getByTestId("tool-isolation")).toHaveText("docker · gVisor");
  });
});
