// The last session of each area this browser used, so the header links go back to it (issue 11.7).

/** The last Editor session this browser used: the header's Editor link goes back to it. */
export const editorSessionCookie = "rp_editor_session";

/** Client side: remember the session (a year; SameSite=Strict, not secret: the id is in the URL anyway). */
export function rememberEditorSession(sessionId: string): void {
  document.cookie = `${editorSessionCookie}=${encodeURIComponent(sessionId)}; path=/; max-age=31536000; samesite=strict`;
}

/** The last Chat session this browser used (the header's Chat link returns to it). */
export const chatSessionCookie = "rp_chat_session";

export function rememberChatSession(sessionId: string): void {
  document.cookie = `${chatSessionCookie}=${encodeURIComponent(sessionId)}; path=/; max-age=31536000; samesite=strict`;
}
