import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
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

async function openTraffic(page: Page, query = "") {
  await page.goto(`/traffic${query}`);
  await expect(page.getByTestId("traffic-live")).toHaveAttribute("data-connected", "true");
}

const rows = (page: Page) => page.getByTestId("traffic-row");

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

  test("a call opens in the Editor and re-runs, stdin included", async ({ page }) => {
    const tag = `e${randomUUID().slice(0, 8)}`;
    await openTraffic(page, `?q=${tag}`);
    await pythonClient([{ code: `import sys\nprint("${tag}", sys.stdin.read().upper())`, stdin: "abc" }]);
    await expect(rows(page)).toHaveCount(1);
    await rows(page).first().click();
    await expect(page.getByTestId("traffic-detail").getByTestId("detail-stdin-text")).toHaveText("abc");
    await page.getByTestId("open-in-editor").click();

    await page.waitForURL(/\/editor\?.*from=traffic/);
    const editor = new EditorPage(page);
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
    await page.getByTestId("open-in-editor").click();
    await page.waitForURL(/\/editor\?.*tool=python/);
    const editor = new EditorPage(page);
    await editor.waitForMonaco();
    await expect.poll(() => editor.visibleCode()).toContain(`print("${tag}", 6 * 7)`);
    await editor.run();
    await editor.expectStatus("success");
    await expect(editor.stdout()).toContainText(`${tag} 42`);
  });
});
