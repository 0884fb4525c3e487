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

/**
 * Set as the page unloads with edits still on their way: `<session>.<seq>`. Cookies are written at
 * once and go with the next page's request, so the server can wait for save `seq` before it reads
 * the workspace (the save and the reload race otherwise).
 */
export const workspaceFlushCookie = "rp_ws_flush";

export function markWorkspaceFlush(sessionId: string, seq: number): void {
  document.cookie = `${workspaceFlushCookie}=${encodeURIComponent(`${sessionId}.${seq}`)}; path=/; max-age=30; samesite=strict`;
}

/** Server side: the save a page load for `sessionId` should wait for, if the cookie names one. */
export function pendingFlushSeq(cookie: string | undefined, sessionId: string): number | undefined {
  const m = /^([A-Za-z0-9_-]+)\.(\d{1,16})$/.exec(cookie ?? "");
  return m && m[1] === sessionId ? Number(m[2]) : undefined;
}
