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
