import Link from "next/link";
import { serverEnv } from "@/lib/env";
import { safeNextPath } from "@/lib/auth/token";

export const dynamic = "force-dynamic";

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const next = safeNextPath(typeof params.next === "string" ? params.next : null);
  const failed = params.error === "1";
  const hasToken = Boolean(serverEnv().PLAYGROUND_TOKEN);

  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      {hasToken ? (
        <form
          method="post"
          action="/api/login"
          data-testid="login-form"
          className="flex w-80 flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-6"
        >
          <h1 className="text-lg font-semibold">Rollout Playground</h1>
          <p className="text-sm text-zinc-600">
            This server runs code. Enter the access token it was started with (
            <code className="font-mono">PLAYGROUND_TOKEN</code>).
          </p>
          {failed && (
            <p data-testid="login-error" className="text-sm text-red-700">
              That token is not right.
            </p>
          )}
          <input
            type="password"
            name="token"
            required
            autoFocus
            autoComplete="current-password"
            placeholder="Access token"
            data-testid="login-token"
            className="rounded-md border border-zinc-300 px-2 py-1.5"
          />
          <input type="hidden" name="next" value={next} />
          <button
            type="submit"
            data-testid="login-submit"
            className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-500"
          >
            Sign in
          </button>
        </form>
      ) : (
        <div className="flex w-80 flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-6 text-sm">
          <h1 className="text-lg font-semibold">No sign-in needed</h1>
          <p className="text-zinc-600">
            This server has no <code className="font-mono">PLAYGROUND_TOKEN</code> and only listens on
            localhost.
          </p>
          <Link href={next} className="text-indigo-700 underline">
            Continue
          </Link>
        </div>
      )}
    </main>
  );
}
