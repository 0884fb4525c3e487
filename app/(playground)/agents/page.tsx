import { AgentsApp } from "@/components/agents/agents-app";

// Agent sessions on the proxy (/agent/v1/*), live: turns, the message tree, the Samples slime trains on.

export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AgentsPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const sid = typeof params.sid === "string" && params.sid.length <= 2000 ? params.sid : null;
  return <AgentsApp initialSid={sid} />;
}
