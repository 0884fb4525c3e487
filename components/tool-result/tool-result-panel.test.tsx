import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { toolStatus, type ToolResult } from "@/lib/sandbox/types";
import { ToolResultPanel } from "./tool-result-panel";

const base: ToolResult = { tool_name: "python_executor", status: "success", output: "", duration_ms: 12 };
const html = (r: ToolResult | null, running = false) => renderToStaticMarkup(<ToolResultPanel result={r} running={running} />);

describe("ToolResultPanel", () => {
  it.each(toolStatus)("shows a badge for status %s", (status) => {
    expect(html({ ...base, status })).toContain(`data-status="${status}"`);
  });

  it("shows duration, exit code, stdout and stderr, and the error", () => {
    const out = html({
      ...base,
      status: "error",
      output: "hi\nboom",
      stdout: "hi\n",
      stderr: "boom",
      exit_code: 3,
      error: "Exited with code 3",
    });
    expect(out).toContain('data-testid="tool-duration">12 ms<');
    expect(out).toContain('data-testid="tool-exit-code"');
    expect(out).toMatch(/data-testid="tool-stdout"[^>]*>hi\n</);
    expect(out).toMatch(/data-testid="tool-stderr"[^>]*>boom</);
    expect(out).toContain("Exited with code 3");
    // output is just the two streams joined: not shown a second time
    expect(out).not.toContain('data-testid="tool-output"');
  });

  it("never shows 'error' beside 'exit code 0': it says what failed", () => {
    const out = html({ ...base, tool_name: "code_interpreter", status: "error", output: "", exit_code: 0, error: "Output limit exceeded: more than 8 MiB were written\nmore" });
    expect(out).not.toContain('data-testid="tool-exit-code"');
    expect(out).toContain('data-testid="tool-error-why"');
    expect(out).toContain("the process exited 0, but output limit exceeded: more than 8 MiB were written");
    expect(html({ ...base, status: "error", exit_code: 2, error: "x" })).toContain('data-testid="tool-exit-code"');
  });

  it("shows output when it says something the streams do not (code_interpreter)", () => {
    const out = html({ ...base, tool_name: "code_interpreter", output: "Output:\n1\n", stdout: "1\n", stderr: "" });
    expect(out).toContain('data-testid="tool-output"');
  });

  it("marks truncated and unisolated runs, and lists notices", () => {
    const out = html({ ...base, output: "x", stdout: "x", truncated: true, isolated: false, notices: ["no bwrap"] });
    expect(out).toContain('data-testid="tool-truncated"');
    expect(out).toContain('data-testid="tool-not-isolated"');
    expect(out).toContain("no bwrap");
    const clean = html({ ...base, output: "x", stdout: "x", isolated: true });
    expect(clean).not.toContain("tool-truncated");
    expect(clean).not.toContain("tool-not-isolated");
  });

  it("names the isolation level the run had", () => {
    expect(html({ ...base, output: "x", stdout: "x", isolated: true, isolation: "docker · gVisor" })).toMatch(/data-testid="tool-isolation"[^>]*>docker · gVisor</);
    expect(html({ ...base, output: "x", stdout: "x" })).not.toContain("tool-isolation");
  });

  it("renders images as data URLs and rich HTML in a script-less sandboxed frame", () => {
    const out = html({ ...base, images: [{ mime: "image/png", data: "iVBORw0KGgo=" }], html: ["<b>hi</b><script>x()</script>"] });
    expect(out).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    expect(out).toMatch(/<iframe sandbox=""/);
    expect(out).not.toContain("<script>x()</script>");
  });

  it("shows a run in flight", () => {
    expect(html(null, true)).toContain('data-testid="tool-running"');
    expect(html(null, false)).not.toContain('data-testid="tool-running"');
  });

  it("does not say No output above a plot", () => {
    const plot = html({ ...base, tool_name: "notebook_executor", images: [{ mime: "image/png", data: "iVBOR" }] });
    expect(plot).toContain('data-testid="tool-images"');
    expect(plot).not.toContain('data-testid="tool-no-output"');
    expect(html({ ...base })).toContain('data-testid="tool-no-output"');
  });

  it("ends a cut stream with a line saying how much was dropped and the limit", () => {
    const out = html({
      ...base,
      stdout: "x".repeat(100),
      output: "x".repeat(100),
      truncated: true,
      output_bytes: { limit: 1024 * 1024, stdout: 3 * 1024 * 1024, stderr: 0 },
    });
    expect(out).toMatch(/data-testid="tool-truncation-note"[^>]*>… output cut here: 2.0 MiB dropped \(3,145,728 bytes written; the limit is 1.0 MiB per stream\)/);
  });
});
