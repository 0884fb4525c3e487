import "server-only";
import { z } from "zod";

// The one place that reads process.env. Add variables here, with defaults, and
// document each in the README's configuration table.
const flag = z
  .enum(["0", "1", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");
/** Like `flag`, but on unless set to 0/false. */
const flagOn = z
  .enum(["0", "1", "true", "false", ""])
  .optional()
  .transform((v) => !(v === "0" || v === "false"));

const serverEnvSchema = z.object({
  PLAYGROUND_HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().positive().default(3000),
  /** Empty counts as unset (scripts/start.mjs agrees), so `PLAYGROUND_TOKEN=` turns the gate off. */
  PLAYGROUND_TOKEN: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined)),
  PLAYGROUND_PYTHON: z.string().optional(),
  PLAYGROUND_REQUIRE_ISOLATION: flag,
  /** Session working directories for the local backend. */
  PLAYGROUND_STATE_DIR: z.string().default(".data"),
  /** Local backend: bubblewrap binary; "off" disables it (runs are then not isolated). */
  PLAYGROUND_BWRAP: z.string().default("bwrap"),
  /** Local backend: `1` runs each command as a fork of a per-session interpreter (fast); `0` spawns bwrap per run. */
  PLAYGROUND_LOCAL_FORKSERVER: flagOn,
  /** Service API (run_code): `1` serves each request from a warm template (a fork with namespaces of its own); `0` creates a sandbox per request. */
  PLAYGROUND_WARM_TEMPLATES: flagOn,
  /** Local backend: each session runs as its own unprivileged uid from this base (so process limits bind per session). */
  PLAYGROUND_SANDBOX_UID_BASE: z.coerce.number().int().min(1000).max(2 ** 31 - 70000).default(200000),
  /** Sessions idle longer than this are closed (web app session manager). */
  PLAYGROUND_SESSION_TTL_S: z.coerce.number().positive().default(1800),
  /** Inspect: files under this directory can be opened by path (nothing outside it). */
  PLAYGROUND_DATA_DIR: z.string().default(".data/datasets"),
  /** Inspect: uploads and per-file text caches for search. */
  PLAYGROUND_INSPECT_CACHE_DIR: z.string().optional(),
  /** Inspect: records larger than this are reported and not parsed. */
  PLAYGROUND_INSPECT_MAX_RECORD_MB: z.coerce.number().positive().default(64),
  /** Inspect: JSON Lines files from this size up are indexed by a byte scan plus worker threads. */
  PLAYGROUND_INSPECT_WORKERS_MIN_MB: z.coerce.number().min(0).default(16),
  /** Inspect: a text/regex search that runs longer is stopped. */
  PLAYGROUND_INSPECT_SEARCH_TIMEOUT_S: z.coerce.number().positive().default(60),
  /** Chat: directory with the model's tokenizer.json for exact token ids, counts and loss masks. */
  PLAYGROUND_TOKENIZER_DIR: z.string().optional(),
  /** Chat: default model backend (replay works with no model server). */
  PLAYGROUND_MODEL_BACKEND: z.enum(["replay", "sglang", "openai-completions", "openai-chat"]).default("replay"),
  /** Chat: model server base URL (SGLang http://host:30000, or an OpenAI-compatible /v1 base). */
  PLAYGROUND_MODEL_URL: z.string().default(""),
  /** Chat: model name sent to OpenAI-compatible servers. */
  PLAYGROUND_MODEL_NAME: z.string().default(""),
  /** Chat: API key for the model server; stays on the server. */
  PLAYGROUND_MODEL_API_KEY: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined)),
  /** Chat: seconds one model request may take. */
  PLAYGROUND_MODEL_TIMEOUT_S: z.coerce.number().positive().default(120),
  /** Chat: slime's rollout_max_context_len (prompt + response tokens). */
  PLAYGROUND_MAX_CONTEXT_LEN: z.coerce.number().int().positive().default(32768),
  /** Docker: daemon address; unset means the default socket (unix:///var/run/docker.sock). */
  DOCKER_HOST: z.string().optional(),
  /** Docker: sandbox image (built offline by `npm run sandbox:image`). */
  PLAYGROUND_DOCKER_IMAGE: z.string().default("rollout-playground-sandbox:1"),
  /** Docker: pre-started containers kept ready for new sessions (0 disables the pool). */
  PLAYGROUND_DOCKER_POOL_SIZE: z.coerce.number().int().min(0).max(64).default(2),
  /** Docker: a session's container is removed after this many idle seconds. */
  PLAYGROUND_DOCKER_IDLE_TTL_S: z.coerce.number().positive().default(1800),
  /**
   * Docker: the OCI runtime of every sandbox container. "runsc" (gVisor: a user-space kernel between
   * the code and the host's) refuses runs when dockerd lacks it; "auto" takes runsc when dockerd has it.
   */
  PLAYGROUND_DOCKER_RUNTIME: z.enum(["runc", "runsc", "auto"]).default("runc"),
  /** Docker: "agent" (in-container executor, fast) or "exec" (one `docker exec` per run). */
  PLAYGROUND_DOCKER_TRANSPORT: z.enum(["agent", "exec"]).default("agent"),
  /** Service API (/sandbox-fusion, /ms-enclave): "auto" uses Docker when it is available, else local. */
  PLAYGROUND_API_BACKEND: z.enum(["auto", "local", "docker"]).default("auto"),
  /** Service API: requests running at once on the local backend; more wait in a queue. */
  PLAYGROUND_API_CONCURRENCY_LOCAL: z.coerce.number().int().min(1).max(1024).default(32),
  /** Service API: requests running at once on the Docker backend (each takes a fresh container). */
  PLAYGROUND_API_CONCURRENCY_DOCKER: z.coerce.number().int().min(1).max(1024).default(16),
  /** Service API on Docker: reuse a run_code container for the next request after wiping it (processes, /sandbox, /tmp, /dev/shm, IPC) instead of a new container per request. */
  PLAYGROUND_API_DOCKER_RECYCLE: flagOn,
  /** E2B gateway: sandboxes alive at once; more are refused with 429. */
  PLAYGROUND_E2B_MAX_SANDBOXES: z.coerce.number().int().min(1).max(4096).default(64),
  /** E2B gateway: pre-started sandbox containers (default image) kept ready. */
  PLAYGROUND_E2B_POOL_SIZE: z.coerce.number().int().min(0).max(256).default(2),
  /** E2B gateway: the metadata key that names a sandbox's image (slime's SLIME_AGENT_SANDBOX_IMAGE_METADATA_KEY). */
  PLAYGROUND_E2B_IMAGE_KEY: z.string().min(1).default("image"),
  /** E2B gateway: where sandboxes run. auto = Docker when it is available, else the local (bwrap) backend. */
  PLAYGROUND_E2B_BACKEND: z.enum(["auto", "docker", "local"]).default("auto"),
  /** E2B gateway: `1` refuses (400) an image the Docker engine lacks instead of running the sandbox image. */
  PLAYGROUND_E2B_STRICT_IMAGES: flag,
  /** E2B gateway: Docker network of a sandbox ("none" = no network). */
  PLAYGROUND_E2B_NETWORK: z.string().default("none"),
  PLAYGROUND_E2B_MEMORY_MB: z.coerce.number().int().min(64).max(65536).default(2048),
  PLAYGROUND_E2B_CPUS: z.coerce.number().positive().max(64).default(1),
  PLAYGROUND_E2B_PIDS: z.coerce.number().int().min(16).max(32768).default(512),
  /** E2B gateway (Docker, runc): "socket" = envd talks to this server on a unix socket mounted into its container (requests and bytes skip dockerd); "attach" = over the container's attach stream only. */
  PLAYGROUND_E2B_ENVD_CHANNEL: z.enum(["socket", "attach"]).default("socket"),
  /** E2B gateway: largest file one /files upload may write. */
  PLAYGROUND_E2B_MAX_FILE_MB: z.coerce.number().int().min(1).max(65536).default(1024),
  /** Service API: a request that waits longer than this for a slot gets HTTP 504 (clients such as verl retry). */
  PLAYGROUND_API_QUEUE_TIMEOUT_S: z.coerce.number().positive().default(60),
  /** Service API: request bodies larger than this get HTTP 413. */
  PLAYGROUND_API_MAX_BODY_MB: z.coerce.number().positive().default(32),
  /** Agent proxy (/agent/v1/*): upstream base URL, an SGLang server (`http://127.0.0.1:30000`) or, with KIND=openai, an OpenAI-compatible `/v1` base. */
  PLAYGROUND_AGENT_UPSTREAM: z.string().default(""),
  /** Agent proxy: `sglang` (`/generate` with input_ids and logprobs: the exact tokens) or `openai` (pass-through; tokens are re-tokenized, not the model's). */
  PLAYGROUND_AGENT_UPSTREAM_KIND: z.enum(["sglang", "openai"]).default("sglang"),
  /** Agent proxy: model name reported by /agent/v1/models and sent to an OpenAI upstream. */
  PLAYGROUND_AGENT_MODEL: z.string().default("slime-actor"),
  /** Agent proxy: API key for an OpenAI upstream (stays on the server). */
  PLAYGROUND_AGENT_UPSTREAM_API_KEY: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined)),
  /** Agent proxy: a session's context budget in tokens (slime's max_context_tokens; also max_sample_tokens at finish); 0 = unlimited. */
  PLAYGROUND_AGENT_MAX_CONTEXT: z.coerce.number().int().min(0).default(32768),
  /** Agent proxy: turns one session may take before it is answered 429, as slime's max_turns_per_sid; 0 = no cap. */
  PLAYGROUND_AGENT_MAX_TURNS: z.coerce.number().int().min(0).default(0),
  /** Agent proxy: slime's fork_threshold_tokens for the trajectory; unset = the manager's default. */
  PLAYGROUND_AGENT_FORK_THRESHOLD: z.coerce.number().int().positive().optional(),
  /** Agent proxy: seconds one upstream generation may take. */
  PLAYGROUND_AGENT_TIMEOUT_S: z.coerce.number().positive().default(900),
  /** Traffic: "on" (disk log + live view), "memory" (live view only), "off" (nothing is recorded). */
  PLAYGROUND_TRAFFIC_LOG: z.enum(["on", "memory", "off"]).default("on"),
  /** Traffic: size cap of the on-disk call log under the state dir; the oldest part is dropped first. */
  PLAYGROUND_TRAFFIC_LOG_MB: z.coerce.number().positive().default(64),
});

export type ServerEnv = z.infer<typeof serverEnvSchema>;

let cached: ServerEnv | undefined;
export function serverEnv(): ServerEnv {
  cached ??= serverEnvSchema.parse(process.env);
  return cached;
}
/** Tests change the environment between cases. */
export function resetServerEnvForTests(): void {
  cached = undefined;
}
