import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { expect, test, type Page } from "@playwright/test";
import { EditorPage } from "./pages/editor-page";
import { baseURL } from "./support/servers";

// Calls made by a script (python3-requests, as a training job would) show up live on the Traffic
// page; one opens in the Editor and runs again there.

const run = promisify(execFile);

/** Posts SandboxFusion run_code payloads from Python (requests), one per item, and prints the statuses. */
async function pythonClient(payloads: object[]): Promise<string[]> {
  const script = `
import json, sys, requests
out = []
for p in json.loads(sys.argv[1]):
    r = requests.post(sys.argv[2] + "/sandbox-fusion/run_code", json=p, timeout=120)
    j = r.json()
    out.append(j["status"] if j["status"] != "SandboxError" else "SandboxError: " + j["message"])
print(json.dumps(out))
`;
  const { stdout } = await run("python3", ["-c", script, JSON.stringify(payloads), baseURL], { timeout: 120_000 });
  return JSON.parse(stdout) as string[];
}

/**
 * Posts payloads from Python threads: each item starts `after` seconds in, with its own headers, so
 * calls overlap (a slow call that started first finishes last).
 */
async function pythonCalls(calls: { payload: object; after?: number; headers?: Record<string, string> }[]): Promise<string[]> {
  const script = `
import json, sys, threading, time, requests
calls = json.loads(sys.argv[1])
out = [None] * len(calls)
t0 = time.time()
def go(i, c):
    time.sleep(max(0, c.get("after", 0) - (time.time() - t0)))
    r = requests.post(sys.argv[2] + "/sandbox-fusion/run_code", json=c["payload"], headers=c.get("headers") or {}, timeout=120)
    out[i] = r.json()["status"]
ts = [threading.Thread(target=go, args=(i, c)) for i, c in enumerate(calls)]
[t.start() for t in ts]
[t.join() for t in ts]
print(json.dumps(out))
`;
  const { stdout } = await run("python3", ["-c", script, JSON.stringify(calls), baseURL], { timeout: 180_000 });
  return JSON.parse(stdout) as string[];
}

async function openTraffic(page: Page, query = "") {
  await page.goto(`/traffic${query}`);
  await expect(page.getByTestId("traffic-live")).toHaveAttribute("data-connected", "true");
}

const rows = (page: Page) => page.getByTestId("traffic-row");

/** Open in Editor: a new tab; the live view stays where it was (same call open, still streaming). */
async function openInEditor(page: Page): Promise<Page> {
  const url = page.url();
  const count = await rows(page).count();
  const [tab] = await Promise.all([page.context().waitForEvent("page"), page.getByTestId("open-in-editor").click()]);
  await tab.waitForURL(/\/editor\?/);
  expect(page.url()).toBe(url);
  await expect(page.getByTestId("traffic-live")).toHaveAttribute("data-connected", "true");
  await expect(rows(page)).toHaveCount(count);
  await expect(page.getByTestId("traffic-detail")).toBeVisible();
  return tab;
}

