import Link from "next/link";

/** A Chat run on the agent proxy: its agent session on the Agents page (turns, tree, what is trained). */
export function AgentSessionLink({ sid }: { sid: string }) {
  return (
    <Link
      href={`/agents?sid=${encodeURIComponent(sid)}`}
      className="text-sm text-blue-700 underline"
      data-testid="run-agent-session"
      data-sid={sid}
      title="The turns as the agent proxy recorded them, and the Samples slime would train on"
    >
      agent session {sid}
    </Link>
  );
}
