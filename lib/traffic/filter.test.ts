import { describe, expect, it } from "vitest";
import { matchesTrafficFilter, parseTrafficFilter, toTrafficRow, trafficFilterParams } from "./filter";
import type { TrafficRecord } from "./types";

const rec = (over: Partial<TrafficRecord> = {}): TrafficRecord => ({
  id: "abc",
  time: 0,
  client: "10.1.2.3",
  user_agent: "python-requests/2.31",
  api: "sandbox-fusion",
  route: "/sandbox-fusion/run_code",
  method: "POST",
  http_status: 200,
  language: "python",
  code: "print('Needle')",
  stdin: "",
  outcome: "success",
  status: "Success",
  stdout: "ok\n",
  queue_ms: 100,
  run_ms: 1900,
  ...over,
});

describe("traffic filters", () => {
  it("round-trip through the URL and drop junk", () => {
    const f = parseTrafficFilter(new URLSearchParams("status=failed,timeout,bogus&language=python&client=10.1&slow=1000&errors=1&q=Needle"));
    expect(f).toEqual({ status: ["failed", "timeout"], language: "python", client: "10.1", slow: 1000, errors: true, q: "Needle" });
    expect(parseTrafficFilter(trafficFilterParams(f))).toEqual(f);
    expect(parseTrafficFilter({ slow: "-5", errors: "yes" })).toEqual({ status: [], errors: false });
  });

  it("match on each field", () => {
    const r = rec();
    expect(matchesTrafficFilter(r, { status: [], errors: false })).toBe(true);
    expect(matchesTrafficFilter(r, { status: ["failed"], errors: false })).toBe(false);
    expect(matchesTrafficFilter(r, { status: [], errors: true })).toBe(false);
    expect(matchesTrafficFilter(rec({ outcome: "timeout" }), { status: [], errors: true })).toBe(true);
    expect(matchesTrafficFilter(r, { status: [], errors: false, language: "PYTHON" })).toBe(true);
    expect(matchesTrafficFilter(r, { status: [], errors: false, language: "bash" })).toBe(false);
    expect(matchesTrafficFilter(r, { status: [], errors: false, client: "requests" })).toBe(true);
    expect(matchesTrafficFilter(r, { status: [], errors: false, client: "aiohttp" })).toBe(false);
    expect(matchesTrafficFilter(r, { status: [], errors: false, slow: 2000 })).toBe(true);
    expect(matchesTrafficFilter(r, { status: [], errors: false, slow: 2001 })).toBe(false);
    expect(matchesTrafficFilter(r, { status: [], errors: false, q: "needle" })).toBe(true);
    expect(matchesTrafficFilter(rec({ code: "x", stderr: "Traceback: NEEDLE" }), { status: [], errors: false, q: "needle" })).toBe(true);
    expect(matchesTrafficFilter(r, { status: [], errors: false, q: "haystack" })).toBe(false);
  });

  it("rows carry short heads of big fields", () => {
    const row = toTrafficRow(rec({ code: "x".repeat(2_000_000), stdout: "", stderr: "e".repeat(500) }));
    expect(row.code_head.length).toBe(161);
    expect(row.out_head.startsWith("eee")).toBe(true);
    expect(JSON.stringify(row).length).toBeLessThan(1000);
  });
});
