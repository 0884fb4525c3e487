import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import OpenAI from "openai";
import { baseURL } from "./support/servers";

// The Agents page following a live agent session on the proxy: an OpenAI client (the real npm
// package) drives turns through /agent/v1, a scripted SGLang server (real Qwen3 token ids) answers,
// and a sandbox call made with the same key joins the session's timeline. The scripted server
// (e2e/fixtures/agent-upstream.ts, a webServer of the config) answers from the prompt alone.

const bash = { type: "function" as const, function: { name: "bash", description: "Run a shell command.", parameters: { type: "object", properties: { cmd: { type: "string" } } } } };

test.describe("Agents page", () => {
  test("follows a live session: turns with tokens, the sandbox call on the same timeline, tree, Samples, finish and export", async ({ page }) => {
    const sid = `e2e-agent-${randomUUID().slice(0, 8)}`;
    const client = new OpenAI({ apiKey: sid, baseURL: `${baseURL}/agent/v1`, maxRetries: 0 });
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: "system", content: "You are a coding agent." },
      { role: "user", content: "What files are here?" },
    ];
    const r1 = await client.chat.completions.create({ model: "qwen3", messages, tools: [bash] });
    const call = r1.choices[0]!.message.tool_calls![0]!;

    await page.goto("/agents");
    await expect(page.getByTestId("nav-agents")).toBeVisible();
    const row = page.locator(`[data-testid="agent-session-row"][data-sid="${sid}"]`);
    await expect(row).toContainText("1 turns");
    await row.click();
    await expect(page).toHaveURL(new RegExp(`/agents\\?sid=${sid}`));
    const detail = page.getByTestId("agent-session-detail");
    await expect(detail.getByTestId("agent-turn")).toHaveCount(1);
    await expect(detail.getByTestId("agent-tool-call").first()).toHaveText('bash({"cmd":"ls"})');

    // The tool runs in the playground's sandbox with the session's key: it joins the timeline.
    const run = await page.request.post(`${baseURL}/sandbox-fusion/run_code`, {
      headers: { authorization: `Bearer ${sid}` },
      data: { language: "python", code: "print('a.txt')" },
    });
    expect(((await run.json()) as { status: string }).status).toBe("Success");
    await expect(detail.getByTestId("agent-sandbox-call")).toContainText("a.txt");

    // The next turn arrives while the page is open.
    messages.push({ role: "assistant", content: null, tool_calls: [call] }, { role: "tool", tool_call_id: call.id, content: "a.txt" });
    const r2 = await client.chat.completions.create({ model: "qwen3", messages, tools: [bash] });
    expect(r2.choices[0]!.message.content).toBe("There is one file: a.txt.");
    await expect(detail.getByTestId("agent-turn")).toHaveCount(2);
    await expect(page.getByTestId("agent-session-counts")).toContainText("2 turns");
    // The echo drops the reasoning, so the second prompt re-renders turn 0 differently: a drift.
    await expect(detail.locator('[data-testid="agent-turn"][data-turn="1"] [data-testid="agent-turn-drift"]')).toContainText("drift");
    // Time order: turn 0, the sandbox call, turn 1.
    await expect(detail.getByTestId("agent-timeline").locator(":scope > li")).toHaveCount(3);
    await expect(detail.getByTestId("agent-timeline").locator(":scope > li").nth(1)).toHaveAttribute("data-testid", "agent-sandbox-call");

    await detail.locator('[data-testid="agent-turn"][data-turn="1"]').getByTestId("agent-turn-tokens").click();
    const tokens = detail.getByTestId("agent-token-panel");
    await expect(tokens.getByTestId("token-mark")).toHaveCount(1);
    await expect(tokens.locator('[data-kind="trained"]').first()).toBeVisible();

    await page.getByTestId("agent-tab-tree").click();
    const tree = page.getByTestId("trajectory-tree");
    await expect(tree.locator('[data-role="tool"]').first()).toBeVisible();
    await expect(tree.locator('[data-role="assistant"]')).not.toHaveCount(0);

    await page.getByTestId("agent-tab-samples").click();
    await expect(page.getByTestId("agent-sample").first()).toBeVisible();
    await expect(page.getByTestId("token-legend")).toContainText("trained");

    await page.getByTestId("agent-reward").fill("1");
    await page.getByTestId("agent-finish").click();
    await expect(page.getByTestId("agent-session-state")).toHaveText("finished");
    const href = await page.getByTestId("agent-export").getAttribute("href");
    const jsonl = await page.request.get(`${baseURL}${href}`);
    const lines = (await jsonl.text()).trim().split("\n").map((l) => JSON.parse(l) as { reward: number; tokens: number[]; loss_mask: number[]; response: string });
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l.reward).toBe(1);
    expect(lines.some((l) => l.response.includes("There is one file: a.txt."))).toBe(true);
    // A finished session refuses stragglers.
    const late = await client.chat.completions.create({ model: "qwen3", messages }).catch((e: unknown) => e);
    expect((late as { status?: number }).status).toBe(503);
  });

  test("an ill-formed tool call is flagged on its turn and in the list", async ({ page }) => {
    const sid = `e2e-agent-bad-${randomUUID().slice(0, 8)}`;
    const client = new OpenAI({ apiKey: sid, baseURL: `${baseURL}/agent/v1`, maxRetries: 0 });
    const r = await client.chat.completions.create({ model: "qwen3", messages: [{ role: "user", content: "please break" }], tools: [bash] });
    expect(r.choices[0]!.message.content).toContain("<tool_call>");
    await page.goto(`/agents?sid=${sid}`);
    await expect(page.locator(`[data-testid="agent-session-row"][data-sid="${sid}"]`)).toContainText("1 ill-formed");
    await expect(page.getByTestId("agent-ill-formed")).toBeVisible();
  });
});
