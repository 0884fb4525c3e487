// Tests that need something on the host (a Python module, bwrap, setpriv, root). Locally a missing
// dependency skips its tests with a loud line; under CI (which installs everything, see .ci/run) a
// sentinel test fails instead, so a fresh machine that lacks it cannot pass by skipping.
import { it } from "vitest";

/** CI is set to something other than "", "0" or "false". */
export const underCi: boolean = (() => {
  const ci = process.env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci !== "false";
})();

/**
 * Registers, under CI, a test that fails when the dependency is missing; elsewhere warns once when
 * it is. Returns whether the dependent tests can run (use with describe.runIf / it.runIf).
 */
export function requireUnderCi(what: string, check: { ok: boolean; why?: string; install: string }): boolean {
  if (underCi) {
    it(`CI has ${what} (${check.install})`, () => {
      if (!check.ok) throw new Error(`CI requires ${what}: ${check.why ?? "missing"}. Install it: ${check.install}`);
    });
  } else if (!check.ok) {
    const bar = "!".repeat(100);
    console.warn(`\n${bar}\n!!! SKIPPING the tests that need ${what}: ${check.why ?? "missing"} (${check.install}; under CI they must run)\n${bar}\n`);
  }
  return check.ok;
}
