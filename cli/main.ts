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
import { trajectoryCommand } from "./commands/trajectory";

const commands: Record<string, CliCommand> = {
  exec: execCommand,
  parse: parseCommand,
  read: readCommand,
  render: renderCommand,
  rollout: rolloutCommand,
  score: scoreCommand,
  trajectory: trajectoryCommand,
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

/**
 * Resolves once everything written to `stream` so far has reached the OS. Writes to a pipe are
 * asynchronous: `process.exit()` drops whatever is still queued, so a slow reader (`cli read | …`)
 * used to lose the last lines.
 */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || stream.writableEnded || stream.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => stream.write("", () => resolve()));
}

// The reader went away (`cli read x | head`): nothing more can be delivered, so stop like any
// pipeline member does on SIGPIPE, without a stack trace (and without a command waiting forever
// for a "drain" that cannot come).
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code !== "EPIPE") throw err;
  void shutdownSessions()
    .catch(() => {})
    .then(() => process.exit(0));
});

// Every sandbox a command opened goes through the session manager, so closing it closes them all
// (and its exit hook covers a Ctrl-C).
main()
  .catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  })
  .then(async (code) => {
    await shutdownSessions().catch(() => {});
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    process.exit(code);
  });
