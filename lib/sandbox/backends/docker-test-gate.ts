// Test helper: should Docker integration tests run here? They run whenever Docker and the sandbox
// image are reachable. Locally, without them, they are skipped with a loud message. Under CI=true
// they must run: an unreachable Docker fails the suite instead of skipping it.
import { underCi } from "@/lib/testing/ci";
import { DockerBackend } from "./docker";

export interface DockerGate {
  run: boolean;
  reason: string;
}

let cached: Promise<DockerGate> | undefined;

export function dockerGate(): Promise<DockerGate> {
  cached ??= (async () => {
    const status = await new DockerBackend({ poolSize: 0 }).availability();
    if (status.available) return { run: true, reason: status.reason ?? "" };
    const reason = status.reason ?? "Docker is unavailable";
    if (underCi) {
      throw new Error(`CI=${process.env.CI} requires the Docker integration tests to run, but: ${reason}`);
    }
    const bar = "!".repeat(100);
    console.warn(`\n${bar}\n!!! SKIPPING DOCKER INTEGRATION TESTS: ${reason}\n!!! (they run for real when Docker and the sandbox image are available; under CI=true they must run)\n${bar}\n`);
    return { run: false, reason };
  })();
  return cached;
}
