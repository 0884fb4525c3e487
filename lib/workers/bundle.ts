import "server-only";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// Worker threads run our TypeScript (normalize, rewards) in every environment the app runs in:
// the Next server, vitest, tsx. Each worker entry is bundled once per process with esbuild into a
// CommonJS file in the temp dir, so no build step has to know about workers and Next never has to
// trace a worker file.

const built = new Map<string, string>();

/** The path of a runnable bundle of `entry` (a path relative to the repository root). */
export async function workerBundle(entry: string): Promise<string> {
  const cached = built.get(entry);
  if (cached) return cached;
  // A computed specifier keeps bundlers from pulling esbuild into the server bundle.
  const esbuildName = "esbuild";
  const esbuild = (await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ esbuildName)) as typeof import("esbuild");
  const root = process.cwd();
  const out = await esbuild.build({
    entryPoints: [path.resolve(root, entry)],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    write: false,
    logLevel: "silent",
    alias: { "server-only": path.resolve(root, "lib/testing/server-only-stub.ts") },
    tsconfig: path.resolve(root, "tsconfig.json"),
  });
  const dir = path.join(os.tmpdir(), "rollout-playground-workers");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${path.basename(entry).replace(/\W+/g, "-")}-${process.pid}-${Date.now()}.cjs`);
  writeFileSync(file, out.outputFiles[0]!.contents);
  built.set(entry, file);
  return file;
}
