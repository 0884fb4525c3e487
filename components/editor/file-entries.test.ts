import { describe, expect, it } from "vitest";
import { fileEntriesFrom } from "./file-entries";

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
