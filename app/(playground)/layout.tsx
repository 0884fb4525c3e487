import { Suspense, type ReactNode } from "react";
import Link from "next/link";
import { NavLinks } from "@/components/shell/nav-links";
import { BackendStatusBar } from "@/components/shell/backend-status-bar";
import { StatusBar } from "@/components/shell/status-bar";
import pkg from "@/package.json";
import { serverEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

export default function PlaygroundLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col">
      <header className="flex items-center gap-4 border-b border-zinc-200 bg-white px-4 py-2">
        <Link href="/" prefetch={false} className="text-sm font-semibold tracking-tight text-zinc-900">
          Rollout Playground
        </Link>
        <NavLinks />
        {serverEnv().PLAYGROUND_TOKEN && (
          <form method="post" action="/api/logout" className="ml-auto">
            <button type="submit" data-testid="sign-out" className="text-xs text-zinc-500 hover:text-zinc-900">
              Sign out
            </button>
          </form>
        )}
      </header>
      <main className="flex min-h-0 flex-1 flex-col">{children}</main>
      {/* A slow backend probe (e.g. a hung Docker daemon) must not hold the page. */}
      <Suspense fallback={<StatusBar backends={[]} version={pkg.version} pending />}>
        <BackendStatusBar />
      </Suspense>
    </div>
  );
}
