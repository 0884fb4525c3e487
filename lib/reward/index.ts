// Reward dispatcher: slime's rm_hub `async_rm` plus the ReTool example's `reward_func`.
// Each type reproduces slime's verdict; a case where slime raises returns {error} (never throws).
import { appError } from "@/lib/errors";
import { err, ok, type Result } from "@/lib/result";
import { z } from "zod";
import { PyError, pyStrip } from "@/lib/pycompat/str";
import { f1Score } from "./f1";
import { traceDapo } from "./math-dapo";
import { extractAnswer, gradeAnswerVerl } from "./math-utils";
import { deepscalerReward } from "./deepscaler";
import { remoteRm, type RemoteRmOptions } from "./remote-rm";
import { shapeRetoolScore } from "./retool-shaping";

export { lenientCheck, type LenientVerdict } from "./lenient";
export { rewardView, type RewardView } from "./view";
export { shapeRetoolScore } from "./retool-shaping";

export const BASE_REWARD_TYPES = ["retool", "dapo", "math", "deepscaler", "f1", "remote_rm"] as const;
export type BaseRewardType = (typeof BASE_REWARD_TYPES)[number];
/** A base type, or `boxed_<type>` (score only the content of the last \boxed{} of the response). */
export type RewardType = BaseRewardType | `boxed_${BaseRewardType}`;
export const rewardTypeSchema = z
  .string()
  .refine((s) => isRewardType(s), { message: "unknown reward type" }) as unknown as z.ZodType<RewardType>;

export function isRewardType(s: string): s is RewardType {
  if (s === "retool") return true;
  const base = s.startsWith("boxed_") ? s.slice("boxed_".length) : s;
  return base !== "retool" && (BASE_REWARD_TYPES as readonly string[]).includes(base);
}

/** slime's labels are strings; numbers are accepted where slime's code would accept them. */
export const rewardInputSchema = z.object({
  prompt: z.string().nullish(),
  response: z.string(),
  label: z.union([z.string(), z.number(), z.null()]).optional(),
  tool_call_count: z.number().optional(),
  metadata: z.unknown().optional(),
});
export type RewardInput = z.infer<typeof rewardInputSchema>;

export interface RewardResult {
  score: number;
  acc?: boolean;
  pred?: string;
}
/** slime's value or the exception slime would have raised. */
export type RewardOutcome = Result<RewardResult>;

export interface RewardOptions {
  rmUrl?: string;
  signal?: AbortSignal;
  /** Overrides for remote_rm retries (tests use a short backoff). */
  remote?: Omit<RemoteRmOptions, "url" | "signal">;
}

/**
 * Computes slime's reward. Throws only for programming errors; slime's exceptions come back as
 * an error value (`unprocessable:reward` with slime's exception text as the message). `metadata.rm_type`, when set, overrides `type` as in slime's async_rm
 * (not for `retool`, which slime runs as a custom reward function).
 */
export async function computeReward(
  type: RewardType | string,
  input: RewardInput,
  opts: RewardOptions = {},
): Promise<RewardOutcome> {
  try {
    const r = await computeRewardRaw(type, input, opts);
    return ok(r);
  } catch (e) {
    if (opts.signal?.aborted) return err(appError("unavailable:reward", "aborted"));
    return err(appError("unprocessable:reward", e instanceof Error ? e.message : String(e)));
  }
}

/** The ReTool reward_func: strict box over prompt + response, nudged by the tool-call count. */
export function retoolReward(input: { prompt?: string | null; response: string; label?: unknown; tool_call_count?: number }): {
  score: number;
  acc: boolean;
  pred: string;
} {
  const solution = (input.prompt ?? "") + input.response;
  const gt = input.label === null || input.label === undefined ? "" : input.label;
  const numTurns = input.tool_call_count ?? 0;
  const r = traceDapo(solution, gt, true);
  const score = r.score < 0 ? shapeRetoolScore(r.score, numTurns).score : r.score;
  return { score, acc: r.acc, pred: r.pred ?? "" };
}

async function computeRewardRaw(type: string, input: RewardInput, opts: RewardOptions): Promise<RewardResult> {
  if (type === "retool") return retoolReward(input);

  const metadata = isDict(input.metadata) ? input.metadata : {};
  const metaType = metadata.rm_type;
  let rmType: string;
  if (metaType !== undefined && metaType !== null && metaType !== "" && metaType !== 0 && metaType !== false) {
    if (typeof metaType !== "string") throw new PyError("AttributeError", `'${typeof metaType}' object has no attribute 'strip'`);
    rmType = pyStrip(metaType);
  } else {
    rmType = pyStrip(type ?? "");
  }
  let response = input.response;
  const label = input.label;
  if (rmType.startsWith("boxed_")) {
    response = extractAnswer(response) || "";
    rmType = rmType.slice("boxed_".length);
  }
  switch (rmType) {
    case "remote_rm": {
      if (!opts.rmUrl) throw new PyError("ValueError", "remote_rm needs --rm-url");
      // slime posts the sample itself: the full response even for boxed_remote_rm.
      const body = await remoteRm(
        { prompt: input.prompt ?? null, response: input.response, label: label ?? null },
        { url: opts.rmUrl, ...(opts.signal ? { signal: opts.signal } : {}), ...opts.remote },
      );
      return remoteResult(body);
    }
    case "deepscaler":
      return { score: deepscalerReward(response, label) };
    case "dapo": {
      const r = traceDapo(response, label ?? null, false);
      return { score: r.score, acc: r.acc, ...(r.pred !== null ? { pred: r.pred } : {}) };
    }
    case "math":
      return { score: gradeAnswerVerl(response, label) ? 1 : 0 };
    case "f1":
      return { score: f1Score(response, label)[0] };
    case "":
      throw new PyError("NotImplementedError", "Rule-based RM type is not specified.");
    default:
      throw new PyError("NotImplementedError", `Rule-based RM for ${rmType} is not implemented.`);
  }
}

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** slime returns the server's JSON as is; we accept a number or an object with a numeric score. */
function remoteResult(body: unknown): RewardResult {
  if (typeof body === "number") return { score: body };
  if (typeof body === "boolean") return { score: body ? 1 : 0 };
  if (isDict(body) && typeof body.score === "number") {
    return {
      score: body.score,
      ...(typeof body.acc === "boolean" ? { acc: body.acc } : {}),
      ...(typeof body.pred === "string" ? { pred: body.pred } : {}),
    };
  }
  throw new Error(`remote_rm: reply is not a number or {score}: ${JSON.stringify(body).slice(0, 200)}`);
}
