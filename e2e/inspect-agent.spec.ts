import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { exportTrajectory, TrajectoryManager, trajectorySessionSchema } from "../lib/agent/trajectory";
import { dataRoot } from "./support/inspect-data";
import { InspectPage } from "./pages/inspect-page";

// Issue 18: a finished agent session exported as JSONL (slime Samples + agent_trajectory) opens in
// Inspect, which shows the session's tree and why each token of the Sample is masked, and exports
// the lines back unchanged.
// One file per worker: a repeated run's workers must not delete each other's file.
let file = "";
const picked = ["sub-agent", "tool fork", "drift realign boundary", "drift fork boundary"];
let text = "";
const rowOf: Record<string, number> = {};

test.beforeAll(({}, info) => {
  file = `e2e-inspect-agent/agent-w${info.workerIndex}.jsonl`;
  const sessions = fs
    .readFileSync(path.resolve("lib/agent/trajectory/fixtures/sessions.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => trajectorySessionSchema.parse(JSON.parse(l)));
  const lines: string[] = [];
  for (const name of picked) {
    const s = sessions.find((x) => x.name!.startsWith(name))!;
    const mgr = new TrajectoryManager({ forkThresholdTokens: s.fork_threshold_tokens });
    for (const t of s.turns) mgr.recordTurn("s", { turn: t, promptMessages: t.prompt_messages, responseMessage: t.response_message, metadata: t.metadata });
    const done = mgr.finishWithTree("s", { baseSample: s.base_sample, reward: s.reward })!;
    rowOf[name] = lines.length;
    for (const l of exportTrajectory(name, done)) lines.push(JSON.stringify(l));
  }
  text = lines.join("\n") + "\n";
  fs.mkdirSync(path.join(dataRoot, path.dirname(file)), { recursive: true });
  fs.writeFileSync(path.join(dataRoot, file), text);
});
test.afterAll(() => fs.rmSync(path.join(dataRoot, file), { force: true }));

test("a sub-agent session: the tree splits at the root, the Sample's chain is highlighted", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${file}&sample=${rowOf["sub-agent"]! + 1}`);
  await inspect.expectSample(rowOf["sub-agent"]! + 1);
  await page.getByTestId("open-agent-tab").click();
  await expect(page.getByTestId("tab-agent")).toHaveAttribute("data-selected", "true");
  const tree = page.getByTestId("trajectory-tree");
  await expect(tree.getByTestId("branch-count-sub-agent")).toHaveText("sub-agent ×1");
  // Sample #1 is the sub-agent's: its system prompt row is on the focused path, the main agent's is not.
  await expect(tree.locator('[data-focused="true"]', { hasText: "you are a search sub-agent" })).toHaveCount(1);
  await expect(tree.locator('[data-focused="true"]', { hasText: "compute six times seven" })).toHaveCount(0);
  await expect(page.getByTestId("mask-count-trained")).toHaveText("trained: 6");
});

test("a tool fork: the second leaf re-emits the shared turn as context", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${file}&sample=${rowOf["tool fork"]! + 1}&tab=agent`);
  await expect(page.getByTestId("trajectory-tree").getByTestId("branch-count-history-fork")).toBeVisible();
  await expect(page.locator('[data-testid="mask-span"][data-kind="context"]')).toHaveCount(1);
  await expect(page.getByTestId("mask-count-context")).toHaveText("re-emitted as context: 3");
  await expect(page.getByTestId("trajectory-tree")).toContainText("context in #1");
});

test("drift: a realign heals in place, a fork opens a new Sample", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${file}&sample=${rowOf["drift realign boundary"]}&tab=agent`);
  await expect(page.locator('[data-testid="mask-span"][data-kind="healed"]')).toHaveCount(1);
  await expect(page.getByTestId("drift-realign")).toBeVisible();
  await expect(page.getByTestId("trains-nowhere")).toHaveCount(1);

  await inspect.goto(`file=${file}&sample=${rowOf["drift fork boundary"]! + 1}&tab=agent`);
  await expect(page.getByTestId("forked-by")).toContainText("matched only the first 12 of the 18 tokens");
  await expect(page.getByTestId("drift-fork")).toBeVisible();
  await inspect.expectNoHorizontalOverflow();
});

test("Inspect's export gives the agent lines back unchanged", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${file}&sample=0`);
  await inspect.expectSample(0);
  const href = await page.getByTestId("export-dataset").getAttribute("href");
  const res = await page.request.get(href!);
  expect(res.status()).toBe(200);
  expect(await res.text()).toBe(text);
});
