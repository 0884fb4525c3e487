import "server-only";
import { z } from "zod";
import { endpointUrl, malformed, postJson, type HttpTarget } from "./http";
import type { CompletionOutput, CompletionRequest, ModelResult, TextModel } from "./types";

// SGLang's native /generate, the request slime's ReTool generate() sends.

const logprobItem = z.tuple([z.number().nullable(), z.number().int()], z.unknown());

export const sglangGenerateResponseSchema = z.object({
  text: z.string(),
  meta_info: z
    .object({
      finish_reason: z.object({ type: z.enum(["stop", "length", "abort"]) }).loose(),
      completion_tokens: z.number().int().nonnegative().optional(),
      output_token_logprobs: z.array(logprobItem).optional(),
    })
    .loose(),
});
export type SglangGenerateResponse = z.infer<typeof sglangGenerateResponseSchema>;

export interface SglangOptions {
  url: string;
  apiKey?: string;
  timeoutMs: number;
}

export function buildSglangPayload(req: CompletionRequest): Record<string, unknown> {
  const s = req.sampling;
  const sampling_params: Record<string, unknown> = {
    temperature: s.temperature,
    top_p: s.top_p,
    top_k: s.top_k,
    max_new_tokens: s.max_new_tokens,
    // What slime sets: keep special tokens and stop strings in the text the trainer sees.
    skip_special_tokens: false,
    no_stop_trim: true,
    spaces_between_special_tokens: false,
  };
  if (s.stop.length > 0) sampling_params.stop = s.stop;
  return {
    ...(req.input_ids ? { input_ids: req.input_ids } : { text: req.text }),
    sampling_params,
    return_logprob: true,
  };
}

export function createSglangModel(opts: SglangOptions): TextModel {
  return {
    mode: "text",
    kind: "sglang",
    async complete(req: CompletionRequest): Promise<ModelResult<CompletionOutput>> {
      const target: HttpTarget = {
        url: endpointUrl(opts.url, "/generate"),
        apiKey: opts.apiKey,
        timeoutMs: opts.timeoutMs,
        signal: req.signal,
      };
      const res = await postJson(target, buildSglangPayload(req));
      if (!res.ok) return res;
      const parsed = sglangGenerateResponseSchema.safeParse(res.value);
      if (!parsed.success) return { ok: false, error: malformed(target, z.prettifyError(parsed.error)) };
      const { text, meta_info } = parsed.data;
      req.onDelta?.(text);
      const items = meta_info.output_token_logprobs;
      return {
        ok: true,
        value: {
          text,
          finish_reason: meta_info.finish_reason.type,
          ...(items
            ? { token_ids: items.map((i) => i[1]), logprobs: items.map((i) => i[0] ?? 0) }
            : {}),
          ...(meta_info.completion_tokens !== undefined ? { completion_tokens: meta_info.completion_tokens } : {}),
        },
      };
    },
  };
}
