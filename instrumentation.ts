// Next calls register() once when the server starts. A tokenizer takes seconds to load: load the
// configured one now, in the background, so the first rollout or Inspect token view does not wait for it.
export async function register(): Promise<void> {
  // Next sets NEXT_RUNTIME itself; the edge runtime (proxy.ts) must not import Node modules.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Not always the embedded one: with PLAYGROUND_TOKENIZER_DIR set, it is never used.
  const { configuredTokenizer } = await import("./lib/rollout/tokens");
  void configuredTokenizer().catch(() => {});
}
