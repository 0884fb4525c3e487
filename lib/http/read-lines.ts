/**
 * The lines of a streamed text body as they arrive (browser and server), without their "\n" or
 * "\r\n". A last line with no newline is yielded too, unless `complete` says only finished lines
 * count (SSE: an event is not done until its line ends). Stopping early cancels the body.
 */
export async function* readLines(body: ReadableStream<Uint8Array<ArrayBuffer>>, opts: { complete?: boolean } = {}): AsyncGenerator<string> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        yield line.endsWith("\r") ? line.slice(0, -1) : line;
      }
    }
    if (buf && !opts.complete) yield buf;
  } finally {
    // Closes the connection when the reader stops early; harmless after the end.
    void reader.cancel().catch(() => {});
  }
}
