#!/usr/bin/env node
// Package bin: runs the TypeScript CLI (cli/main.ts) through tsx with the react-server condition,
// so `server-only` modules load. Paths resolve from this package, not from the caller's cwd.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(pkgDir, "package.json"));
const tsxCli = require.resolve("tsx/cli");
const child = spawn(
  process.execPath,
  [tsxCli, "--conditions=react-server", "--tsconfig", path.join(pkgDir, "tsconfig.json"), path.join(pkgDir, "cli/main.ts"), ...process.argv.slice(2)],
  { stdio: "inherit" },
);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
