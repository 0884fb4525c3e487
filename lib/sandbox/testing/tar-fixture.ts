// Tar archives built by hand for tests, so that any header field can be hostile.

/** One ustar header + data, written by hand so that any field can be hostile. */
export function tarEntry(name: string, opts: { type?: string; data?: string | Buffer; mode?: number; linkname?: string; prefix?: string; badChecksum?: boolean } = {}): Buffer {
  const data = typeof opts.data === "string" ? Buffer.from(opts.data) : (opts.data ?? Buffer.alloc(0));
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, "utf8");
  h.write(`${(opts.mode ?? 0o644).toString(8).padStart(7, "0")}\0`, 100, "latin1");
  h.write("0000000\0", 108, "latin1");
  h.write("0000000\0", 116, "latin1");
  h.write(`${data.length.toString(8).padStart(11, "0")}\0`, 124, "latin1");
  h.write("00000000000\0", 136, "latin1");
  h.write(opts.type ?? "0", 156, "latin1");
  if (opts.linkname) h.write(opts.linkname, 157, 100, "utf8");
  h.write("ustar\0", 257, "latin1");
  h.write("00", 263, "latin1");
  if (opts.prefix) h.write(opts.prefix, 345, 155, "utf8");
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  if (opts.badChecksum) sum += 1;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([h, data, pad]);
}
export const tar = (...parts: Buffer[]) => Buffer.concat([...parts, Buffer.alloc(1024)]);
/** A pax extended header carrying `path`. */
export function paxPath(p: string): Buffer {
  const rec = (n: number) => `${n} path=${p}\n`;
  let len = rec(0).length;
  while (rec(len).length !== len) len = rec(len).length;
  return tarEntry("PaxHeader", { type: "x", data: rec(len) });
}

