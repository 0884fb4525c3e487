// notebook_executor against a real Jupyter kernel in the docker sandbox (real dockerd).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerBackend } from "../backends/docker";
import { dockerGate } from "../backends/docker-test-gate";
import type { Sandbox } from "../types";
import { renderOutputs } from "./notebook-executor";

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
