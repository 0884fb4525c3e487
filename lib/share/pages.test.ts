import { describe, expect, it } from "vitest";
import type { TrafficRecord } from "@/lib/traffic/types";
import { workspaceSchema } from "@/lib/workspace/schema";
import { editorHtml } from "./editor-html";
import { HEAD_CHARS } from "./html";
import { trafficHtml } from "./traffic-html";

// The read-only pages of an Editor session and a Traffic call: recorded text is text (never markup),
// long text is cut to a head with the rest behind "show all", and nothing on them can run.

const record: TrafficRecord = {
  id: "abc123",
  time: Date.UTC(2026, 11, 8, 0, 0, 0),
  client: "10.0.0.7",
  user_agent: "e2b-js-sdk/2.3.4",
  key_id: "3f2a1b9c",
  api: "sandbox-fusion",
  route: "/sandbox-fusion/run_code",
  method: "POST",
  http_status: 200,
  language: "python",
  code: 'print("<script>alert(1)</script>")',
  outcome: "success",
  status: "Success",
  stdout: "y".repeat(HEAD_CHARS + 5),
  queue_ms: 3,
  run_ms: 40,
};

describe("trafficHtml", () => {
  const html = trafficHtml({ record, generatedAt: "now", banner: "<b>read-only</b>" });
  it("escapes recorded text and has no script", () => {
    expect(html).toContain("print(&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;)");
    expect(html).toContain("&lt;b&gt;read-only&lt;/b&gt;");
    expect(html).not.toMatch(/<script|<form|<button|\son\w+=/i);
  });
  it("names the client by its SDK and key, and shows the timing", () => {
    expect(html).toContain("e2b-js/2.3.4");
    expect(html).toContain("3f2a1b9c");
    expect(html).toContain("43 ms");
  });
  it("cuts a long output to a head, the rest behind show all", () => {
    expect(html).toContain(`show all ${(HEAD_CHARS + 5).toLocaleString("en")} characters (5 more)`);
  });
});

describe("editorHtml", () => {
  const workspace = workspaceSchema.parse({
    tool: "python",
    scratch: { python: "print('<i>x</i>')" },
    result: { tool_name: "python_executor", status: "error", output: "", stdout: "<i>x</i>\n", stderr: "Traceback <module>", duration_ms: 12, exit_code: 1 },
    result_code: { code: "print('<i>old</i>')", tool: "python" },
  });
  const html = editorHtml({ sessionId: "sess12345", workspace, files: [{ name: "<a>.txt", type: "file", size: 3 }, { name: "data", type: "dir", size: 0 }], openFileText: null, generatedAt: "now" });
  it("shows the buffer, the code the last result came from, the result and the files, as text", () => {
    expect(html).toContain("print(&#39;&lt;i&gt;x&lt;/i&gt;&#39;)");
    expect(html).toContain("the code it ran (the buffer has changed since)");
    expect(html).toContain("print(&#39;&lt;i&gt;old&lt;/i&gt;&#39;)");
    expect(html).toContain('data-status="error"');
    expect(html).toContain("Traceback &lt;module&gt;");
    expect(html).toContain("&lt;a&gt;.txt");
    expect(html).toContain("data/");
    expect(html).not.toMatch(/<script|<form|<button|<textarea|<input/i);
  });
  it("says why files are missing when the sandbox is not live", () => {
    const off = editorHtml({ sessionId: "sess12345", workspace, files: "The session's sandbox is not running now.", openFileText: null, generatedAt: "now" });
    expect(off).toContain("The session&#39;s sandbox is not running now.");
  });
});
