import type { BackendAvailability } from "@/lib/sandbox/types";
import { cn } from "@/components/ui/cn";

type Look = "isolated" | "unisolated" | "unavailable";

const looks: Record<Look, { dot: string; label: string }> = {
  isolated: { dot: "bg-green-500", label: "isolated" },
  unisolated: { dot: "bg-amber-500", label: "not isolated" },
  unavailable: { dot: "bg-red-500", label: "unavailable" },
};

function lookOf(b: BackendAvailability): Look {
  if (!b.available) return "unavailable";
  return b.isolated ? "isolated" : "unisolated";
}

export function StatusBar({
  backends,
  version,
  error,
  pending = false,
}: {
  backends: BackendAvailability[];
  version: string;
  /** Set when the backends could not be asked at all. */
  error?: string;
  /** The backends are still being asked. */
  pending?: boolean;
}) {
  return (
    <footer
      data-testid="status-bar"
      className="flex flex-wrap items-center gap-x-4 gap-y-1 border-t border-zinc-200 bg-white px-4 py-1.5 text-xs text-zinc-600"
    >
      <span className="font-medium text-zinc-800">Sandboxes</span>
      {pending && <span data-testid="backend-status-pending">checking…</span>}
      {error && (
        <span data-testid="backend-status-error" className="text-red-700">
          {error}
        </span>
      )}
      {backends.map((b) => {
        const look = looks[lookOf(b)];
        return (
          <span
            key={b.backend}
            data-testid={`backend-status-${b.backend}`}
            data-available={b.available ? "true" : "false"}
            data-isolated={b.isolated ? "true" : "false"}
            title={b.reason ?? undefined}
            className="inline-flex items-center gap-1.5"
          >
            <span className={cn("h-2 w-2 rounded-full", look.dot)} aria-hidden />
            {/* The level when runs are possible: "local · bwrap", "docker · runc", "docker · gVisor". */}
            <span className="font-mono" data-testid={`backend-isolation-${b.backend}`}>
              {b.available && b.isolation ? b.isolation : b.backend}
            </span>
            <span>{look.label}</span>
            {b.reason && <span className="text-zinc-500">({b.reason})</span>}
          </span>
        );
      })}
      <span className="ml-auto" data-testid="app-version">
        rollout-playground v{version}
      </span>
    </footer>
  );
}
