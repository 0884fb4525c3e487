"use client";

import { useState } from "react";

const code = 'print("hello from a SandboxFusion client")';

/** Sends one SandboxFusion run_code call from this page, then opens Traffic to show it recorded. */
export function SampleCall() {
  const [state, setState] = useState<"idle" | "sending" | "failed">("idle");
  const send = async () => {
    setState("sending");
    const res = await fetch("/sandbox-fusion/run_code", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code, language: "python" }),
    }).catch(() => null);
    if (!res?.ok) return setState("failed");
    window.location.assign("/traffic");
  };
  return (
    <span className="flex min-w-0 max-w-full flex-col items-start gap-2">
      <button type="button" data-testid="home-sample-traffic" disabled={state === "sending"} onClick={() => void send()} className="text-indigo-700 underline disabled:text-zinc-400">
        {state === "sending" ? "Sending…" : "Send one run_code call and see it recorded"}
      </button>
      {state === "failed" && <span className="text-red-700">The call failed; Traffic shows why.</span>}
      <code className="block w-full truncate rounded bg-zinc-100 px-1 font-mono text-xs text-zinc-600" title="The same call from a shell">
        {`curl -s -X POST <this server>/sandbox-fusion/run_code -d '{"code": "print(1)", "language": "python"}'`}
      </code>
    </span>
  );
}
