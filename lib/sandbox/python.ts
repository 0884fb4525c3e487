import "server-only";
import { execFileSync } from "node:child_process";
import { realpathSync } from "node:fs";
import path from "node:path";
import { appError } from "@/lib/errors";
import { serverEnv } from "@/lib/env";
import { err, ok, type Result } from "@/lib/result";

export interface PythonInfo {
  /** Real interpreter path (pyenv shims resolved), usable inside a sandbox without PATH tricks. */
  executable: string;
  version: string;
  /** Directories the interpreter needs (prefixes), to bind read-only into a sandbox. */
  roots: string[];
}

/** The interpreter, or `unavailable:python` saying what was tried. */
export type PythonLookup = Result<PythonInfo>;

let cached: PythonLookup | undefined;

// Asks the interpreter itself where it lives: a pyenv shim is a bash script that execs the real
// binary, and a sandbox run must not depend on the shim (or on PATH) at all.
const probe =
  "import sys,os,json;print(json.dumps([sys.executable,sys.version.split()[0],sys.prefix,sys.base_prefix,sys.exec_prefix]))";

/** Finds python once per process (PLAYGROUND_PYTHON, else python3 on PATH). */
export function findPython(): PythonLookup {
  if (cached) return cached;
  const candidate = serverEnv().PLAYGROUND_PYTHON ?? "python3";
  try {
    const out = execFileSync(/* turbopackIgnore: true */ candidate, ["-c", probe], { encoding: "utf8", timeout: 15_000, stdio: ["ignore", "pipe", "pipe"] });
    const [exe, version, ...prefixes] = JSON.parse(out.trim()) as string[];
    if (!exe) throw new Error("interpreter did not report sys.executable");
    const executable = realpathSync(exe);
    const roots = new Set<string>();
    for (const p of [...prefixes, path.dirname(path.dirname(executable))]) {
      if (p) roots.add(realpathSync(p));
    }
    cached = ok({ executable, version: version ?? "?", roots: [...roots] });
  } catch (e) {
    const detail = e instanceof Error ? e.message.split("\n")[0] : String(e);
    cached = err(
      appError("unavailable:python", `No Python interpreter found (tried ${JSON.stringify(candidate)}: ${detail}). Install python3 or set PLAYGROUND_PYTHON.`),
    );
  }
  return cached;
}
