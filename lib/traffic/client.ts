// Who made an API call, for the traffic log. Next's server puts the peer address in
// x-forwarded-for (a client behind a proxy may add its own: shown as sent, for display only).

export function clientOf(request: Request): { ip: string; userAgent?: string } {
  const fwd = request.headers.get("x-forwarded-for");
  const first = fwd?.split(",")[0]?.trim();
  const ip = first || request.headers.get("x-real-ip") || "unknown";
  const ua = request.headers.get("user-agent")?.slice(0, 200);
  return { ip: ip.replace(/^::ffff:/, ""), ...(ua ? { userAgent: ua } : {}) };
}

// User-Agents as the SDKs send them, turned into the short name a person knows the client by.
// Checked in order: the first match names the client.
const sdkNames: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/\be2b-js-sdk\/(\S+)/i, (m) => `e2b-js/${m[1]}`],
  [/\be2b-python-sdk\/(\S+)/i, (m) => `e2b-python/${m[1]}`],
  [/\bOpenAI\/JS (\S+)/, (m) => `openai-node/${m[1]}`],
  [/\bOpenAI\/Python (\S+)/, (m) => `openai-python/${m[1]}`],
  [/\bAnthropic\/JS (\S+)/, (m) => `anthropic-js/${m[1]}`],
  [/\bAnthropic\/Python (\S+)/, (m) => `anthropic-python/${m[1]}`],
  [/\baiohttp\/(\S+)/, (m) => `aiohttp/${m[1]}`],
  [/\b(python-requests|python-httpx|Python-urllib|curl|Wget|Go-http-client|okhttp|axios|got|undici|node-fetch)\/(\S+)/i, (m) => `${m[1]}/${m[2]}`],
  [/\b(HeadlessChrome|Edg|Firefox|Chrome|Safari)\/(\d+)/, (m) => `browser · ${m[1] === "Edg" ? "Edge" : m[1]} ${m[2]}`],
];

/** The client's name from its User-Agent ("e2b-js/2.3.1", "python-requests/2.32.3"), else its first word; null without one. */
export function clientName(userAgent: string | undefined): string | null {
  const ua = userAgent?.trim();
  if (!ua) return null;
  for (const [re, name] of sdkNames) {
    const m = ua.match(re);
    if (m) return name(m);
  }
  // Node's fetch sends "node"; anything else: its first product token.
  const first = ua.split(/\s+/)[0]!;
  return first.length > 40 ? `${first.slice(0, 39)}…` : first;
}
