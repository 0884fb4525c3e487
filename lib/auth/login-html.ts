/** Escapes text for an HTML attribute or text node. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The body of a 401 answer to a page request: a self-contained login form
 * (no scripts, no stylesheets, because those are gated too or unknown here).
 */
export function loginFormHtml(opts: { next: string; failed?: boolean }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in · Rollout Playground</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;background:#fafafa;color:#18181b;display:flex;min-height:100vh;margin:0;align-items:center;justify-content:center}
form{background:#fff;border:1px solid #e4e4e7;border-radius:8px;padding:24px;width:320px;display:flex;flex-direction:column;gap:12px}
input{padding:8px;border:1px solid #d4d4d8;border-radius:6px;font:inherit}
button{padding:8px;border:0;border-radius:6px;background:#4f46e5;color:#fff;font:inherit;cursor:pointer}
p{margin:0;font-size:14px;color:#52525b}.err{color:#b91c1c}
</style></head>
<body><form method="post" action="/api/login" data-testid="login-form">
<h1 style="margin:0;font-size:18px">Rollout Playground</h1>
<p>This server runs code. Enter the access token it was started with (<code>PLAYGROUND_TOKEN</code>).</p>
${opts.failed ? '<p class="err" data-testid="login-error">That token is not right.</p>' : ""}
<input type="password" name="token" autocomplete="current-password" placeholder="Access token" required autofocus data-testid="login-token">
<input type="hidden" name="next" value="${escapeHtml(opts.next)}">
<button type="submit" data-testid="login-submit">Sign in</button>
</form></body></html>`;
}
