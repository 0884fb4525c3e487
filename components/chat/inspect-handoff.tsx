"use client";

import { useEffect, useState } from "react";
import { openHandoff } from "@/app/(playground)/chat/actions";
import type { ChatHandoff } from "@/lib/data/chat-link";
import { readErrorEnvelope } from "@/lib/errors";

/** "Open in Chat" with a transcript too long for the URL: fetch it from Inspect's API, then open a session. */
export function InspectHandoff({ reference, file, prompt }: { reference: string; file: string; prompt: string }) {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const [id, row, turn] = reference.split(":");
    void (async () => {
      try {
        const res = await fetch(`/api/datasets/${encodeURIComponent(id ?? "")}/samples/${encodeURIComponent(row ?? "")}/chat?turn=${encodeURIComponent(turn ?? "0")}`);
        // Errors come as { error: { code, message } }: show the message, not just the status.
        if (!res.ok) throw new Error((await readErrorEnvelope(res)).message);
        const h = (await res.json()) as Partial<ChatHandoff>;
        const r = await openHandoff({
          prompt: h.prompt ?? prompt,
          label: h.label ?? null,
          system: h.system ?? null,
          prompt_text: h.prompt_text ?? null,
          assistant: h.assistant ?? null,
          turn: h.turn ?? null,
          source: file || "Inspect",
        });
        if (!r.ok) throw new Error(r.error.message);
        window.location.replace(`/chat?session=${r.value}`);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    })();
  }, [reference, file, prompt]);
  return (
    <p className="p-6 text-sm text-zinc-600" data-testid="chat-handoff">
      {error ? `Could not open the sample: ${error}` : "Opening the sample in Chat…"}
    </p>
  );
}
