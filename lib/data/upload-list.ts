import "server-only";
import fs from "node:fs";
import path from "node:path";
import { uploadsDir } from "./paths";
import { uploadFile } from "./uploads";

// Uploaded files stay on the server (uploads/<id>/<name>); the picker lists them so a person
// can reopen one after closing it.

export interface UploadEntry {
  source: string;
  name: string;
  size: number;
  mtime_ms: number;
}

export async function listUploads(limit = 50): Promise<UploadEntry[]> {
  const root = uploadsDir();
  const ids = await fs.promises.readdir(root).catch(() => [] as string[]);
  const out: UploadEntry[] = [];
  for (const id of ids) {
    const file = await uploadFile(id);
    if (!file) continue;
    const st = await fs.promises.stat(file).catch(() => null);
    if (!st?.isFile() || st.size === 0) continue;
    const name = path.basename(file);
    out.push({ source: `upload:${id}/${name}`, name, size: st.size, mtime_ms: st.mtimeMs });
  }
  return out.sort((a, b) => b.mtime_ms - a.mtime_ms).slice(0, limit);
}
