import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TokenCounter } from "@/lib/rollout/tokens";

// A scripted SGLang server for tests and the bench: real HTTP, SGLang's /generate wire
// (input_ids in, meta_info.output_token_logprobs out), token ids from the real tokenizer. Each
// /generate takes the next scripted step: a model text (encoded, `<|im_end|>` appended when it
// stopped), an HTTP error, a dropped connection, or a hold until the test releases it.

export type ScriptStep =
  | { text: string; finish?: "stop" | "length"; logprob?: number }
  | { status: number; body: string }
  | { die: true }
  | { hold: Promise<void>; then: ScriptStep };

export interface GenerateCall {
  rid: string;
  input_ids: number[];
  sampling_params: Record<string, unknown>;
  return_logprob: unknown;
  /** Set when the proxy closed the connection before the answer. */
  closed: boolean;
  /** The request's headers (lower-case names), e.g. x-smg-routing-key. */
  headers: Record<string, string | string[] | undefined>;
}

export interface ScriptedSglang {
  url: string;
  calls: GenerateCall[];
  aborts: string[];
  /** Queues steps for the next /generate calls; an empty queue answers "OK." */
  push(...steps: ScriptStep[]): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** The encode/decode a scripted server needs (a TokenCounter, or a tokenizer built in a test). */
export type ScriptTokenizer = Pick<TokenCounter, "encode" | "decode">;

export async function startScriptedSglang(
  tok: ScriptTokenizer,
  opts: {
    port?: number;
    /** Answers a /generate when no step is queued, from the decoded prompt (default "OK."). */
    responder?: (prompt: string) => ScriptStep;
  } = {},
): Promise<ScriptedSglang> {
  if (!tok.encode) throw new Error("the scripted server needs a real tokenizer");
  const encode = tok.encode;
  const imEnd = encode("<|im_end|>");
  const queue: ScriptStep[] = [];
  const calls: GenerateCall[] = [];
  const aborts: string[] = [];

  const answer = async (step: ScriptStep, call: GenerateCall, res: ServerResponse): Promise<void> => {
    if ("hold" in step) {
      await step.hold;
      return answer(step.then, call, res);
    }
    if ("die" in step) {
      res.socket?.destroy();
      return;
    }
    if ("status" in step) {
      res.writeHead(step.status, { "content-type": "application/json" }).end(step.body);
      return;
    }
    const finish = step.finish ?? "stop";
    const ids = [...encode(step.text), ...(finish === "stop" ? imEnd : [])];
    const lp = step.logprob ?? -0.25;
    const body = {
      text: tok.decode ? tok.decode(ids) : step.text,
      meta_info: {
        id: call.rid,
        prompt_tokens: call.input_ids.length,
        completion_tokens: ids.length,
        finish_reason: finish === "stop" ? { type: "stop", matched: imEnd[0] } : { type: "length", length: ids.length },
        output_token_logprobs: ids.map((id, i) => [lp - i * 0.001, id, null]),
      },
    };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const text = await readBody(req);
      if (req.url === "/abort_request") {
        aborts.push(String((JSON.parse(text) as { rid?: unknown }).rid));
        res.writeHead(200).end("{}");
        return;
      }
      if (req.url === "/health" || req.url === "/health_generate") {
        res.writeHead(200).end();
        return;
      }
      if (req.url !== "/generate" || req.method !== "POST") {
        res.writeHead(404).end();
        return;
      }
      const b = JSON.parse(text) as Omit<GenerateCall, "closed">;
      const call: GenerateCall = { rid: b.rid, input_ids: b.input_ids, sampling_params: b.sampling_params, return_logprob: b.return_logprob, closed: false, headers: req.headers };
      res.on("close", () => {
        if (!res.writableFinished) call.closed = true;
      });
      calls.push(call);
      // A responder that takes no argument does not need the prompt: decoding 32k ids costs the
      // server (in the bench, the proxy's own process) tens of milliseconds a call.
      const respond = opts.responder;
      const step = queue.shift() ?? (respond && tok.decode ? respond(respond.length > 0 ? tok.decode(call.input_ids) : "") : { text: "OK." });
      await answer(step, call, res);
    })().catch((e: unknown) => {
      res.writeHead(500).end(String(e));
    });
  });
  // uvicorn's (SGLang's) default. At 1 s undici dropped every socket (it keeps one for the hint minus 2 s),
  // so each /generate paid a new connection on both sides of the bench.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    aborts,
    push: (...steps) => void queue.push(...steps),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
