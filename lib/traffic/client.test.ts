import { describe, expect, it } from "vitest";
import { clientName } from "./client";

describe("clientName", () => {
  it.each([
    ["e2b-js-sdk/2.3.4", "e2b-js/2.3.4"],
    ["e2b-python-sdk/1.5.0", "e2b-python/1.5.0"],
    ["OpenAI/JS 5.10.1", "openai-node/5.10.1"],
    ["OpenAI/Python 1.97.0", "openai-python/1.97.0"],
    ["Anthropic/JS 0.57.0", "anthropic-js/0.57.0"],
    ["python-requests/2.32.3", "python-requests/2.32.3"],
    ["Python/3.11 aiohttp/3.9.5", "aiohttp/3.9.5"],
    ["python-httpx/0.28.1", "python-httpx/0.28.1"],
    ["curl/8.5.0", "curl/8.5.0"],
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "browser · Chrome 131"],
    ["node", "node"],
    ["verl-sandbox/0.4 (+https://example.org)", "verl-sandbox/0.4"],
  ])("%s -> %s", (ua, name) => expect(clientName(ua)).toBe(name));

  it("says nothing without a User-Agent", () => {
    expect(clientName(undefined)).toBeNull();
    expect(clientName("  ")).toBeNull();
  });
});
