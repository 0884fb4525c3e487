"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";

/** Copies text to the clipboard; where the browser refuses (no permission), selects it in a box instead. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * "Copy link": the address of what is on screen. Every view keeps its state in the URL, so the link
 * reproduces the view (for the owner, or anyone with the token). `href` defaults to the current URL.
 */
export function CopyLink({ href, testId = "copy-link", label = "Copy link", align = "right" }: { href?: () => string; testId?: string; label?: string; align?: "left" | "right" }) {
  const [shown, setShown] = useState<{ url: string; copied: boolean } | null>(null);
  const copy = async () => {
    const url = href ? new URL(href(), window.location.origin).toString() : window.location.href;
    setShown({ url, copied: await copyText(url) });
  };
  return (
    <span className="relative inline-flex items-center">
      <Button size="sm" className="whitespace-nowrap" data-testid={testId} onClick={() => void copy()} title="Copy the address of this view: it opens the same thing, tab and filters">
        {label}
      </Button>
      {shown && (
        <span
          data-testid={`${testId}-result`}
          data-url={shown.url}
          className={`absolute ${align === "left" ? "left-0" : "right-0"} top-full z-30 mt-1 flex w-80 flex-col gap-1 rounded-md border border-zinc-200 bg-white p-2 text-xs shadow-lg`}
        >
          <span className="text-zinc-600">{shown.copied ? "Copied:" : "Copy this address:"}</span>
          <input readOnly value={shown.url} onFocus={(e) => e.currentTarget.select()} className="w-full rounded border border-zinc-300 px-1 font-mono text-[11px]" />
          <button type="button" className="self-end text-zinc-500 underline decoration-dotted" onClick={() => setShown(null)}>
            close
          </button>
        </span>
      )}
    </span>
  );
}
