import Link from "next/link";
import { SampleCall } from "./sample-call";

interface Area {
  id: string;
  title: string;
  href: string;
  what: string;
  sample: React.ReactNode;
}

/** The five areas, each with one sentence on what it is for and a sample that runs without setup. */
export function HomeAreas({ chatSample }: { chatSample: string }) {
  const areas: Area[] = [
    {
      id: "chat",
      title: "Chat",
      href: "/chat",
      what: "Run one rollout the way slime does: prompt, chat template, model turns, sandboxed tool calls and the reward, with the tokens the trainer would see.",
      sample: (
        <Link prefetch={false} href={`/chat?sample=${chatSample}`} data-testid="home-sample-chat" className="text-indigo-700 underline">
          Replay a shipped ReTool trajectory (no model server needed)
        </Link>
      ),
    },
    {
      id: "editor",
      title: "Editor",
      href: "/editor",
      what: "Write and run code in the same sandboxes the rollouts use (Python, shell, other languages, a Jupyter notebook), with the session's files beside it.",
      sample: (
        <Link prefetch={false} href="/editor?new=1&tool=notebook" data-testid="home-sample-editor" className="text-indigo-700 underline">
          Open a notebook with two starter cells
        </Link>
      ),
    },
    {
      id: "inspect",
      title: "Inspect",
      href: "/inspect",
      what: "Read rollout dumps and datasets as they are: slime .pt dumps, verl step folders, JSONL and Parquet; groups, advantages, token masks, logprob drift, re-execution.",
      sample: (
        <form method="post" action="/api/samples/inspect">
          <button type="submit" data-testid="home-sample-inspect" className="text-indigo-700 underline">
            Open the shipped sample problems as a dataset
          </button>
        </form>
      ),
    },
    {
      id: "traffic",
      title: "Traffic",
      href: "/traffic",
      what: "Every call other systems make to this server's sandbox APIs (SandboxFusion, ms-enclave, E2B, the agent proxy): who called, what ran, how long it took, what came back.",
      sample: <SampleCall />,
    },
    {
      id: "agents",
      title: "Agents",
      href: "/agents",
      what: "Point an agent framework at the agent proxy (/agent/v1, OpenAI or Anthropic wire): each session's turns and message tree, live, and the slime Samples it turns into.",
      sample: (
        <span className="text-zinc-600">
          Base URL for an OpenAI client: <code data-testid="home-agent-base" className="rounded bg-zinc-100 px-1 font-mono">/agent/v1</code> on this server
        </span>
      ),
    },
  ];
  return (
    <div data-testid="home" className="mx-auto flex w-full max-w-5xl flex-col gap-4 p-6">
      <div>
        <h1 className="text-xl font-semibold tracking-tight">Rollout Playground</h1>
        <p className="text-sm text-zinc-600">
          Try, debug and show the rollouts of RL training with tools: one run at a time, a whole dump, or the calls a trainer makes.
        </p>
      </div>
      <ul className="grid gap-3 md:grid-cols-2">
        {areas.map((a) => (
          <li key={a.id} data-testid={`home-area-${a.id}`} className="flex min-w-0 flex-col gap-2 rounded-lg border border-zinc-200 bg-white p-4">
            <h2 className="text-base font-semibold">
              <Link prefetch={false} href={a.href} data-testid={`home-open-${a.id}`} className="hover:underline">
                {a.title}
              </Link>
            </h2>
            <p className="text-sm text-zinc-700">{a.what}</p>
            <div className="mt-auto text-sm">
              <span className="mr-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">Sample</span>
              {a.sample}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
