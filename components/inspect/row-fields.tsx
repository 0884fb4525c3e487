import { cn } from "@/components/ui/cn";
import type { SortKey } from "@/lib/data/query";
import type { RowSummary } from "@/lib/data/types";
import { RewardValue } from "./reward-value";
import { verdictOf, verdictStyle } from "./verdict";

// The fields a sample's list row and its detail header both show, rendered from the row's one
// summary (RowStore.summary), so the two can never disagree: acc judged by the reward's sign,
// the group a prompt makes when the file has no group_index, a length counted in characters.

export interface RowField {
  key: SortKey;
  /** The list's column header. */
  label: string;
  /** The detail header's label, when longer than the column's. */
  detailLabel?: string;
  width: string;
  render: (r: RowSummary) => React.ReactNode;
}

export function fmtNum(v: number | null): string {
  if (v === null) return "—";
  return Number.isInteger(v) ? String(v) : v.toFixed(3);
}

const statusTone: Record<string, string> = {
  completed: "text-green-700",
  truncated: "text-amber-700",
  aborted: "text-red-700",
};

function accTitle(r: RowSummary): string {
  if (r.acc !== null) return `acc: ${r.acc} (recorded in the file)`;
  if (r.reward !== null) return `no acc in the file: judged by the reward's sign (${r.reward} ${r.reward > 0 ? "> 0" : "≤ 0"})`;
  return "not scored: no acc and no reward in the file";
}

export const stepField: RowField = { key: "step", label: "step", width: "w-12", render: (r) => r.step ?? "—" };

export const rowFields: RowField[] = [
  { key: "index", label: "index", width: "w-14", render: (r) => r.index ?? "—" },
  { key: "group", label: "group", width: "w-14", render: (r) => (r.group < 0 ? "—" : r.group) },
  { key: "status", label: "status", width: "w-20", render: (r) => <span className={statusTone[r.status ?? ""] ?? ""}>{r.status ?? "—"}</span> },
  {
    key: "reward",
    label: "reward",
    width: "w-16",
    render: (r) => (
      <span title={r.reward !== null && !Number.isInteger(r.reward) ? String(r.reward) : undefined}>
        <RewardValue reward={r.reward} special={r.reward_nonfinite} format={fmtNum} />
      </span>
    ),
  },
  {
    key: "acc",
    label: "acc",
    width: "w-10",
    render: (r) => {
      // The verdict (acc, else the reward's sign), never tool errors; a judged-by-reward mark is lighter.
      const v = verdictOf(r);
      return (
        <span data-testid="row-verdict" data-verdict={v} title={accTitle(r)} className={cn("font-semibold", verdictStyle[v].text, r.acc === null && "opacity-60")}>
          {v === "correct" ? "✓" : v === "incorrect" ? "✗" : "—"}
        </span>
      );
    },
  },
  { key: "tool_calls", label: "tools", detailLabel: "tool calls", width: "w-12", render: (r) => r.tool_calls ?? "—" },
  {
    key: "response_length",
    label: "resp len",
    width: "w-20",
    render: (r) =>
      r.response_length === null ? (
        "—"
      ) : (
        <span title={r.length_in_chars ? "characters (no token count in the file)" : "tokens"}>
          {r.response_length}
          {r.length_in_chars ? " ch" : ""}
        </span>
      ),
  },
];

/** Why a group number is what it is (the detail knows the file's group_index; the list does not). */
export function groupTitle(group: number, groupIndex: number | null): string {
  if (group < 0) return "not grouped: the row did not parse";
  if (groupIndex === null) return `group ${group}: the answers to the same prompt (the file has no group_index)`;
  return groupIndex === group ? `group_index ${groupIndex}` : `group ${group} in this dataset (the file's group_index is ${groupIndex})`;
}
