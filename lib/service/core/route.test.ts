// The service layer's wrapper over real HTTP: an API with its own error shape ({code, message},
// as the E2B gateway answers), JSON and streamed replies, a router with path parameters, and the
// token gate. Traffic records are read back from the recorder.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

process.env.PLAYGROUND_TRAFFIC_LOG = "memory";
process.env.PLAYGROUND_API_MAX_BODY_MB = "1";

const { err, ok } = await import("@/lib/result");
const { serviceRoute, serviceRouter, noInput } = await import("./route");
const { parseJsonBody } = await import("./body");
const { statusOf } = await import("./errors");
const { serviceGate } = await import("./auth");
const { startRouteServer } = await import("./testing/route-server");
const { recentTraffic } = await import("@/lib/traffic/recorder");
import { defaultTokens, type ServiceApi } from "./api";

// An API whose errors are {"code": <status>, "message"} and whose SDK sends its key in X-Test-Key.
const api: ServiceApi = {
  name: "sandbox-fusion",
  prefixes: ["/t"],
  errorResponse: (e) => Response.json({ code: statusOf(e), message: e.message }, { status: statusOf(e) }),
  tokens: (r) => [r.headers.get("x-test-key"), ...defaultTokens(r)],
};

/** A gate the test opens: the producer waits on it between frames. */
function gate() {
  let open!: () => void;
  const p = new Promise<void>((r) => (open = r));
  return { p, open };
}
const gates: ReturnType<typeof gate>[] = [];

const echo = serviceRoute({
  api,
  route: "/t/echo",
  parse: ({ request }) => parseJsonBody(request, z.object({ word: z.string(), fail: z.boolean().optional(), boom: z.boolean().optional() })),
  async run(input) {
    if (input.boom) throw new Error("handler exploded");
    if (input.fail) return err({ code: "not_found:word", message: `no ${input.word}` });
    return ok({ body: { echoed: input.word }, record: { backend: "test", queue_ms: 5 } });
  },
  toTraffic: (call) => ({ code: call.input?.word ?? "(unparsed)", status: call.output ? "echoed" : undefined }),
});

const stream = serviceRoute({
  api,
  route: "/t/stream",
  parse: noInput,
  async run() {
    const enc = new TextEncoder();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(ctl) {
        if (sent === 3) return ctl.close();
        if (sent > 0) {
          const g = gate();
          gates.push(g);
          await g.p;
        }
        ctl.enqueue(enc.encode(`data: ${sent++}\n\n`));
      },
    });
    return ok({
      response: new Response(body, { headers: { "content-type": "text/event-stream" } }),
      record: (end) => ({ stdout: `sent ${sent}`, message: end.cancelled ? "cancelled" : "ended", return_code: end.bytes }),
    });
  },
  toTraffic: () => ({ tool_name: "stream" }),
});

const router = serviceRouter(api, [
  { method: "GET", path: "/things/:id", handler: serviceRoute({ api, parse: (c) => ok(c.params.id!), run: async (id) => ok({ body: { id } }) }) },
  { method: "DELETE", path: "/things/:id", handler: serviceRoute({ api, parse: (c) => ok(c.params.id!), run: async (id) => ok({ body: { deleted: id } }) }) },
]);
const routed = (r: Request) => router(r, { params: Promise.resolve({ path: new URL(r.url).pathname.split("/").filter(Boolean).slice(1) }) });

let srv: Awaited<ReturnType<typeof startRouteServer>>;
beforeAll(async () => {
  srv = await startRouteServer({ "/t/echo": { POST: echo }, "/t/stream": { GET: stream }, "/t/*": { GET: routed, POST: routed, DELETE: routed } });
});
afterAll(() => srv.close());

const post = (body: unknown) => fetch(`${srv.url}/t/echo`, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });

