import { describe, expect, it } from "vitest";
import { fileEntriesFrom, isBuildLeftover } from "./file-entries";

const base = { tool_name: "file_operation", status: "success" as const, output: "", duration_ms: 1 };

describe("fileEntriesFrom", () => {
  it("reads meta.entries, directories first, then by name", () => {
    const entries = fileEntriesFrom({
      ...base,
      meta: {
        entries: [
          { name: "b.py", type: "file", size: 3 },
          { name: "data", type: "dir", size: 0 },
          { name: "a.txt", type: "file", size: 1 },
        ],
      },
    });
    expect(entries.map((e) => e.name)).toEqual(["data", "a.txt", "b.py"]);
  });

  it("gives an empty list for a result without valid entries", () => {
    expect(fileEntriesFrom({ ...base })).toEqual([]);
    expect(fileEntriesFrom({ ...base, meta: { entries: [{ name: 1 }] } })).toEqual([]);
  });
});

describe("isBuildLeftover", () => {
  it("flags compiled binaries and caches, not sources", () => {
    const f = (name: string, type: "file" | "dir" = "file") => isBuildLeftover({ name, type, size: 1 });
    expect(["main", "a.out", "Main.class", "x.o", "mod.pyc"].map((n) => f(n))).toEqual([true, true, true, true, true]);
    expect(f("__pycache__", "dir")).toBe(true);
    expect(["main.c", "notes.py", "Main.java", "data.csv", "mainframe"].map((n) => f(n))).toEqual([false, false, false, false, false]);
  });
});
