// `npm start`: runs `next start` on PLAYGROUND_HOST:PORT (default 127.0.0.1:3000).
// This app executes arbitrary code, so it refuses to listen on anything but
// loopback unless PLAYGROUND_TOKEN is set (the proxy then gates every request).
// Plain Node (runs before Next, cannot load lib/env.ts): it reads the same
// variables as lib/env.ts with the same defaults.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { isLoopbackAddress } from "../lib/auth/loopback.mjs";

const require = createRequire(import.meta.url);

const env = process.env;
const host = env.PLAYGROUND_HOST || "127.0.0.1";
const port = env.PORT || "3000";
const hasToken = Boolean(env.PLAYGROUND_TOKEN);

if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
  console.error(`rollout-playground: PORT must be a number from 1 to 65535 (got "${port}").`);
  process.exit(2);
}
if (!isLoopbackAddress(host) && !hasToken) {
  console.error(
    `rollout-playground: refusing to listen on ${host}: it is not a loopback address and PLAYGROUND_TOKEN is not set.\n` +
      `This server runs arbitrary code. Either keep the default PLAYGROUND_HOST=127.0.0.1, or set\n` +
      `PLAYGROUND_TOKEN to a long random secret (e.g. PLAYGROUND_TOKEN=$(openssl rand -hex 32)).`,
  );
  process.exit(1);
}

const nextBin = require.resolve("next/dist/bin/next");
// Idle keep-alive sockets live 65 s, not Node's 5 s: a client (undici, the E2B SDK) reuses a socket
// it believes open for up to the advertised timeout minus 1 s, so on a loaded machine a 5 s server
// timer closed sockets the client was already writing a POST on (EPIPE, "fetch failed").
const keepAliveMs = "65000";
const args = [nextBin, "start", "--hostname", host, "--port", port, "--keepAliveTimeout", keepAliveMs];

if (process.argv.includes("--print-command")) {
  // Used by tests: show what would run without starting a server.
  console.log(JSON.stringify({ host, port: Number(port), token: hasToken, argv: args.slice(1) }));
  process.exit(0);
}

const child = spawn(process.execPath, args, { stdio: "inherit", env });
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => child.kill(sig));
}
child.on("exit", (code, signal) => {
  process.exit(code ?? (signal ? 1 : 0));
});
