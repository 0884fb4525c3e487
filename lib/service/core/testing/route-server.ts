import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

// A real HTTP server in front of the service route handlers, for tests and the benchmark: the
// handlers get a web Request built from the socket (streamed body, abort on disconnect), exactly
// the interface Next gives them, without a production build.

type Handler = (req: Request) => Response | Promise<Response>;
/** Exact paths; a key ending in `/*` serves everything under it (a catch-all route). */
export type RouteTable = Record<string, Partial<Record<"GET" | "POST" | "DELETE", Handler>>>;

function toRequest(req: IncomingMessage, base: string): Request {
  const ctl = new AbortController();
  req.on("close", () => {
    if (!req.complete) ctl.abort();
  });
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else if (v !== undefined) headers.set(k, v);
  }
  headers.set("x-forwarded-for", req.socket.remoteAddress ?? "unknown");
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", base), {
    method: req.method,
    headers,
    signal: ctl.signal,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
  } as RequestInit);
}

export async function startRouteServer(routes: RouteTable): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      const method = req.method as "GET" | "POST" | "DELETE";
      const prefix = Object.keys(routes).find((k) => k.endsWith("/*") && url.pathname.startsWith(k.slice(0, -1)));
      const handler = routes[url.pathname]?.[method] ?? (prefix ? routes[prefix]?.[method] : undefined);
      if (!handler) {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ detail: "Not Found" }));
        return;
      }
      const response = await handler(toRequest(req, `http://${req.headers.host ?? "localhost"}`));
      res.writeHead(response.status, Object.fromEntries(response.headers));
      // Streamed as it is produced (SSE, Connect streams), like Next does; a client that goes away cancels it.
      const reader = response.body?.getReader();
      if (!reader) return void res.end();
      res.on("close", () => void reader.cancel().catch(() => {}));
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        res.write(value);
      }
      res.end();
    } catch (e) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e));
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The SandboxFusion routes, imported lazily (after a test has set the environment). */
export async function sandboxFusionRoutes(): Promise<RouteTable> {
  const [runCode, runJupyter, ping] = await Promise.all([
    import("@/app/(service)/sandbox-fusion/run_code/route"),
    import("@/app/(service)/sandbox-fusion/run_jupyter/route"),
    import("@/app/(service)/sandbox-fusion/v1/ping/route"),
  ]);
  return {
    "/sandbox-fusion/run_code": { POST: runCode.POST },
    "/sandbox-fusion/run_jupyter": { POST: runJupyter.POST },
    "/sandbox-fusion/v1/ping": { GET: ping.GET },
  };
}