async function until<T>(fn: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("serviceRoute", () => {
  it("answers JSON and records the call; the handler's own fields win", async () => {
    const res = await post({ word: "hello" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ echoed: "hello" });
    const rec = recentTraffic().find((r) => r.code === "hello");
    expect(rec).toMatchObject({ api: "sandbox-fusion", route: "/t/echo", method: "POST", http_status: 200, outcome: "success", status: "echoed", backend: "test", queue_ms: 5 });
  });

  it("answers every failure in the API's own shape and records it", async () => {
    const bad = await post({ word: 3 });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ code: 422, message: expect.stringContaining("word") });
    const notJson = await post("{nope");
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).code).toBe(400);
    const missing = await post({ word: "ghost", fail: true });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ code: 404, message: "no ghost" });
    const boom = await post({ word: "bang", boom: true });
    expect(boom.status).toBe(500);
    expect(await boom.json()).toEqual({ code: 500, message: "handler exploded" });
    const log = recentTraffic();
    expect(log.find((r) => r.code === "ghost")).toMatchObject({ http_status: 404, outcome: "rejected", status: "not_found:word", message: "no ghost" });
    expect(log.find((r) => r.code === "bang")).toMatchObject({ http_status: 500, status: "internal:service" });
    expect(log.filter((r) => r.code === "(unparsed)").map((r) => r.http_status).sort()).toEqual([400, 422]);
  });

  it("passes a stream through frame by frame and records it once it ends", async () => {
    const res = await fetch(`${srv.url}/t/stream`);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    // Each frame arrives while the producer is still waiting to send the next one: nothing buffers.
    for (let i = 0; i < 3; i++) {
      let got = "";
      while (!got.includes(`data: ${i}\n\n`)) got += dec.decode((await reader.read()).value);
      if (i < 2) expect(recentTraffic().some((r) => r.tool_name === "stream" && r.message === "ended")).toBe(false);
      if (i < 2) (await until(() => gates[i], "the producer to wait")).open();
    }
    expect((await reader.read()).done).toBe(true);
    const rec = await until(() => recentTraffic().find((r) => r.tool_name === "stream" && r.message === "ended"), "the stream's record");
    expect(rec).toMatchObject({ http_status: 200, outcome: "success", stdout: "sent 3", return_code: 27 });
  });

  it("records a stream the client abandons, as cancelled", async () => {
    const before = gates.length;
    const ctl = new AbortController();
    const res = await fetch(`${srv.url}/t/stream`, { signal: ctl.signal });
    const reader = res.body!.getReader();
    await reader.read();
    await until(() => gates[before], "the producer to wait");
    ctl.abort();
    const rec = await until(() => recentTraffic().find((r) => r.tool_name === "stream" && r.message === "cancelled"), "the cancelled stream's record");
    expect(rec.stdout).toBe("sent 1");
    gates[before]!.open();
  });
});

describe("serviceRouter", () => {
  it("routes by method and path with parameters; 404 and 405 in the API's shape", async () => {
    expect(await (await fetch(`${srv.url}/t/things/abc`)).json()).toEqual({ id: "abc" });
    expect(await (await fetch(`${srv.url}/t/things/abc`, { method: "DELETE" })).json()).toEqual({ deleted: "abc" });
    const wrongMethod = await fetch(`${srv.url}/t/things/abc`, { method: "POST" });
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.json()).toEqual({ code: 405, message: "Method Not Allowed" });
    const nowhere = await fetch(`${srv.url}/t/nothing/here/at/all`);
    expect(nowhere.status).toBe(404);
    expect(await nowhere.json()).toEqual({ code: 404, message: "Not Found" });
  });
});

describe("serviceGate", () => {
  const req = (headers: Record<string, string> = {}, method = "POST") => new Request("http://127.0.0.1:3000/t/echo", { method, headers: { host: "127.0.0.1:3000", ...headers } });
  const token = "gate-test-token";

  it("refuses without the token, in the API's shape; takes Bearer, X-API-Key, ?api_key= and the API's own header", async () => {
    const refused = serviceGate(req(), api, { token, host: "127.0.0.1:3000" })!;
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ code: 401, message: "Unauthorized" });
    expect(serviceGate(req({ authorization: `Bearer ${token}` }), api, { token, host: "127.0.0.1:3000" })).toBeNull();
    expect(serviceGate(req({ "x-api-key": token }), api, { token, host: "127.0.0.1:3000" })).toBeNull();
    expect(serviceGate(req({ "x-test-key": token }), api, { token, host: "127.0.0.1:3000" })).toBeNull();
    expect(serviceGate(req({ "x-test-key": "wrong" }), api, { token, host: "127.0.0.1:3000" })!.status).toBe(401);
    expect(serviceGate(new Request(`http://127.0.0.1:3000/t/echo?api_key=${token}`, { method: "POST" }), api, { token, host: "127.0.0.1:3000" })).toBeNull();
  });

  it("refuses cross-origin posts without a header token, and bodies over the cap by Content-Length", async () => {
    const cross = serviceGate(req({ origin: "http://evil.example" }), api, { token: undefined, host: "127.0.0.1:3000" })!;
    expect(cross.status).toBe(403);
    expect((await cross.json()).code).toBe(403);
    expect(serviceGate(req({ origin: "http://evil.example", "x-test-key": token }), api, { token, host: "127.0.0.1:3000" })).toBeNull();
    const big = serviceGate(req({ "content-length": String(2 * 1024 * 1024) }), api, { token: undefined, host: "127.0.0.1:3000" })!;
    expect(big.status).toBe(413);
  });
});
