import { existsSync, writeFileSync } from "node:fs";

// Helpers/CI may build into separate dirs so parallel builds do not collide.
const distDir = process.env.NEXT_DIST_DIR || ".next";

// `next build` adds its dist dir's type folders to the tsconfig it is given, which would rewrite the
// tracked tsconfig.json on every build (one entry per NEXT_DIST_DIR). Give it an untracked one per
// dist dir that extends ours (gitignored: /.next*.tsconfig.json); tsc and editors keep tsconfig.json.
const tsconfigPath = `${distDir}.tsconfig.json`;
if (!existsSync(tsconfigPath)) writeFileSync(tsconfigPath, `${JSON.stringify({ extends: "./tsconfig.json" }, null, 2)}\n`);

/** @type {import('next').NextConfig} */
const nextConfig = {
  distDir,
  // `npm test` runs `tsc --noEmit` on its own; skip the duplicate check during build.
  typescript: { ignoreBuildErrors: true, tsconfigPath },
  serverExternalPackages: ["dockerode", "ssh2", "cpu-features"],
  poweredByHeader: false,
  // Monaco's content-hashed files (editor-BdtEMBbM.js, …) never change under their name: cached for
  // good, so an Editor opened again (a new tab from Traffic) loads it from the browser's cache
  // instead of revalidating a dozen files. Its entry files (loader.js, editor.main.js) keep their
  // names across versions and are revalidated as before.
  async headers() {
    return [{ source: "/monaco/vs/:file(.*-[A-Za-z0-9_-]{8}\\.js)", headers: [{ key: "Cache-Control", value: "public, max-age=31536000, immutable" }] }];
  },
  experimental: {
    serverActions: { bodySizeLimit: "8mb" },
    // The proxy (proxy.ts) buffers request bodies up to this size and silently cuts the rest; the
    // service API answers 413 itself above PLAYGROUND_API_MAX_BODY_MB, which must stay below this.
    proxyClientMaxBodySize: "128mb",
  },
};

export default nextConfig;
