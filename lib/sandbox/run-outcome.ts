import type { RunOutcome } from "./types";

/** A RunOutcome with no output: the base for refused, failed and cancelled runs. */
export function emptyOutcome(opts: {
  started?: number;
  isolated: boolean;
  notices?: string[];
  extra?: Partial<RunOutcome>;
}): RunOutcome {
  return {
    stdout: "",
    stderr: "",
    exit_code: null,
    timed_out: false,
    cancelled: false,
    stdout_truncated: false,
    stderr_truncated: false,
    duration_ms: opts.started === undefined ? 0 : Math.round((performance.now() - opts.started) * 10) / 10,
    isolated: opts.isolated,
    ...(opts.notices?.length ? { notices: opts.notices } : {}),
    ...opts.extra,
  };
}
