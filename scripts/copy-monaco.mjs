// Copies the locally installed Monaco build into public/monaco/vs so the Editor
// loads it from our own origin. No CDN, ever: the app must work offline and the
// e2e test asserts that no request leaves localhost.
import { cp, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = path.join(root, "node_modules", "monaco-editor", "min", "vs");
const targetParent = path.join(root, "public", "monaco");
const target = path.join(targetParent, "vs");
const stamp = path.join(targetParent, ".version");

async function exists(p) {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function main() {
  if (!(await exists(source))) {
    // postinstall also runs for `npm install --package-lock-only`, with nothing installed.
    if (process.argv.includes("--if-present")) return;
    console.error(`copy-monaco: ${source} not found; run npm install first.`);
    process.exit(1);
  }
  const { version } = JSON.parse(
    await readFile(path.join(root, "node_modules", "monaco-editor", "package.json"), "utf8"),
  );
  // Skip the 25 MB copy when this exact version is already in place.
  if ((await exists(path.join(target, "loader.js"))) && (await exists(stamp))) {
    if ((await readFile(stamp, "utf8")).trim() === version) return;
  }
  await rm(targetParent, { recursive: true, force: true });
  await mkdir(targetParent, { recursive: true });
  await cp(source, target, { recursive: true });
  await writeFile(stamp, `${version}\n`);
  console.log(`copy-monaco: monaco-editor ${version} -> public/monaco/vs`);
}

await main();
