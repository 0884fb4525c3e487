// Hostile and ordinary tar archives against the confined extraction, on a real session directory
// (the local backend's file primitives; the Docker agent's are covered by the ms-enclave tests).
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { extractTar, parseTar } from "./tar-extract";
import { createWorkdirFs } from "./workdir-fs";
import { paxPath, tar, tarEntry as entry } from "./testing/tar-fixture";

const dirs: string[] = [];
function session() {
  const root = mkdtempSync(path.join(os.tmpdir(), "rp-tar-"));
  dirs.push(root);
  return { root, fs: createWorkdirFs(root) };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("extractTar", () => {
  it("extracts files and directories under the target, keeping exec bits and nothing more", async () => {
    const { root, fs } = session();
    const archive = tar(
      entry("demo/", { type: "5", mode: 0o755 }),
      entry("demo/SKILL.md", { data: "skill" }),
      entry("demo/run.sh", { data: "#!/bin/sh\necho hi\n", mode: 0o4755 }),
      entry("./top.txt", { data: "top" }),
      entry("b.txt", { data: "long", prefix: "deep/er" }),
      entry("empty/", { type: "5" }),
    );
    const r = await extractTar(fs, "eval-skills", archive);
    expect(r).toEqual({ ok: true, value: { files: 4, dirs: 2, bytes: 5 + 18 + 3 + 4 } });
    const base = path.join(root, "eval-skills");
    expect(readFileSync(path.join(base, "demo/SKILL.md"), "utf8")).toBe("skill");
    expect(readFileSync(path.join(base, "top.txt"), "utf8")).toBe("top");
    expect(readFileSync(path.join(base, "deep/er/b.txt"), "utf8")).toBe("long");
    expect(statSync(path.join(base, "demo/run.sh")).mode & 0o7777).toBe(0o755);
    expect(statSync(path.join(base, "demo/SKILL.md")).mode & 0o7777).toBe(0o644);
    expect(statSync(path.join(base, "empty")).isDirectory()).toBe(true);
  });

  it("takes GNU long names and pax paths", async () => {
    const { root, fs } = session();
    const long = `${"d".repeat(120)}/f.txt`;
    const archive = tar(entry("././@LongLink", { type: "L", data: `${long}\0` }), entry("ignored", { data: "gnu" }), paxPath("pax/name.txt"), entry("ignored2", { data: "pax" }));
    expect((await extractTar(fs, "/sandbox/t", archive)).ok).toBe(true);
    expect(readFileSync(path.join(root, "t", long), "utf8")).toBe("gnu");
    expect(readFileSync(path.join(root, "t/pax/name.txt"), "utf8")).toBe("pax");
  });

  it.each([
    ["an absolute name", tar(entry("/etc/evil", { data: "x" })), /absolute path/],
    ["a .. name", tar(entry("../../evil", { data: "x" })), /"\.\."/],
    ["a .. hidden in the middle", tar(entry("a/../../evil", { data: "x" })), /"\.\."/],
    ["a .. in a GNU long name", tar(entry("././@LongLink", { type: "L", data: "../../evil\0" }), entry("ok", { data: "x" })), /"\.\."/],
    ["a .. in a pax path", tar(paxPath("../evil"), entry("ok", { data: "x" })), /"\.\."/],
    ["a symlink", tar(entry("link", { type: "2", linkname: "/etc/passwd" })), /symbolic link/],
    ["a symlink that stays inside", tar(entry("link", { type: "2", linkname: "a.txt" })), /symbolic link/],
    ["a hard link", tar(entry("hard", { type: "1", linkname: "/etc/shadow" })), /hard link/],
    ["a character device", tar(entry("null", { type: "3" })), /character device/],
    ["a block device", tar(entry("sda", { type: "4" })), /block device/],
    ["a FIFO", tar(entry("fifo", { type: "6" })), /FIFO/],
    ["a bad checksum", tar(entry("a.txt", { data: "x", badChecksum: true })), /checksum/],
    ["a truncated archive", entry("a.txt", { data: "x".repeat(2000) }).subarray(0, 1024), /truncated/],
    ["something that is not a tar", Buffer.from("hello, not a tar"), /not a tar/],
    ["gzip that does not decompress", Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), /does not decompress/],
  ])("refuses %s and writes nothing", async (_what, archive, message) => {
    const { root, fs } = session();
    // A good entry first: it must not be written either, because the archive is checked whole first.
    const withGood = archive.length >= 1024 && !archive.subarray(0, 2).equals(Buffer.from([0x1f, 0x8b])) ? Buffer.concat([entry("good.txt", { data: "g" }), archive]) : archive;
    const r = await extractTar(fs, "t", withGood);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe("bad_request:archive");
      expect(r.error.message).toMatch(message);
    }
    expect(readdirSync(root)).toEqual([]);
    expect(existsSync("/etc/evil")).toBe(false);
  });

  it("caps the number of entries and the total size, also behind gzip", async () => {
    const limits = { maxEntries: 3, maxBytes: 1000, maxPathLength: 100 };
    const many = tar(...Array.from({ length: 4 }, (_, i) => entry(`f${i}`, { data: "x" })));
    expect(parseTar(many, limits)).toMatchObject({ ok: false, error: { message: /more than 3 entries/ } });
    const big = tar(entry("a", { data: "x".repeat(600) }), entry("b", { data: "x".repeat(600) }));
    expect(parseTar(big, limits)).toMatchObject({ ok: false, error: { message: /more than 1000 bytes/ } });
    const one = tar(entry("a", { data: "x".repeat(1001) }));
    expect(parseTar(one, limits)).toMatchObject({ ok: false, error: { message: /larger than 1000 bytes/ } });
    // A gzip bomb: 64 MB of zeros in a few KB stops at the cap instead of filling memory.
    const bomb = gzipSync(Buffer.concat([entry("z", { data: Buffer.alloc(64 * 1024 * 1024) }), Buffer.alloc(1024)]));
    expect(bomb.length).toBeLessThan(200_000);
    expect(parseTar(bomb, limits)).toMatchObject({ ok: false, error: { message: /more than 1000 bytes/ } });
    const long = tar(entry("x".repeat(99), { data: "x", prefix: "p".repeat(10) }));
    expect(parseTar(long, limits)).toMatchObject({ ok: false, error: { message: /longer than 100 characters/ } });
  });

  it("a gzip-compressed archive extracts like the plain one", async () => {
    const { root, fs } = session();
    expect((await extractTar(fs, "g", gzipSync(tar(entry("a.txt", { data: "zipped" }))))).ok).toBe(true);
    expect(readFileSync(path.join(root, "g/a.txt"), "utf8")).toBe("zipped");
  });

  it("a target or a symlink already in the sandbox cannot lead the extraction out", async () => {
    const { root, fs } = session();
    const { symlinkSync } = await import("node:fs");
    symlinkSync("/etc", path.join(root, "out"));
    const r1 = await extractTar(fs, "out", tar(entry("evil", { data: "x" })));
    expect(r1).toMatchObject({ ok: false, error: { code: "bad_request:archive" } });
    const r2 = await extractTar(fs, ".", tar(entry("out/evil", { data: "x" })));
    expect(r2).toMatchObject({ ok: false, error: { code: "bad_request:archive" } });
    const r3 = await extractTar(fs, "/etc", tar(entry("evil", { data: "x" })));
    expect(r3).toMatchObject({ ok: false, error: { code: "bad_request:archive" } });
    expect(existsSync("/etc/evil")).toBe(false);
  });
});
