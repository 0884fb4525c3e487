import "server-only";
import { serverEnv } from "@/lib/env";
import { globalStore } from "@/lib/global-store";
import type { ApiKeyState } from "./chat-session-schema";
import { effectiveApiKey } from "./setup";

// API keys typed into the Chat page: server memory only, never written to disk, never sent back.

const keys = globalStore("chat-api-keys", () => new Map<string, string>());

export function setSessionApiKey(sessionId: string, key: string | null): void {
  if (key) keys.set(sessionId, key);
  else keys.delete(sessionId);
}

export function apiKeyState(sessionId: string): ApiKeyState {
  if (keys.has(sessionId)) return "session";
  return serverEnv().PLAYGROUND_MODEL_API_KEY ? "env" : null;
}

/** The key a model request of this session uses: the typed one, else the env one. */
export function sessionApiKey(sessionId: string): string | undefined {
  return effectiveApiKey(keys.get(sessionId));
}
