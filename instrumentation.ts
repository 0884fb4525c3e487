// Next calls register() once when the server starts. Qwen3's tokenizer takes seconds to load: load it
// now, in the background, so the first rollout or Inspect token view does not wait for it.
export async function register(): Promise<void> {
  // Next sets NEXT_RUNTIME itself; the edge runtime (proxy.ts) must not import Node modules.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { embeddedTokenizer } = await import("./lib/rollout/tokens");
  void embeddedTokenizer().catch(() => {});
}
