import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveInside } from "./paths";

let root: string;
let outside: string;
beforeAll(() => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "inspect-paths-"));
  root = path.join(base, "data");
  outside = path.join(base, "secret");
  fs.mkdirSync(path.join(root, "sub"), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(root, "sub", "a.jsonl"), "{}\n");
  fs.writeFileSync(path.join(outside, "s.jsonl"), "{}\n");
  fs.symlinkSync(path.join(outside, "s.jsonl"), path.join(root, "link-out.jsonl"));
  fs.symlinkSync(outside, path.join(root, "dir-out"));
  fs.symlinkSync(path.join(root, "sub", "a.jsonl"), path.join(root, "link-in.jsonl"));
});
afterAll(() => fs.rmSync(path.dirname(root), { recursive: true, force: true }));

describe("resolveInside", () => {
  it("accepts files inside the root, including symlinks that stay inside", async () => {
    expect(await resolveInside(root, "sub/a.jsonl")).toMatchObject({ ok: true, value: { source: path.join("sub", "a.jsonl") } });
    expect(await resolveInside(root, "link-in.jsonl")).toMatchObject({ ok: true, value: { source: path.join("sub", "a.jsonl") } });
    expect(await resolveInside(root, path.join(root, "sub", "a.jsonl"))).toMatchObject({ ok: true });
  });
  it("rejects .., absolute paths elsewhere and symlink escapes", async () => {
    expect(await resolveInside(root, "../secret/s.jsonl")).toMatchObject({ ok: false, error: { code: "forbidden:path" } });
    expect(await resolveInside(root, "sub/../../secret/s.jsonl")).toMatchObject({ ok: false, error: { code: "forbidden:path" } });
    expect(await resolveInside(root, path.join(outside, "s.jsonl"))).toMatchObject({ ok: false, error: { code: "forbidden:path" } });
    expect(await resolveInside(root, "link-out.jsonl")).toMatchObject({ ok: false, error: { code: "forbidden:path" } });
    expect(await resolveInside(root, "dir-out/s.jsonl")).toMatchObject({ ok: false, error: { code: "forbidden:path" } });
    expect(await resolveInside(root, "a\0b")).toMatchObject({ ok: false, error: { code: "bad_request:path" } });
    expect(await resolveInside(root, "nope.jsonl")).toMatchObject({ ok: false, error: { code: "not_found:file" } });
  });
});
