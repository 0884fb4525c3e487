import { defineConfig } from "@playwright/test";
import { agentUpstreamPort, baseURL, e2ePort, e2eToken, tokenBaseURL, tokenPort } from "./e2e/support/servers";

// e2e runs against a PRODUCTION build (next build + scripts/start.mjs), never `next dev`.
// Two servers share one build: the plain one (no token, loopback only) and a twin
// with PLAYGROUND_TOKEN set for the token gate spec. Playwright starts them in
// order, so the twin only starts once the build is done.
const distDir = process.env.NEXT_DIST_DIR ?? ".next-e2e";
const ci = Boolean(process.env.CI);
const chromiumPath = process.env.E2E_CHROMIUM ?? "/usr/bin/chromium";
const serverEnv = { NEXT_DIST_DIR: distDir, PLAYGROUND_HOST: "127.0.0.1", NEXT_TELEMETRY_DISABLED: "1" };

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  timeout: 90_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: ci ? 1 : 2,
  retries: 0,
  forbidOnly: ci,
  reporter: ci ? [["list"], ["html", { open: "never" }]] : "list",
  outputDir: "test-results",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    browserName: "chromium",
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "chromium", testIgnore: /token-gate\.spec\.ts/ },
    { name: "token-gate", testMatch: /token-gate\.spec\.ts/, use: { baseURL: tokenBaseURL } },
  ],
  webServer: [
    {
      // The agent proxy's model (PLAYGROUND_AGENT_UPSTREAM below): a scripted SGLang server.
      command: "npx tsx e2e/fixtures/agent-upstream.ts",
      url: `http://127.0.0.1:${agentUpstreamPort}/health`,
      timeout: 60_000,
      reuseExistingServer: !ci,
      stderr: "pipe",
    },
    {
      command: "npm run build && node scripts/start.mjs",
      url: `${baseURL}/login`,
      env: { ...serverEnv, PORT: String(e2ePort), PLAYGROUND_TOKEN: "", PLAYGROUND_AGENT_UPSTREAM: `http://127.0.0.1:${agentUpstreamPort}` },
      timeout: 600_000,
      reuseExistingServer: !ci,
      stderr: "pipe",
    },
    {
      command: "node scripts/start.mjs",
      url: `${tokenBaseURL}/login`,
      env: { ...serverEnv, PORT: String(tokenPort), PLAYGROUND_TOKEN: e2eToken },
      timeout: 120_000,
      reuseExistingServer: !ci,
      stderr: "pipe",
    },
  ],
});
