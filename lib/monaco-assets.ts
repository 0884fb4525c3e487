import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";

// Monaco loads as a chain: loader.js, then editor/editor.main.js, then the modules that one names,
// then theirs (about 1.3 MB of script), each level only once the one before has run. The Traffic
// page prefetches them all while a call that can open in the Editor is shown, so Open in Editor's
// new tab finds them in the cache. (Not preloaded on the Editor page itself: there they would
// compete with the page's own chunks for a loaded machine's CPU before it is interactive.) Found by
// following the define() lists from editor.main in public/monaco (scripts/copy-monaco.mjs), once;
// an empty list if that is missing (hints are only hints).

const BASE = "/monaco/vs";
const ROOT = path.join(process.cwd(), "public/monaco/vs");
let cached: { scripts: string[]; styles: string[] } | undefined;

/** The files a module names in its define([...]) list, as paths under vs/. */
function depsOf(file: string): string[] {
  const head = readFileSync(path.join(ROOT, file), "utf8").slice(0, 4096);
  const list = head.match(/^define\("[^"]+",\s*\[([^\]]*)\]/)?.[1] ?? "";
  const dir = path.posix.dirname(file);
  return [...list.matchAll(/"(\.{1,2}\/[\w./-]+)"/g)].map((m) => `${path.posix.join(dir, m[1]!)}.js`);
}

export function monacoAssets(): { scripts: string[]; styles: string[] } {
  if (cached) return cached;
  try {
    const seen = new Set<string>(["editor/editor.main.js"]);
    const queue = ["editor/editor.main.js"];
    while (queue.length && seen.size < 64) {
      for (const d of depsOf(queue.shift()!)) if (!seen.has(d)) seen.add(d), queue.push(d);
    }
    cached = { scripts: [`${BASE}/loader.js`, ...[...seen].map((f) => `${BASE}/${f}`)], styles: [`${BASE}/editor/editor.main.css`] };
  } catch {
    cached = { scripts: [], styles: [] };
  }
  return cached;
}
