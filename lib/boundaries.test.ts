// lib/ is the domain; app/ is routes and pages on top of it. A lib module that imports from app/
// turns that around (and drags a page's module graph into the CLI and the workers). Tests and their
// helpers (`testing/` folders) may drive a route handler directly.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const lib = path.resolve(__dirname);
const app = path.resolve(__dirname, "../app");

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" || e.name === "testing" ? [] : sources(p);
    return /\.(ts|tsx|mts)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe("lib never depends on app", () => {
  it("no module under lib/ imports from app/", () => {
    const offenders: string[] = [];
    for (const file of sources(lib)) {
      const text = fs.readFileSync(file, "utf8");
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) {
        const spec = m[1]!;
        const target = spec.startsWith("@/") ? path.resolve(lib, "..", spec.slice(2)) : spec.startsWith(".") ? path.resolve(path.dirname(file), spec) : null;
        if (target && (target === app || target.startsWith(app + path.sep))) offenders.push(`${path.relative(lib, file)}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
