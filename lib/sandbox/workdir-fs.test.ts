import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, readFileSync, realpathSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWorkdirFs, mapPath, PathRejected } from "./workdir-fs";

let base: string;
let root: string;
let outside: string;

beforeEach(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), "wdfs-")));
  root = path.join(base, "session");
  outside = path.join(base, "outside");
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(path.join(outside, "secret.txt"), "TOP-SECRET");
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe("mapPath", () => {
  it("maps relative, /sandbox and inside-absolute paths", () => {
    expect(mapPath(root, "a/b.txt")).toBe(path.join(root, "a/b.txt"));
    expect(mapPath(root, "/sandbox/a.txt")).toBe(path.join(root, "a.txt"));
    expect(mapPath(root, "/sandbox")).toBe(root);
    expect(mapPath(root, path.join(root, "x"))).toBe(path.join(root, "x"));
  });
  it("rejects .. and absolute paths outside", () => {
    expect(() => mapPath(root, "../outside/secret.txt")).toThrow(PathRejected);
    expect(() => mapPath(root, "a/../../x")).toThrow(/\.\./);
    expect(() => mapPath(root, "/sandbox/../etc/passwd")).toThrow(PathRejected);
    expect(() => mapPath(root, "/etc/passwd")).toThrow(/outside/);
    expect(() => mapPath(root, `${root}-evil/x`)).toThrow(/outside/);
  });
});

describe("createWorkdirFs", () => {
  it("round-trips files and lists them", async () => {
    const fs = createWorkdirFs(root);
    await fs.write("d/x.txt", Buffer.from("hi"));
    expect((await fs.read("/sandbox/d/x.txt")).toString()).toBe("hi");
    expect(await fs.list("d")).toEqual([{ name: "x.txt", type: "file", size: 2 }]);
    expect(await fs.exists("d/x.txt")).toBe(true);
    await fs.remove("d");
    expect(await fs.exists("d")).toBe(false);
  });

  it("refuses to follow a symlink that points out (read, write, list)", async () => {
    symlinkSync(path.join(outside, "secret.txt"), path.join(root, "link.txt"));
    symlinkSync(outside, path.join(root, "dirlink"));
    const fs = createWorkdirFs(root);
    await expect(fs.read("link.txt")).rejects.toThrow(/symlink/);
    await expect(fs.write("link.txt", Buffer.from("pwned"))).rejects.toThrow(/symlink/);
    await expect(fs.read("dirlink/secret.txt")).rejects.toThrow(/symlink/);
    await expect(fs.write("dirlink/new.txt", Buffer.from("x"))).rejects.toThrow(/symlink/);
    await expect(fs.list("dirlink")).rejects.toThrow(/symlink/);
    expect(readFileSync(path.join(outside, "secret.txt"), "utf8")).toBe("TOP-SECRET");
  });

  it("refuses dangling symlinks, which a write would follow", async () => {
    symlinkSync(path.join(outside, "new.txt"), path.join(root, "dangling"));
    const fs = createWorkdirFs(root);
    await expect(fs.write("dangling", Buffer.from("x"))).rejects.toThrow(/dangling/);
  });

  it("allows symlinks that stay inside", async () => {
    const fs = createWorkdirFs(root);
    await fs.write("real.txt", Buffer.from("ok"));
    symlinkSync("real.txt", path.join(root, "alias.txt"));
    await expect(fs.exists("alias.txt")).resolves.toBe(true);
  });

  it("create refuses to overwrite; delete refuses the root", async () => {
    const fs = createWorkdirFs(root);
    await fs.write("a", Buffer.from("1"), { create_only: true });
    await expect(fs.write("a", Buffer.from("2"), { create_only: true })).rejects.toMatchObject({ code: "EEXIST" });
    await expect(fs.remove("/sandbox")).rejects.toThrow(PathRejected);
  });
});
