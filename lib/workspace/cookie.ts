/** The last Editor session this browser used: the header's Editor link goes back to it. */
export const editorSessionCookie = "rp_editor_session";

/** Client side: remember the session (a year; SameSite=Strict, not secret: the id is in the URL anyway). */
export function rememberEditorSession(sessionId: string): void {
  document.cookie = `${editorSessionCookie}=${encodeURIComponent(sessionId)}; path=/; max-age=31536000; samesite=strict`;
}
