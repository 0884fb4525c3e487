/** @type {import('next').NextConfig} */
const nextConfig = {
  // Helpers/CI may build into separate dirs so parallel builds do not collide.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // `npm test` runs `tsc --noEmit` on its own; skip the duplicate check during build.
  typescript: { ignoreBuildErrors: true },
  serverExternalPackages: ["dockerode", "ssh2", "cpu-features"],
  poweredByHeader: false,
  experimental: {
    serverActions: { bodySizeLimit: "8mb" },
    // The proxy (proxy.ts) buffers request bodies up to this size and silently cuts the rest; the
    // service API answers 413 itself above PLAYGROUND_API_MAX_BODY_MB, which must stay below this.
    proxyClientMaxBodySize: "128mb",
  },
};

export default nextConfig;
