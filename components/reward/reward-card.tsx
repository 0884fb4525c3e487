import type { RewardRecord } from "@/lib/rollout/transcript";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { explainRetoolScore } from "./shaping";

function formatScore(s: number): string {
  return Number.isInteger(s) ? s.toFixed(1) : String(Math.round(s * 1e6) / 1e6);
}

/** Final reward: slime's verdict, the lenient check beside it (never mixed), and the reward's view. */
export function RewardCard({
  reward,
  label,
  compareTo,
  toolCallCount,
}: {
  reward: RewardRecord;
  label: string;
  compareTo?: RewardRecord | null;
  /** The tool-call count the reward was given (ReTool shapes a wrong answer's score by it). */
  toolCallCount?: number;
}) {
  const slimeCorrect = reward.acc ?? (reward.score !== null ? reward.score > 0 : null);
  const shaping = explainRetoolScore(reward.type, reward.score, toolCallCount);
  return (
    <section data-testid="reward-card" className="flex flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-3">
      <header className="flex flex-wrap items-baseline gap-x-4 gap-y-1">
        <h3 className="text-sm font-semibold text-zinc-900">Reward</h3>
        <span className="font-mono text-xs text-zinc-500" data-testid="reward-type">
          {reward.type}
        </span>
        {compareTo && (
          <span className="text-xs text-zinc-500" data-testid="reward-compare">
            original run: {compareTo.score === null ? "no score" : formatScore(compareTo.score)}
          </span>
        )}
      </header>

      {reward.error ? (
        <p data-testid="reward-error" className="text-sm text-red-700">
          slime would raise here, so there is no score: {reward.error}
        </p>
      ) : (
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-zinc-500">score</dt>
          <dd data-testid="reward-score" className="font-mono text-lg font-semibold">
            {reward.score === null ? "—" : formatScore(reward.score)}
          </dd>
          {shaping && (
            <>
              <dt className="text-zinc-500">shaped</dt>
              <dd data-testid="reward-shaping" className="text-xs text-zinc-700">
                <span className="font-mono" data-testid="reward-shaping-formula">
                  {shaping.formula}
                </span>
                <span className="block text-zinc-500">{shaping.why}</span>
              </dd>
            </>
          )}
          {reward.acc !== undefined && (
            <>
              <dt className="text-zinc-500">acc</dt>
              <dd data-testid="reward-acc" className="font-mono">
                {String(reward.acc)}
              </dd>
            </>
          )}
          {reward.pred !== undefined && (
            <>
              <dt className="text-zinc-500">pred</dt>
              <dd data-testid="reward-pred" className="font-mono">
                {reward.pred === "" ? <span className="text-zinc-400">(empty)</span> : reward.pred}
              </dd>
            </>
          )}
          <dt className="text-zinc-500">label</dt>
          <dd className="font-mono" data-testid="reward-label">
            {label === "" ? <span className="text-zinc-400">(none)</span> : label}
          </dd>
        </dl>
      )}

      <div className="grid gap-2 sm:grid-cols-2">
        <div className="rounded-md border border-zinc-200 p-2" data-testid="reward-slime-verdict">
          <div className="mb-1 text-xs font-medium uppercase tracking-wide text-zinc-500">slime verdict (what training sees)</div>
          {slimeCorrect === null ? (
            <Badge tone="zinc">no verdict</Badge>
          ) : (
            <Badge tone={slimeCorrect ? "green" : "red"}>{slimeCorrect ? "correct" : "incorrect"}</Badge>
          )}
        </div>
        {reward.lenient && (
          <div className="rounded-md border border-dashed border-zinc-300 p-2" data-testid="reward-lenient">
            <div className="mb-1 text-xs font-medium uppercase tracking-wide text-zinc-500">lenient check (not slime)</div>
            <Badge tone={reward.lenient.equivalent ? "green" : "amber"} data-testid="reward-lenient-verdict">
              {reward.lenient.equivalent ? "equivalent" : "not equivalent"}
            </Badge>
            <p className="mt-1 text-xs text-zinc-600">
              {reward.lenient.pred !== null && (
                <>
                  judged <span className="font-mono">{reward.lenient.pred}</span> ·{" "}
                </>
              )}
              {reward.lenient.reason}
            </p>
          </div>
        )}
      </div>

      {reward.view && <RewardView view={reward.view} />}
    </section>
  );
}

function RewardView({ view }: { view: NonNullable<RewardRecord["view"]> }) {
  const { text, span } = view;
  return (
    <details open className="text-sm" data-testid="reward-view">
      <summary className="cursor-pointer text-xs font-medium text-zinc-600">
        The reward&apos;s view: {view.description}
      </summary>
      <pre className="mt-1 max-h-60 overflow-auto whitespace-pre-wrap break-words rounded bg-zinc-50 p-2 font-mono text-xs ring-1 ring-zinc-200">
        {span ? (
          <>
            {text.slice(0, span.start)}
            <mark data-testid="reward-view-highlight" className={cn("rounded bg-yellow-200 px-0.5")}>
              {text.slice(span.start, span.end)}
            </mark>
            {text.slice(span.end)}
          </>
        ) : (
          text
        )}
      </pre>
      {!span && <p className="mt-1 text-xs text-amber-800" data-testid="reward-view-nobox">No answer box found in this text.</p>}
    </details>
  );
}
