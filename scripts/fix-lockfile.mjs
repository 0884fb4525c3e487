// Keeps `npm ci` working on a fresh machine. The lock records platform binaries
// (@next/swc-*, @tailwindcss/oxide-*) only for the platforms it was resolved on,
// but still lists the others as optionalDependencies edges; npm >= 11.6.2 `ci`
// then refuses the lock ("Missing: … from lock file"), and our registry mirror
// cannot fill them in. Dropping the dangling edges makes lock and tree agree.
// Run after `npm install <pkg>`: node scripts/fix-lockfile.mjs [--check]
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Dangling optional edges: "<package> -> <dep>" for every optionalDependency with no lock entry. */
export function danglingOptionalEdges(lock) {
  const pk = lock.packages ?? {};
  const out = [];
  for (const [key, entry] of Object.entries(pk)) {
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) {
      // Node resolution: nested under the package first, then up through each parent.
      let dir = key;
      let found = false;
      for (;;) {
        const candidate = (dir ? `${dir}/` : "") + `node_modules/${dep}`;
        if (pk[candidate]) {
          found = true;
          break;
        }
        if (!dir) break;
        const idx = dir.lastIndexOf("/node_modules/");
        dir = idx >= 0 ? dir.slice(0, idx) : "";
      }
      if (!found) out.push({ key, dep });
    }
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const file = path.join(root, "package-lock.json");
  const lock = JSON.parse(readFileSync(file, "utf8"));
  const dangling = danglingOptionalEdges(lock);
  if (process.argv.includes("--check")) {
    for (const d of dangling) console.error(`dangling optional dependency: ${d.key} -> ${d.dep}`);
    process.exit(dangling.length ? 1 : 0);
  }
  for (const { key, dep } of dangling) delete lock.packages[key].optionalDependencies[dep];
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`fix-lockfile: dropped ${dangling.length} dangling optional edge(s)`);
}
