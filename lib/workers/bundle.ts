import "server-only";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
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
  // The ignore comments keep Next's file tracer from treating the whole repository as a dependency.
  const root = process.cwd();
  const out = await esbuild.build({
    entryPoints: [path.resolve(/* turbopackIgnore: true */ root, entry)],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    write: false,
    logLevel: "silent",
    alias: { "server-only": path.resolve(/* turbopackIgnore: true */ root, "lib/testing/server-only-stub.ts") },
    tsconfig: path.resolve(/* turbopackIgnore: true */ root, "tsconfig.json"),
  });
  // Named by content: processes running the same code share one file, and none piles up.
  const code = out.outputFiles[0]!.contents;
  const hash = createHash("sha256").update(code).digest("hex").slice(0, 16);
  const dir = path.join(os.tmpdir(), "rollout-playground-workers");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${path.basename(entry).replace(/\W+/g, "-")}-${hash}.cjs`);
  if (!existsSync(file)) {
    // Written under a temporary name and renamed, so a concurrent reader never sees half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  }
  built.set(entry, file);
  return file;
}
