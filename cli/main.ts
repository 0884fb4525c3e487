// JSON Lines in, exactly one JSON line out per input line, in order.
import { parseArgs } from "node:util";
import { shutdownSessions } from "@/lib/sandbox/sessions";
import type { CliCommand } from "./types";
import { execCommand } from "./commands/exec";
import { parseCommand } from "./commands/parse";
import { readCommand } from "./commands/read";
import { renderCommand } from "./commands/render";
import { rolloutCommand } from "./commands/rollout";
import { scoreCommand } from "./commands/score";

const commands: Record<string, CliCommand> = {
  exec: execCommand,
  parse: parseCommand,
  read: readCommand,
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
  const { values, positionals } = parseArgs({ args: rest, options: command.options, allowPositionals: command.positionals ?? false });
  return command.run(values as Record<string, string | boolean | undefined>, positionals);
}

// Every sandbox a command opened goes through the session manager, so closing it closes them all
// (and its exit hook covers a Ctrl-C).
main()
  .catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  })
  .then(async (code) => {
    await shutdownSessions().catch(() => {});
    process.exit(code);
  });
