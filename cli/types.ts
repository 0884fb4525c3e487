import type { ParseArgsConfig } from "node:util";

export interface CliCommand {
  options: NonNullable<ParseArgsConfig["options"]>;
  /** Takes positional arguments (`read FILE`). */
  positionals?: boolean;
  /** Reads stdin as JSON Lines, writes one JSON line per input line. Returns the exit code. */
  run(values: Record<string, string | boolean | undefined>, positionals?: string[]): Promise<number>;
}
