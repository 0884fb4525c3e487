import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeReward } from "./index";

// A real HTTP reward server: fails the first request of each "flaky" label with a 503,
// then answers {score, acc, pred}; records every body it receives.
let server: Server;
let url: string;
const received: unknown[] = [];
const failuresLeft = new Map<string, number>();

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = "";
    req.on("data", (c: Buffer) => (s += c.toString("utf8")));
    req.on("end", () => resolve(s));
  });
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = JSON.parse(await readBody(req)) as { prompt: unknown; response: string; label: string };
    received.push(body);
    const left = failuresLeft.get(body.label) ?? 0;
    if (left > 0) {
      failuresLeft.set(body.label, left - 1);
      res.writeHead(503).end("busy");
      return;
    }
    if (body.label === "number") {
      res.writeHead(200, { "content-type": "application/json" }).end("0.25");
      return;
    }
    if (body.label === "garbage") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"nope": 1}');
      return;
    }
    const ok = body.response.includes(body.label);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ score: ok ? 1 : 0, acc: ok, pred: body.response.slice(-3) }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/score`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const fast = { backoffSeconds: () => 0.01 };

describe("remote_rm", () => {
  it("posts {prompt, response, label} and returns the server's verdict", async () => {
    const r = await computeReward("remote_rm", { prompt: "Q?", response: "it is 42", label: "42" }, { rmUrl: url, remote: fast });
    expect(r).toEqual({ ok: true, value: { score: 1, acc: true, pred: " 42" } });
    expect(received.at(-1)).toEqual({ prompt: "Q?", response: "it is 42", label: "42" });
  });

  it("retries after a failure and then succeeds", async () => {
    failuresLeft.set("flaky", 2);
    const retries: number[] = [];
    const r = await computeReward(
      "remote_rm",
      { response: "flaky answer", label: "flaky" },
      { rmUrl: url, remote: { ...fast, onRetry: (i) => retries.push(i.attempt) } },
    );
    expect(r).toEqual({ ok: true, value: { score: 1, acc: true, pred: "wer" } });
    expect(retries).toEqual([1, 2]);
    expect(received.filter((b) => (b as { label: string }).label === "flaky")).toHaveLength(3);
  });

  it("gives up after max retries with an error value", async () => {
    failuresLeft.set("down", 100);
    const r = await computeReward("remote_rm", { response: "x", label: "down" }, { rmUrl: url, remote: { ...fast, maxRetries: 3 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/after 3 attempts: HTTP 503/);
  });

  it("accepts a bare number and rejects a reply without a score", async () => {
    expect(await computeReward("remote_rm", { response: "x", label: "number" }, { rmUrl: url, remote: fast })).toEqual({ ok: true, value: { score: 0.25 } });
    const bad = await computeReward("remote_rm", { response: "x", label: "garbage" }, { rmUrl: url, remote: fast });
    expect(bad.ok).toBe(false);
  });

  it("boxed_remote_rm still sends the full response (slime posts the sample)", async () => {
    await computeReward("boxed_remote_rm", { response: "work \\boxed{7}", label: "7" }, { rmUrl: url, remote: fast });
    expect(received.at(-1)).toEqual({ prompt: null, response: "work \\boxed{7}", label: "7" });
  });

  it("an unreachable server is an error value, not an exception", async () => {
    const r = await computeReward("remote_rm", { response: "x", label: "y" }, { rmUrl: "http://127.0.0.1:1/", remote: { ...fast, maxRetries: 2 } });
    expect(r.ok).toBe(false);
  });

  it("without --rm-url it is an error", async () => {
    const r = await computeReward("remote_rm", { response: "x", label: "y" });
    expect(r).toEqual({ ok: false, error: { code: "unprocessable:reward", message: "ValueError: remote_rm needs --rm-url" } });
  });
});