test.describe("Traffic", () => {
  test("script calls appear live; filters, pause/resume, detail", async ({ page }) => {
    const tag = `t${randomUUID().slice(0, 8)}`;
    await openTraffic(page, `?q=${tag}`);
    await expect(page.getByTestId("filter-q")).toHaveValue(tag);
    await expect(rows(page)).toHaveCount(0);

    const statuses = await pythonClient([
      { code: `print("${tag}-hello")` },
      { code: `import sys\nprint("${tag}-oops", file=sys.stderr)\nsys.exit(3)` },
    ]);
    expect(statuses).toEqual(["Success", "Failed"]);
    // Arrive without a reload, newest first.
    await expect(rows(page)).toHaveCount(2);
    await expect(rows(page).nth(0).getByTestId("outcome")).toHaveAttribute("data-outcome", "failed");
    await expect(rows(page).nth(1).getByTestId("outcome")).toHaveAttribute("data-outcome", "success");
    await expect(page.getByTestId("stat-rate")).not.toHaveText("–");

    // Errors only: the failed call stays; the URL says so.
    await page.getByTestId("filter-errors").check();
    await expect(rows(page)).toHaveCount(1);
    expect(new URL(page.url()).searchParams.get("errors")).toBe("1");
    await page.getByTestId("filter-errors").uncheck();
    await expect(rows(page)).toHaveCount(2);

    // Paused: new calls are held, counted, and shown on resume.
    await page.getByTestId("traffic-pause").click();
    await pythonClient([{ code: `print("${tag}-while-paused")` }]);
    await expect(page.getByTestId("traffic-pause")).toHaveText("Resume (+1)");
    await expect(rows(page)).toHaveCount(2);
    await page.getByTestId("traffic-pause").click();
    await expect(rows(page)).toHaveCount(3);

    // Detail: code, stdout, stderr; the call id in the URL survives a reload.
    await rows(page).nth(1).click();
    const detail = page.getByTestId("traffic-detail");
    await expect(detail.getByTestId("detail-code-text")).toContainText(`${tag}-oops`);
    await expect(detail.getByTestId("detail-stderr-text")).toContainText(`${tag}-oops`);
    const call = new URL(page.url()).searchParams.get("call");
    expect(call).toBeTruthy();
    await page.reload();
    await expect(page.getByTestId("traffic-detail").getByTestId("detail-code-text")).toContainText(`${tag}-oops`);
    await page.getByTestId("traffic-detail-close").click();
    await expect(page.getByTestId("traffic-detail")).toHaveCount(0);
  });

  test("ms-enclave calls are recorded with their tool and sandbox", async ({ page, request }) => {
    const tag = `m${randomUUID().slice(0, 8)}`;
    await openTraffic(page, `?q=${tag}`);
    const created = await request.post("/ms-enclave/sandbox/create?sandbox_type=docker", { data: { tools_config: ["python_executor"] } });
    expect(created.status()).toBe(200);
    const id = ((await created.json()) as { sandbox_id: string }).sandbox_id;
    const exec = await request.post("/ms-enclave/sandbox/tool/execute", {
      data: { sandbox_id: id, tool_name: "python_executor", parameters: { code: `print("${tag}")` }, timeout: null },
    });
    expect(((await exec.json()) as { status: string }).status).toBe("success");
    await expect(rows(page)).toHaveCount(1);
    await expect(rows(page).first()).toContainText("python_executor");
    await rows(page).first().click();
    await expect(page.getByTestId("traffic-detail")).toContainText(id);
    // The sandbox is an Editor session while it lives; the header lists it with a link.
    await page.getByTestId("enclave-sandboxes").click();
    const item = page.getByTestId("enclave-sandbox").filter({ hasText: id });
    await expect(item).toBeVisible();
    await expect(item.getByRole("link", { name: "Editor" })).toHaveAttribute("href", new RegExp(`session=${id}`));
    expect((await request.delete(`/ms-enclave/sandbox/${id}`)).status()).toBe(200);
  });

  test("rows stay in request order as calls stream in; the client is named, with its key", async ({ page }) => {
    test.setTimeout(150_000);
    const tag = `o${randomUUID().slice(0, 8)}`;
    await openTraffic(page, `?q=${tag}`);
    // The slow call starts first and finishes last: it belongs below the quick call that started after it.
    const statuses = await pythonCalls([
      { payload: { code: `import time\ntime.sleep(4)\nprint("${tag}-slow")` } },
      { payload: { code: `print("${tag}-quick")` }, after: 0.8, headers: { "X-API-Key": "job-a-key" } },
    ]);
    expect(statuses).toEqual(["Success", "Success"]);
    await expect(rows(page)).toHaveCount(2);
    await expect(rows(page).nth(0)).toContainText(`${tag}-quick`);
    await expect(rows(page).nth(1)).toContainText(`${tag}-slow`);
    // Named by its SDK, and by the key it sent (a hash, never the key).
    const keyId = createHash("sha256").update("job-a-key").digest("hex").slice(0, 8);
    await expect(rows(page).nth(0).getByTestId("traffic-row-client")).toContainText(/^python-requests\/[\d.]+/);
    await expect(rows(page).nth(0).getByTestId("traffic-row-client")).toContainText(`key ${keyId}`);
    await expect(rows(page).nth(1).getByTestId("traffic-row-client")).not.toContainText("key");
    await rows(page).nth(0).click();
    await expect(page.getByTestId("detail-client")).toContainText("python-requests/");
    await expect(page.getByTestId("traffic-detail")).toContainText(keyId);
    await page.getByTestId("traffic-detail-close").click();

    // Scrolled down, a person keeps looking at the same calls while new ones arrive on top.
    await pythonClient(Array.from({ length: 40 }, (_, i) => ({ code: `print("${tag}-fill-${i}")` })));
    await expect(page.getByTestId("traffic-table")).toHaveAttribute("data-rows", "42");
    await page.getByTestId("traffic-table").evaluate((el) => (el.scrollTop = 300));
    const watched = rows(page).filter({ hasText: `${tag}-fill-20` });
    await expect(watched).toBeVisible();
    const before = (await watched.boundingBox())!.y;
    await pythonClient([0, 1, 2].map((i) => ({ code: `print("${tag}-late-${i}")` })));
    await expect(page.getByTestId("traffic-table")).toHaveAttribute("data-rows", "45");
    expect((await watched.boundingBox())!.y).toBe(before);
    // Back at the top, the new calls are in view.
    await page.getByTestId("traffic-table").evaluate((el) => (el.scrollTop = 0));
    await expect(rows(page).first()).toContainText(`${tag}-late-`);
  });

  test("a call opens in the Editor and re-runs, stdin included", async ({ page }) => {
    const tag = `e${randomUUID().slice(0, 8)}`;
    await openTraffic(page, `?q=${tag}`);
    await pythonClient([{ code: `import sys\nprint("${tag}", sys.stdin.read().upper())`, stdin: "abc" }]);
    await expect(rows(page)).toHaveCount(1);
    await rows(page).first().click();
    await expect(page.getByTestId("traffic-detail").getByTestId("detail-stdin-text")).toHaveText("abc");
    const tab = await openInEditor(page);

    expect(tab.url()).toMatch(/\/editor\?.*from=traffic/);
    const editor = new EditorPage(tab);
    await editor.waitForMonaco();
    // The Editor's modes take no stdin: the shell buffer runs main.py with stdin.txt.
    await expect.poll(() => editor.visibleCode()).toContain("python3 main.py < stdin.txt");
    await expect(editor.fileItem("main.py")).toBeVisible();
    await expect(editor.fileItem("stdin.txt")).toBeVisible();
    await editor.run();
    await editor.expectStatus("success");
    await expect(editor.stdout()).toContainText(`${tag} ABC`);
  });

  test("a call without stdin opens in Python mode with its code", async ({ page }) => {
    const tag = `p${randomUUID().slice(0, 8)}`;
    await openTraffic(page, `?q=${tag}`);
    await pythonClient([{ code: `print("${tag}", 6 * 7)` }]);
    await rows(page).first().click();
    const tab = await openInEditor(page);
    expect(tab.url()).toMatch(/\/editor\?.*tool=python/);
    const editor = new EditorPage(tab);
    await editor.waitForMonaco();
    await expect.poll(() => editor.visibleCode()).toContain(`print("${tag}", 6 * 7)`);
    await editor.run();
    await editor.expectStatus("success");
    await expect(editor.stdout()).toContainText(`${tag} 42`);
  });
});
