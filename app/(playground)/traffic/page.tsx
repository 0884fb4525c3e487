import { parseTrafficFilter } from "@/lib/traffic/filter";
import { TrafficApp } from "@/components/traffic/traffic-app";
import { monacoAssets } from "@/lib/monaco-assets";

// Every call a training job makes to /sandbox-fusion and /ms-enclave, live.

export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function TrafficPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const call = typeof params.call === "string" && /^[a-z0-9]{1,32}$/.test(params.call) ? params.call : null;
  const monaco = monacoAssets();
  return <TrafficApp initialFilter={parseTrafficFilter(params)} initialCall={call} editorAssets={[...monaco.scripts, ...monaco.styles]} />;
}
