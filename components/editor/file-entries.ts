import { z } from "zod";
import type { FileEntry, ToolResult } from "@/lib/sandbox/types";

const fileEntrySchema = z.object({
  name: z.string(),
  type: z.enum(["file", "dir", "symlink", "other"]),
  size: z.number(),
});
const listMetaSchema = z.object({ entries: z.array(fileEntrySchema) });

/** The entries of a file_operation `list` result (meta.entries), directories first, then by name. */
export function fileEntriesFrom(result: ToolResult): FileEntry[] {
  const parsed = listMetaSchema.safeParse(result.meta);
  if (!parsed.success) return [];
  return [...parsed.data.entries].sort((a, b) => {
    if ((a.type === "dir") !== (b.type === "dir")) return a.type === "dir" ? -1 : 1;
    return a.name.localeCompare(b.name);
  });
}

// What compilers, interpreters and the Code mode leave behind (multi_code_executor compiles
// main.c to `main`, javac writes Main.class, Python writes __pycache__, go keeps its cache).
const leftoverNames = new Set(["main", "a.out", "__pycache__", ".gocache", ".cache", ".ipython", ".local", ".config", ".jupyter", ".npm", "target"]);
const leftoverExt = /\.(o|obj|class|pyc|pyo|so|out|exe)$/i;

/** A build or cache leftover, hidden from the file list unless asked for. */
export function isBuildLeftover(entry: FileEntry): boolean {
  return leftoverNames.has(entry.name) || leftoverExt.test(entry.name);
}
