import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- plain .mjs script without type declarations
import { danglingOptionalEdges } from "./fix-lockfile.mjs";

type Edge = { key: string; dep: string };
const dangling = danglingOptionalEdges as (lock: unknown) => Edge[];

describe("package-lock.json", () => {
  it("has no optional edges without a lock entry (else `npm ci` refuses it; run node scripts/fix-lockfile.mjs)", () => {
    const lock = JSON.parse(readFileSync(path.join(__dirname, "..", "package-lock.json"), "utf8"));
    expect(dangling(lock)).toEqual([]);
  });

  it("finds dangling edges, and resolves nested and hoisted entries", () => {
    const lock = {
      packages: {
        "": {},
        "node_modules/next": { optionalDependencies: { "@next/swc-linux-x64-gnu": "1", "@next/swc-darwin-arm64": "1" } },
        "node_modules/@next/swc-linux-x64-gnu": {},
        "node_modules/a": { optionalDependencies: { b: "1" } },
        "node_modules/a/node_modules/b": {},
      },
    };
    expect(dangling(lock)).toEqual([{ key: "node_modules/next", dep: "@next/swc-darwin-arm64" }]);
  });
});
