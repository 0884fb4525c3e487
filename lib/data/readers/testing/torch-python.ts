import { spawnSync } from "node:child_process";
import path from "node:path";

// The tests write real .pt files with PyTorch (Debian's python3-torch). The first python3 that can
// `import torch` is used: PLAYGROUND_PYTHON, then python3 on PATH, then Debian's /usr/bin/python3
// (a pyenv python3 on PATH usually has no torch).
export function torchPython(): string | null {
  for (const p of [process.env.PLAYGROUND_PYTHON, "python3", "/usr/bin/python3"]) {
    if (p && spawnSync(p, ["-c", "import torch"], { stdio: "ignore" }).status === 0) return p;
  }
  return null;
}

export const makeDumpsScript = path.join(__dirname, "make_dumps.py");

/** write_dump.py: a slime rollout dump (torch.save) from samples given as JSON. */
export const writeDumpScript = path.join(__dirname, "write_dump.py");
