// Who made an API call, for the traffic log. Next's server puts the peer address in
// x-forwarded-for (a client behind a proxy may add its own: shown as sent, for display only).

export function clientOf(request: Request): { ip: string; userAgent?: string } {
  const fwd = request.headers.get("x-forwarded-for");
  const first = fwd?.split(",")[0]?.trim();
  const ip = first || request.headers.get("x-real-ip") || "unknown";
  const ua = request.headers.get("user-agent")?.slice(0, 200);
  return { ip: ip.replace(/^::ffff:/, ""), ...(ua ? { userAgent: ua } : {}) };
}
