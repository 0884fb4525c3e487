// notebook_executor against a real Jupyter kernel in the docker sandbox (real dockerd).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerBackend } from "../backends/docker";
import { LocalBackend } from "../backends/local";
import { localNotebookSupport } from "../backends/local-notebook";
import { dockerGate } from "../backends/docker-test-gate";
import type { Sandbox } from "../types";
import { renderOutputs } from "./notebook-executor";
import { requireUnderCi } from "@/lib/testing/ci";

// Local sessions live in a throwaway state dir (set before anything reads the environment).
const stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-nb-"));
process.env.PLAYGROUND_STATE_DIR = stateDir;
const gate = await dockerGate();

describe("notebook output rendering", () => {
  it("maps streams, results, images, html and errors", () => {
    const r = renderOutputs([
      { type: "stream", name: "stdout", text: "a\n" },
      { type: "stream", name: "stderr", text: "w\n" },
      { type: "execute_result", data: { "text/plain": "42" } },
      { type: "display_data", data: { "text/plain": "<Figure>", "image/png": "iVBO\nRw==" } },
      { type: "display_data", data: { "text/plain": "df", "text/html": "<table></table>" } },
      { type: "error", ename: "ValueError", evalue: "bad", traceback: ["\u001b[0;31mTraceback\u001b[0m", "ValueError: bad"] },
    ]);
    expect(r.stdout).toBe("a\n");
    expect(r.images).toEqual([{ mime: "image/png", data: "iVBORw==" }]);
    expect(r.html).toEqual(["<table></table>"]);
    expect(r.error).toBe("ValueError: bad");
    expect(r.text).toBe("a\nw\n42\nTraceback\nValueError: bad\n");
  });
});

describe.runIf(gate.run)("notebook_executor on docker", () => {
  let backend: DockerBackend;
  let sb: Sandbox;
  const cell = (code: string, extra: Record<string, unknown> = {}) => sb.executeTool("notebook_executor", { code, ...extra });

  beforeAll(async () => {
    backend = new DockerBackend({ poolSize: 0 });
    sb = await backend.create({ tools_config: { notebook_executor: {} }, limits: { timeout_s: 60 } });
  });
  afterAll(async () => {
    await backend.shutdown();
    expect(await backend.ownedContainers()).toEqual([]);
  });

  it("keeps state across calls and returns the cell's value", async () => {
    const a = await cell("x = 20\nprint('set')");
    expect(a).toMatchObject({ status: "success", output: "set\n" });
    const b = await cell("x * 2 + 2");
    expect(b).toMatchObject({ status: "success", output: "42\n" });
    expect(b.meta).toMatchObject({ execution_count: 2 });
  });

  it("returns matplotlib figures as PNG images and DataFrames as HTML", async () => {
    const r = await cell("import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.title('t')\nplt.show()");
    expect(r.status).toBe("success");
    expect(r.images).toHaveLength(1);
    expect(r.images![0]!.mime).toBe("image/png");
    expect(Buffer.from(r.images![0]!.data, "base64").subarray(1, 4).toString()).toBe("PNG");
    const df = await cell("import pandas as pd\npd.DataFrame({'a': [1, 2]})");
    expect(df.html?.[0]).toContain("<table");
  });

  it("reports errors with their traceback and keeps going", async () => {
    const r = await cell("def f():\n    return 1 / 0\nf()");
    expect(r.status).toBe("error");
    expect(r.error).toBe("ZeroDivisionError: division by zero");
    expect(r.stderr).toContain("Traceback");
    expect(r.stderr).toContain("----> 3 f()");
    expect((await cell("x")).output).toBe("20\n");
  });

  it("a timeout interrupts the kernel and keeps its state", async () => {
    const r = await cell("import time\ny = 5\ntime.sleep(30)", { timeout: 2 });
    expect(r.status).toBe("timeout");
    expect(r.error).toMatch(/interrupted and keeps its state/);
    expect((await cell("x + y")).output).toBe("25\n");
  });

  it("cancelling interrupts the cell", async () => {
    const ctl = new AbortController();
    const p = sb.executeTool("notebook_executor", { code: "import time\ntime.sleep(30)" }, { signal: ctl.signal });
    await new Promise((r) => setTimeout(r, 1000));
    ctl.abort();
    expect((await p).status).toBe("cancelled");
    expect((await cell("x")).output).toBe("20\n");
  });

  it("restart clears the state", async () => {
    const r = await sb.executeTool("notebook_executor", { restart: true });
    expect(r).toMatchObject({ status: "success", output: "Kernel restarted." });
    const after = await cell("x");
    expect(after.status).toBe("error");
    expect(after.error).toMatch(/NameError/);
    const both = await sb.executeTool("notebook_executor", { restart: true, code: "z = 1\nz" });
    expect(both.output).toBe("1\n");
  });
});

const local = new LocalBackend();
const localSupport = localNotebookSupport(local.host());
const localNotebook = requireUnderCi("the local notebook (bwrap and a host Python with ipykernel)", {
  ok: localSupport.ok,
  ...(localSupport.ok ? {} : { why: localSupport.error.message }),
  install: "apt-get install bubblewrap python3-ipykernel python3-jupyter-client python3-matplotlib",
});

describe.runIf(localNotebook)("notebook_executor on the local backend (bwrap + host ipykernel)", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await local.create({ tools_config: { notebook_executor: {} }, limits: { timeout_s: 60 } });
  });
  afterAll(async () => {
    await local.shutdown();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("keeps state, plots, and cannot see the host", async () => {
    expect((await sb.executeTool("notebook_executor", { code: "a = 6" })).status).toBe("success");
    expect((await sb.executeTool("notebook_executor", { code: "a * 7" })).output).toBe("42\n");
    const img = await sb.executeTool("notebook_executor", { code: "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()" });
    expect(img.images?.[0]?.mime).toBe("image/png");
    const cwd = await sb.executeTool("notebook_executor", { code: `import os, socket\nprint(os.getcwd(), os.path.exists(${JSON.stringify(path.resolve("package.json"))}), os.listdir('/sandbox') == os.listdir('.'))` });
    expect(cwd.output).toBe("/sandbox False True\n");
  });

  it("the kernel dies with the session", async () => {
    const s = await local.create({ tools_config: { notebook_executor: {} } });
    // The kernel's connection file name is unique and appears in its command line on the host.
    const r = await s.executeTool("notebook_executor", { code: "from ipykernel import get_connection_file\nimport os\nprint(os.path.basename(get_connection_file()))" });
    const marker = r.output.trim();
    expect(marker).toMatch(/\.json$/);
    const { pidsWithMarker } = await import("../backends/procs");
    expect(pidsWithMarker(marker).length).toBeGreaterThan(0);
    await s.close();
    for (let i = 0; i < 50 && pidsWithMarker(marker).length; i++) await new Promise((res) => setTimeout(res, 100));
    expect(pidsWithMarker(marker)).toEqual([]);
  });
});
