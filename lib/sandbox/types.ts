// Shared sandbox shapes. Safe to import from client code with `import type`,
// and the zod schemas are isomorphic (no Node APIs here).
import { z } from "zod";
import type { Result } from "@/lib/result";

export const toolStatus = ["success", "error", "timeout", "cancelled"] as const;
export type ToolStatus = (typeof toolStatus)[number];

export const backendNames = ["local", "docker"] as const;
export const backendNameSchema = z.enum(backendNames);
export type BackendName = z.infer<typeof backendNameSchema>;

/**
 * What stands between a run and the host, as a person reads it: the backend, then the mechanism.
 * bwrap: Linux namespaces on the host kernel; runc: a container on the host kernel; gVisor: a
 * container whose system calls go to a user-space kernel (runsc), not the host's.
 */
export const isolationLevels = ["local · rlimits only", "local · bwrap", "docker · runc", "docker · gVisor"] as const;
export type IsolationLevel = (typeof isolationLevels)[number];
export const isolationLevelSchema = z.enum(isolationLevels);

/** Docker: the OCI runtime containers run under (PLAYGROUND_DOCKER_RUNTIME resolves to one). */
export const dockerRuntimes = ["runc", "runsc"] as const;
export type DockerRuntime = (typeof dockerRuntimes)[number];
export const dockerIsolation: Record<DockerRuntime, IsolationLevel> = { runc: "docker · runc", runsc: "docker · gVisor" };

/** A sandbox session's id (the local working directory's name, the container's session label). */
export const sandboxSessionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "A sandbox session id is 1-64 letters, digits, '-' or '_'.");
export type SandboxSessionId = z.infer<typeof sandboxSessionIdSchema>;

export interface ImageOutput {
  mime: "image/png" | "image/jpeg" | "image/svg+xml";
  /** base64, no data: prefix */
  data: string;
}

/** Bytes a run wrote per stream against the cap (what was dropped = written - limit). */
export interface OutputBytes {
  limit: number;
  stdout: number;
  stderr: number;
}

export interface ToolResult {
  tool_name: string;
  status: ToolStatus;
  /** The tool's main text result (for code_interpreter: the text slime's sandbox returns). */
  output: string;
  error?: string;
  exit_code?: number;
  duration_ms: number;
  truncated?: boolean;
  /** With truncated, when the backend counted: the cap per stream and what each stream wrote. */
  output_bytes?: OutputBytes;
  images?: ImageOutput[];
  /**
   * A stream kept as head and tail (the Editor, from the whole output): the text is head + tail,
   * joined at `at` (a string index), with `dropped` bytes left out between them.
   */
  output_cut?: Partial<Record<"stdout" | "stderr", { at: number; dropped: number; written: number }>>;
  /** Where the whole output of this run can be downloaded while the server keeps it. */
  full_output_url?: string;
  /** Raw streams, when the tool ran a process. */
  stdout?: string;
  stderr?: string;
  /** Rich outputs (notebook display_data text/html). */
  html?: string[];
  /** false when the run had no isolation beyond rlimits; the UI must say so. */
  isolated?: boolean;
  /** How the run was contained (set on every result of a sandbox session). */
  isolation?: IsolationLevel;
  /** Plain-language notes for a person (e.g. "not isolated: bwrap missing"). */
  notices?: string[];
  /** Tool-specific structured extras (compile step, file listing, …). */
  meta?: Record<string, unknown>;
}

/** Per-run limits. Every backend applies all of them. */
export const limitsSchema = z.object({
  /** Wall-clock seconds; the whole process tree is killed after it. */
  timeout_s: z.number().positive().max(3600).default(30),
  memory_mb: z.number().int().positive().max(65536).default(1024),
  cpu_time_s: z.number().int().positive().max(3600).default(60),
  max_processes: z.number().int().positive().max(4096).default(128),
  file_size_mb: z.number().int().positive().max(65536).default(256),
  /** Cap per stream (stdout, stderr), bytes. */
  output_bytes: z.number().int().positive().max(64 * 1024 * 1024).default(1024 * 1024),
});
export type Limits = z.infer<typeof limitsSchema>;
export type LimitsInput = z.input<typeof limitsSchema>;

