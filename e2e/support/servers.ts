// Where the e2e servers listen. Read by playwright.config.ts and by specs.
// Each engineer runs on their own port (E2E_PORT); the token-gated twin listens on the next port.
export const e2ePort = Number(process.env.E2E_PORT ?? 3100);
export const tokenPort = e2ePort + 1;
export const baseURL = `http://127.0.0.1:${e2ePort}`;
export const tokenBaseURL = `http://127.0.0.1:${tokenPort}`;
/** The token the gated server is started with. A test secret, not a credential. */
export const e2eToken = "e2e-playground-token-7f3a9c1d";
/** The scripted SGLang server behind the agent proxy (started by the agents spec; the app's PLAYGROUND_AGENT_UPSTREAM). */
export const agentUpstreamPort = e2ePort + 2;
