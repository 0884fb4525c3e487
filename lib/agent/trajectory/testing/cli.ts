import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(__dirname, "../../../..");

/** `cli trajectory` with `input` on stdin. */
export function runTrajectoryCli(input: string, args: string[] = []) {
  return spawnSync(process.execPath, ["--import", "tsx", "--conditions=react-server", "cli/main.ts", "trajectory", ...args], {
    cwd: root,
    input,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
}

export const jsonLines = (text: string): unknown[] => text.trim().split("\n").map((l) => JSON.parse(l) as unknown);
