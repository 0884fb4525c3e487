import { readLines } from "./read-lines";

/** Reads an NDJSON response body line by line (browser and server). Blank lines are skipped. */
export async function* readNdjson(res: Response): AsyncGenerator<unknown> {
  if (!res.body) return;
  for await (const line of readLines(res.body)) {
    if (line.trim()) yield JSON.parse(line) as unknown;
  }
}
