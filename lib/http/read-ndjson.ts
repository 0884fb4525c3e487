/** Reads an NDJSON response body line by line (browser and server). Blank lines are skipped. */
export async function* readNdjson(res: Response): AsyncGenerator<unknown> {
  if (!res.body) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.trim()) yield JSON.parse(line) as unknown;
    }
  }
  if (buf.trim()) yield JSON.parse(buf) as unknown;
}
