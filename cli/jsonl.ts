import { createInterface } from "node:readline";

/**
 * Reads JSON Lines from stdin and writes exactly one JSON line per input line, in order.
 * A line that fails (bad JSON, handler error) yields {"error": "..."} and processing continues.
 * Blank lines are skipped (they carry no request).
 */
export async function runJsonLines(
  handle: (value: unknown, lineNo: number) => Promise<unknown>,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of rl) {
    lineNo++;
    if (line.trim() === "") continue;
    let result: unknown;
    try {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (e) {
        throw new Error(`line ${lineNo}: invalid JSON (${(e as Error).message})`);
      }
      result = await handle(value, lineNo);
    } catch (e) {
      result = { error: e instanceof Error ? e.message : String(e) };
    }
    const text = JSON.stringify(result) + "\n";
    if (!output.write(text)) await new Promise((r) => output.once("drain", r));
  }
}
