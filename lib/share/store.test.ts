import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetServerEnvForTests } from "@/lib/env";
import { queryNames, targetQuery, type ShareTarget } from "./schema";
import { createShare, findShare, listShares, revokeShare } from "./store";

// Read-only links: stored server-side by hash, scoped to one thing, expiring and revocable.

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "share-store-"));
  process.env.PLAYGROUND_STATE_DIR = dir;
  resetServerEnvForTests();
});
afterAll(() => {
  delete process.env.PLAYGROUND_STATE_DIR;
  resetServerEnvForTests();
  fs.rmSync(dir, { recursive: true, force: true });
});

const run: ShareTarget = { kind: "chat_run", session: "0123456789abcdef", run: "fedcba9876543210" };
const sample: ShareTarget = { kind: "inspect_sample", file: "dumps/rollout_0.pt", sample: 6 };

describe("share links", () => {
  it("a link opens its thing until it is revoked; the file holds only the token's hash", async () => {
    const { link, token } = await createShare(run, 3600);
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await findShare(token)).toEqual({ ok: true, link: expect.objectContaining({ id: link.id, target: run, state: "active" }) });
    expect(await findShare(`${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`)).toEqual({ ok: false, why: "unknown" });
    const onDisk = fs.readFileSync(path.join(dir, "share-links.json"), "utf8");
    expect(onDisk).not.toContain(token);
    expect(onDisk).toContain(link.id);

    expect((await revokeShare(link.id))?.state).toBe("revoked");
    expect(await findShare(token)).toEqual({ ok: false, why: "revoked" });
    expect((await listShares()).find((l) => l.id === link.id)?.state).toBe("revoked");
    expect(await revokeShare("000000000000")).toBeNull();
  });

  it("a link stops opening when it expires", async () => {
    const { token } = await createShare(sample, 1);
    expect((await findShare(token)).ok).toBe(true);
    const deadline = Date.now() + 5000;
    let found = await findShare(token);
    while (found.ok && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      found = await findShare(token);
    }
    expect(found).toEqual({ ok: false, why: "expired" });
  });

  it("concurrent creations are all kept", async () => {
    const made = await Promise.all(Array.from({ length: 10 }, () => createShare(run, 60)));
    for (const m of made) expect((await findShare(m.token)).ok).toBe(true);
  });

  it("a link's query must name exactly its thing", () => {
    expect(queryNames(run, targetQuery(run))).toBe(true);
    expect(queryNames(sample, targetQuery(sample))).toBe(true);
    expect(queryNames(run, new URLSearchParams({ session: run.session, run: "0000000000000000" }))).toBe(false);
    expect(queryNames(sample, new URLSearchParams({ file: sample.file, sample: "7" }))).toBe(false);
    expect(queryNames(sample, new URLSearchParams({ file: sample.file, sample: "6", session: run.session }))).toBe(false);
    expect(queryNames(run, new URLSearchParams())).toBe(false);
  });
});
