// JSON Lines in, exactly one JSON line out per input line, in order.
import { parseArgs } from "node:util";
import type { CliCommand } from "./types";
import { execCommand } from "./commands/exec";
import { parseCommand } from "./commands/parse";
import { renderCommand } from "./commands/render";
import { rolloutCommand } from "./commands/rollout";
import { scoreCommand } from "./commands/score";

const commands: Record<string, CliCommand> = {
  exec: execCommand,
  parse: parseCommand,
  render: renderCommand,
  rollout: rolloutCommand,
  score: scoreCommand,
};

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(
      `usage: rollout-playground <command> [options]\ncommands: ${Object.keys(commands).join(", ")}\n`,
    );
    return 2;
  }
  const { values } = parseArgs({ args: rest, options: command.options, allowPositionals: false });
  return command.run(values as Record<string, string | boolean | undefined>);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