/** slime-style code policy: off unless given. */
export const codePolicySchema = z.object({
  /** Top-level modules that may be imported; anything else is blocked. Empty/absent = no module check. */
  allowed_modules: z.array(z.string()).optional(),
  /** Regular expressions (JS syntax) that block the run when they match the code. */
  blocked_patterns: z.array(z.string()).default([]),
});
export type CodePolicy = z.infer<typeof codePolicySchema>;

export const knownToolNames = [
  "python_executor",
  "shell_executor",
  "file_operation",
  "code_interpreter",
  "multi_code_executor",
  "notebook_executor",
] as const;
export type KnownToolName = (typeof knownToolNames)[number];

export const defaultToolsConfig = {
  python_executor: {},
  shell_executor: {},
  file_operation: {},
  code_interpreter: {},
} satisfies Record<string, Record<string, unknown>>;

/** Docker only: container hardening. Every default is the safe choice; loosen one knowingly. */
export const dockerOptionsSchema = z.object({
  /** "none" = no network at all (loopback only). */
  network_mode: z.string().default("none"),
  /** Container memory limit (cgroup); runs are also capped per process at limits.memory_mb. */
  memory_mb: z.number().int().positive().max(65536).default(2048),
  cpus: z.number().positive().max(64).default(1),
  /** Container-wide process limit (cgroup pids), on top of the per-run limits.max_processes. */
  pids_limit: z.number().int().positive().max(32768).default(256),
  read_only_rootfs: z.boolean().default(true),
  /** Size of the writable tmpfs at /sandbox (the session working directory). */
  workdir_mb: z.number().int().positive().max(65536).default(512),
  tmp_mb: z.number().int().positive().max(65536).default(512),
  cap_drop: z.array(z.string()).default(["ALL"]),
  no_new_privileges: z.boolean().default(true),
  /** "uid:gid"; default: a fresh unprivileged uid per container (so per-uid process limits bind per session). */
  user: z.string().regex(/^\d+:\d+$/).optional(),
});
export type DockerOptions = z.infer<typeof dockerOptionsSchema>;

export const sandboxConfigSchema = z.object({
  /** A tool exists in a sandbox only if declared here (ms-enclave's tools_config). */
  tools_config: z
    .record(z.string(), z.record(z.string(), z.unknown()))
    .default(() => ({ ...defaultToolsConfig })),
  limits: limitsSchema.default(() => limitsSchema.parse({})),
  policy: codePolicySchema.optional(),
  /** Docker only: image override, else the configured default. */
  image: z.string().optional(),
  /** Environment variables visible to runs. */
  env: z.record(z.string(), z.string()).default({}),
  /** Docker only: hardening of the session's container. */
  docker: dockerOptionsSchema.default(() => dockerOptionsSchema.parse({})),
});
export type SandboxConfig = z.infer<typeof sandboxConfigSchema>;
export type SandboxConfigInput = z.input<typeof sandboxConfigSchema>;

export interface BackendAvailability {
  backend: BackendName;
  available: boolean;
  /** Why it is unavailable, or a caveat (e.g. "no bwrap: runs are not isolated"). */
  reason?: string;
  isolated: boolean;
  /** How runs are contained, when the backend can run them. */
  isolation?: IsolationLevel;
  /** Languages multi_code_executor can run on this backend. */
  languages?: string[];
}

export interface ExecuteOptions {
  signal?: AbortSignal;
  /** Handed to every process the tool runs. */
  onOutput?: OutputTap;
}

