import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { appError } from "@/lib/errors";
import { err, unwrap } from "@/lib/result";
import { withInput } from "./route";

const params = (p: Record<string, string>) => ({ params: Promise.resolve(p) });

describe("withInput: the one route prologue", () => {
  const route = withInput({ params: z.object({ id: z.string().regex(/^\d+$/) }), body: z.object({ n: z.number() }) }, ({ params, body }) => ({ id: params.id, n: body.n }));
  const post = (body: string) => new Request("http://127.0.0.1/api/things/7", { method: "POST", body });

  it("passes parsed params and body to the handler and answers its value as JSON", async () => {
    const res = await route(post('{"n":2}'), params({ id: "7" }));
    expect(await res.json()).toEqual({ id: "7", n: 2 });
  });

  it("answers bad input as bad_request:<part> naming the field, in the one envelope", async () => {
    const badParam = await route(post('{"n":2}'), params({ id: "x" }));
    expect(badParam.status).toBe(400);
    expect((await badParam.json()).error).toMatchObject({ code: "bad_request:params", field: "id" });
    const notJson = await route(post("{"), params({ id: "7" }));
    expect((await notJson.json()).error).toMatchObject({ code: "bad_request:body" });
  });

  it("a failed Result unwrapped in a handler is answered with its own code and status", async () => {
    const r = withInput({}, () => unwrap(err(appError("not_found:thing", "No such thing."))));
    const res = await r(new Request("http://127.0.0.1/api/things"));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found:thing", message: "No such thing." } });
  });

  it("anything else thrown is logged and answered internal:<surface> without its message", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const r = withInput({}, () => {
      throw new Error("secret detail");
    });
    const res = await r(new Request("http://127.0.0.1/api/things/1"));
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.error.code).toBe("internal:things");
    expect(JSON.stringify(body)).not.toContain("secret detail");
    expect(log).toHaveBeenCalled();
    log.mockRestore();
  });
});
