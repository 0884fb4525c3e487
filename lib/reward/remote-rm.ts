// slime's remote_rm: POST {prompt, response, label} as JSON, raise on HTTP errors, retry up to 10
// attempts with backoff min(2**attempt, 30) + random() seconds, return the JSON body as is.

export interface RemoteRmOptions {
  url: string;
  signal?: AbortSignal;
  maxRetries?: number;
  /** Seconds to wait before retry number `attempt + 1` (slime: min(2**attempt, 30) + random()). */
  backoffSeconds?: (attempt: number) => number;
  /** Per-request timeout; slime's aiohttp session uses total=120 s. */
  timeoutMs?: number;
  /** Called before each retry (for logs and tests). */
  onRetry?: (info: { attempt: number; error: string; backoffSeconds: number }) => void;
}

export const slimeBackoffSeconds = (attempt: number): number => Math.min(2 ** attempt, 30) + Math.random();

export async function remoteRm(
  payload: { prompt: unknown; response: string; label: unknown },
  opts: RemoteRmOptions,
): Promise<unknown> {
  const maxRetries = opts.maxRetries ?? 10;
  const backoff = opts.backoffSeconds ?? slimeBackoffSeconds;
  const body = JSON.stringify({ prompt: payload.prompt ?? null, response: payload.response, label: payload.label ?? null });
  for (let attempt = 0; ; attempt++) {
    try {
      const timeout = AbortSignal.timeout(opts.timeoutMs ?? 120_000);
      const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
      const res = await fetch(opts.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal,
      });
      if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
      return (await res.json()) as unknown;
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      if (attempt + 1 >= maxRetries) {
        throw new Error(`remote_rm failed after ${attempt + 1} attempts: ${errorText(e)}`);
      }
      const wait = backoff(attempt);
      opts.onRetry?.({ attempt: attempt + 1, error: errorText(e), backoffSeconds: wait });
      await sleep(wait * 1000, opts.signal);
    }
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    return cause instanceof Error ? `${e.message} (${cause.message})` : e.message;
  }
  return String(e);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