/** One session: its own working directory (`/sandbox` inside). */
export interface Sandbox extends AsyncDisposable {
  readonly id: string;
  readonly backend: BackendName;
  readonly config: SandboxConfig;
  readonly isolated: boolean;
  readonly isolation: IsolationLevel;
  /** Declared tools, in declaration order. */
  tools(): string[];
  /** Never throws: failures come back as an error ToolResult. */
  executeTool(name: string, args: unknown, opts?: ExecuteOptions): Promise<ToolResult>;
  /**
   * Trusted server code only (the service APIs' own work, e.g. SandboxFusion's run_code): the
   * runtime's raw process and file primitives, typed, with no tool in between. Counts as activity
   * while `fn` runs. Throws if the sandbox is closed.
   */
  useRuntime<T>(fn: (runtime: SandboxRuntime, config: SandboxConfig) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface SandboxBackend {
  readonly name: BackendName;
  availability(): Promise<BackendAvailability>;
  /** template: the session serves one request from the backend's warm template, if it has one (the service API's fresh sandboxes). */
  create(config?: SandboxConfigInput, opts?: { sessionId?: string; template?: boolean }): Promise<Sandbox>;
  /** Release everything the backend holds (processes, containers). */
  shutdown(): Promise<void>;
}

// ---- Backend primitives the tools are written against ----

/** Receives a run's output as it is written (the Editor's live view); before any cap. */
export type OutputTap = (stream: "stdout" | "stderr", chunk: Uint8Array) => void;
/** Per stream, the most a tap is given (and the live view keeps): past it output is only counted. */
export const LIVE_TAP_BYTES = 16 * 1024 * 1024;

export interface RunSpec {
  argv: string[];
  stdin?: string;
  /** Relative to the session working directory. */
  cwd?: string;
  env?: Record<string, string>;
  limits: Limits;
  signal?: AbortSignal;
  /** Backends that can stream call it per chunk (local); others only return the outcome. */
  onOutput?: OutputTap;
  /** Run from the backend's warm template where it has one (a `python -c` keeps the template's common modules imported). */
  warm?: boolean;
}

export interface RunOutcome {
  stdout: string;
  stderr: string;
  exit_code: number | null;
  /** Signal that ended the process, if any. */
  signal?: string;
  timed_out: boolean;
  cancelled: boolean;
  stdout_truncated: boolean;
  stderr_truncated: boolean;
  /** When cut: the per-stream cap and the bytes each stream wrote (kept + dropped), for the person. */
  output_bytes?: OutputBytes;
  duration_ms: number;
  isolated: boolean;
  /** The run could not start (no python, isolation required but missing, …). */
  failure?: string;
  notices?: string[];
}

export interface FileEntry {
  name: string;
  type: "file" | "dir" | "symlink" | "other";
  size: number;
}

/**
 * File access confined to the sandbox's own storage. Paths are relative or `/sandbox/...`; on Docker
 * also `/tmp/...` and `/mnt/...` (the container's other writable mounts). Anything else is refused.
 */
export interface WorkdirFs {
  /** max_bytes: read at most this many bytes (callers ask for cap+1 to detect truncation). */
  read(path: string, opts?: { max_bytes?: number }): Promise<Buffer>;
  /** mode: permission bits for the file (masked to 0o777); default 0o644. */
  write(path: string, data: Buffer, opts?: { create_only?: boolean; mode?: number }): Promise<void>;
  /** Creates the directory and its parents (no error when it exists). */
  mkdir(path: string): Promise<void>;
  remove(path: string): Promise<void>;
  list(path: string): Promise<FileEntry[]>;
  exists(path: string): Promise<boolean>;
}

/**
 * Line-JSON channel to this session's notebook driver (docker/sandbox/agent/nbdriver.py), which
 * holds a real Jupyter kernel. The notebook_executor tool speaks the driver protocol over it.
 */
export interface NotebookChannel {
  /** One request, one response (the driver's JSON object). Rejects if the driver dies. */
  request(msg: Record<string, unknown>, opts?: { timeoutMs?: number }): Promise<Record<string, unknown>>;
  /** Interrupts the running cell (answers at once). */
  interrupt(): Promise<void>;
}

/** What a backend gives the tools. Optional capabilities are tool-specific. */
export interface SandboxRuntime {
  readonly backend: BackendName;
  readonly isolated: boolean;
  readonly isolation: IsolationLevel;
  /** Absolute path of the python interpreter inside the sandbox, or null when none. */
  readonly python: string | null;
  run(spec: RunSpec): Promise<RunOutcome>;
  fs: WorkdirFs;
  /** Languages multi_code_executor may run here (names from docker/sandbox/languages.json). */
  languages?(): Promise<string[]>;
  /** Names the build of the compilers (Docker: the image id); compile outputs are only reused within one. */
  readonly toolchainId?: string;
  /** The session's notebook driver, or why there is none (`unavailable:notebook`, `unavailable:python`). */
  notebook?(): Promise<Result<NotebookChannel>>;
  /**
   * Empties a used sandbox for the next request (processes, writable mounts, IPC objects) and
   * checks it: ok(true) clean, ok(false) not clean (close it), err when the sandbox cannot do it
   * natively (the caller falls back to a shell wipe).
   */
  reset?(): Promise<Result<boolean>>;
}
