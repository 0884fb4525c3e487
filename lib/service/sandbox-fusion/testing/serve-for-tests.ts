import { rmSync } from "node:fs";
import { afterAll, beforeAll } from "vitest";
import { sandboxFusionRoutes, startRouteServer } from "@/lib/service/core/testing/route-server";

/**
 * The SandboxFusion routes behind a real HTTP server for one test file. After the file: the server
 * closes, every sandbox session is shut down, and `stateDir` is removed.
 */
export function serveSandboxFusionForTests(stateDir: string): { url: () => string } {
  let srv: Awaited<ReturnType<typeof startRouteServer>> | undefined;
  beforeAll(async () => {
    srv = await startRouteServer(await sandboxFusionRoutes());
  });
  afterAll(async () => {
    await srv?.close();
    await (await import("@/lib/sandbox/sessions")).shutdownSessions();
    rmSync(stateDir, { recursive: true, force: true });
  });
  return { url: () => srv!.url };
}
