// Plain JavaScript so scripts/start.mjs (plain Node, before Next) and the proxy share one
// definition; loopback.d.mts gives TypeScript its types.
import { isIP } from "node:net";

/** True for 127.0.0.0/8, ::1, and "localhost". 0.0.0.0 and :: listen on every interface, so they are not. */
export function isLoopbackAddress(host) {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  const kind = isIP(h);
  if (kind === 4) return h.startsWith("127.");
  if (kind === 6) return h === "::1" || h === "0:0:0:0:0:0:0:1" || /^::ffff:127\./.test(h);
  return false;
}

/** The host part of a Host header ("127.0.0.1:3000", "[::1]:3000", "localhost"). */
export function hostnameOf(hostHeader) {
  const v = hostHeader.trim();
  if (v.startsWith("[")) {
    const end = v.indexOf("]");
    return end > 0 ? v.slice(0, end + 1) : v;
  }
  const colon = v.lastIndexOf(":");
  return colon >= 0 && v.indexOf(":") === colon ? v.slice(0, colon) : v;
}
