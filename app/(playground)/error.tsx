"use client";

import { Button } from "@/components/ui/button";

// Server errors reach the browser as a digest only (Next hides the message in
// production); the detail is in the server log under that digest.
export default function PlaygroundError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section data-testid="page-error" className="m-6 flex max-w-xl flex-col gap-3 rounded-lg border border-red-200 bg-red-50 p-4 text-sm">
      <h1 className="text-base font-semibold text-red-900">This page could not be shown</h1>
      <p className="text-red-900">
        Something failed on the server. Try again; if it keeps failing, the server log has the details
        {error.digest ? (
          <>
            {" "}
            under <code className="font-mono">{error.digest}</code>
          </>
        ) : null}
        .
      </p>
      <div>
        <Button variant="secondary" onClick={reset}>
          Try again
        </Button>
      </div>
    </section>
  );
}
