import { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";
import { resetServerEnvForTests } from "@/lib/env";
import { readErrorEnvelope } from "@/lib/errors";
import { POST } from "./route";

function login(body: unknown) {
  return POST(
    new NextRequest("http://127.0.0.1:3000/api/login", {
      method: "POST",
      headers: { host: "127.0.0.1:3000", "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
}

afterEach(() => {
  delete process.env.PLAYGROUND_TOKEN;
  resetServerEnvForTests();
});

describe("POST /api/login (JSON callers)", () => {
  it("answers a wrong token with 401 in the one error envelope", async () => {
    process.env.PLAYGROUND_TOKEN = "unit-test-token-123";
    resetServerEnvForTests();
    const res = await login({ token: "nope" });
    expect(res.status).toBe(401);
    expect(await readErrorEnvelope(res)).toEqual({ code: "unauthorized:token", message: "Wrong token." });
    const good = await login({ token: "unit-test-token-123" });
    expect(good.status).toBe(200);
    expect(good.headers.get("set-cookie")).toMatch(/^playground_session=/);
  });
});
