"use client";

import { useEffect, useRef, useState } from "react";
import type { ApiKeyState } from "@/lib/rollout/chat-session-schema";
import type { ChatSettings } from "@/lib/rollout/settings";
import { fetchModels, saveSettings, setApiKey } from "@/app/(playground)/chat/actions";

/** The settings form of a chat session, saved (debounced) so a reload keeps edits; the API key state. */
export function useChatSettings(sessionId: string, initial: ChatSettings, initialKey: ApiKeyState) {
  const [settings, setSettingsState] = useState<ChatSettings>(initial);
  const [apiKey, setApiKeyState] = useState<ApiKeyState>(initialKey);
  const dirty = useRef(false);

  useEffect(() => {
    if (!dirty.current) return;
    const t = setTimeout(() => void saveSettings({ session_id: sessionId, settings }), 500);
    return () => clearTimeout(t);
  }, [settings, sessionId]);

  const setSettings = (s: ChatSettings) => {
    dirty.current = true;
    setSettingsState(s);
  };

  const updateApiKey = async (key: string | null) => {
    const r = await setApiKey({ session_id: sessionId, api_key: key });
    if (r.ok) setApiKeyState(r.value);
  };

  const listModels = async () => {
    const r = await fetchModels({ session_id: sessionId, endpoint: settings.endpoint });
    return r.ok ? { models: r.value } : { error: r.error.message };
  };

  return { settings, setSettings, apiKey, updateApiKey, listModels };
}
