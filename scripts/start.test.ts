import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const script = path.join(__dirname, "start.mjs");

function start(env: Record<string, string>) {
  const base = { ...process.env };
  delete base.PLAYGROUND_TOKEN;
  delete base.PLAYGROUND_HOST;
  delete base.PORT;
  return spawnSync(process.execPath, [script, "--print-command"], {
    env: { ...base, ...env },
    encoding: "utf8",
  });
}

describe("scripts/start.mjs bind safety", () => {
  it("binds 127.0.0.1:3000 by default", () => {
    const r = start({});
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { host: string; port: number; argv: string[] };
    expect(out.host).toBe("127.0.0.1");
    expect(out.port).toBe(3000);
    expect(out.argv).toEqual(expect.arrayContaining(["start", "--hostname", "127.0.0.1", "--port", "3000"]));
    // Idle sockets outlive a loaded client's reuse window (no EPIPE on a reused socket).
    expect(out.argv.slice(out.argv.indexOf("--keepAliveTimeout") + 1)[0]).toBe("65000");
  });

  it.each(["0.0.0.0", "::", "10.1.2.3", "192.168.0.10", "example.com"])(
    "refuses %s without a token, with a message that says what to do",
    (host) => {
      const r = start({ PLAYGROUND_HOST: host });
      expect(r.status).not.toBe(0);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(`refusing to listen on ${host}`);
      expect(r.stderr).toContain("PLAYGROUND_TOKEN");
    },
  );

  it("allows any address once a token is set", () => {
    const r = start({ PLAYGROUND_HOST: "0.0.0.0", PLAYGROUND_TOKEN: "x".repeat(32), PORT: "3999" });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ host: "0.0.0.0", port: 3999, token: true });
  });

  it.each(["localhost", "::1", "127.0.0.2"])("allows loopback %s without a token", (host) => {
    expect(start({ PLAYGROUND_HOST: host }).status).toBe(0);
  });

  it("rejects a bad port", () => {
    const r = start({ PORT: "http" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("PORT");
  });
});
