import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration } from "./format";

describe("formatDuration", () => {
  it("uses ms below a second, seconds below a minute, then minutes", () => {
    expect(formatDuration(12.4)).toBe("12 ms");
    expect(formatDuration(2412)).toBe("2.41 s");
    expect(formatDuration(63_000)).toBe("1 min 3 s");
  });
  it("shows a dash for nonsense", () => {
    expect(formatDuration(-1)).toBe("—");
    expect(formatDuration(Number.NaN)).toBe("—");
  });
});

describe("formatBytes", () => {
  it("formats bytes", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(3 * 1024 * 1024)).toBe("3.0 MiB");
  });
});
