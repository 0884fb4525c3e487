// E2B's wire shapes (control plane OpenAPI and envd's process/filesystem messages in Connect's JSON
// mapping), as zod schemas: what the SDKs send is parsed here, nowhere else. Isomorphic.
import { z } from "zod";

const stringMap = z.record(z.string(), z.string());

/** POST /sandboxes and /v2/sandboxes (E2B's NewSandbox; fields we do not act on are accepted). */
export const newSandboxSchema = z
  .object({
    templateID: z.string().min(1).max(256),
    timeout: z.number().int().min(0).optional(),
    metadata: stringMap.nullish().transform((v) => v ?? undefined),
    envVars: stringMap.nullish().transform((v) => v ?? undefined),
    autoPause: z.boolean().nullish(),
    secure: z.boolean().nullish(),
    allow_internet_access: z.boolean().nullish(),
  })
  .loose();
export type NewSandbox = z.infer<typeof newSandboxSchema>;

/** POST /sandboxes/{id}/timeout, /connect, /v2/…/connect. */
export const timeoutBodySchema = z.object({ timeout: z.number().int().min(0) }).loose();
/** Connect: the timeout is optional (absent = keep the current end). */
export const connectBodySchema = z.object({ timeout: z.number().int().min(0).optional() }).loose();

/** POST /sandboxes/{id}/refreshes (older SDKs): extend by `duration` seconds. */
export const refreshBodySchema = z.object({ duration: z.number().int().min(0).max(3600).optional() }).loose();

export const sandboxStates = ["running", "paused"] as const;

// ---- envd process.Process (protobuf JSON: lowerCamelCase, bytes as base64)

export const processSelectorSchema = z.union([
  z.object({ pid: z.number().int().nonnegative() }),
  z.object({ tag: z.string() }),
]);

export const processConfigSchema = z.object({
  cmd: z.string().min(1),
  args: z.array(z.string()).default([]),
  envs: stringMap.default({}),
  cwd: z.string().optional(),
});

/** A terminal's size (PTY processes). */
export const ptySchema = z.object({
  size: z.object({ cols: z.number().int().min(1).max(10_000), rows: z.number().int().min(1).max(10_000) }),
});

export const startRequestSchema = z.object({
  process: processConfigSchema,
  pty: ptySchema.optional(),
  tag: z.string().optional(),
  stdin: z.boolean().optional(),
});
export type StartRequest = z.infer<typeof startRequestSchema>;

export const connectRequestSchema = z.object({ process: processSelectorSchema });

export const signalNames = { SIGNAL_SIGTERM: 15, SIGNAL_SIGKILL: 9, SIGNAL_UNSPECIFIED: 0 } as const;
export const sendSignalSchema = z.object({
  process: processSelectorSchema,
  signal: z.union([z.enum(["SIGNAL_SIGTERM", "SIGNAL_SIGKILL", "SIGNAL_UNSPECIFIED"]), z.number().int()]).default("SIGNAL_UNSPECIFIED"),
});

export const sendInputSchema = z.object({
  process: processSelectorSchema,
  input: z.union([z.object({ stdin: z.string() }), z.object({ pty: z.string() })]),
});

export const closeStdinSchema = z.object({ process: processSelectorSchema });

/** Update: a PTY's new size (the only thing envd's Update changes). */
export const updateRequestSchema = z.object({ process: processSelectorSchema, pty: ptySchema.optional() });

// ---- envd filesystem.Filesystem

export const pathRequestSchema = z.object({ path: z.string() });
export const listDirSchema = z.object({ path: z.string(), depth: z.number().int().min(0).max(64).optional() });
export const moveSchema = z.object({ source: z.string(), destination: z.string() });
/** WatchDir (a stream) and CreateWatcher (polled): includeEntry and allowNetworkMounts are accepted and not acted on. */
export const watchDirSchema = z.object({ path: z.string(), recursive: z.boolean().optional(), includeEntry: z.boolean().optional(), allowNetworkMounts: z.boolean().optional() });
export const watcherIdSchema = z.object({ watcherId: z.string().min(1).max(64) });

// ---- code interpreter (port 49999)

export const executeSchema = z.object({
  code: z.string(),
  context_id: z.string().nullish(),
  language: z.string().nullish(),
  env_vars: stringMap.nullish(),
});
export const createContextSchema = z.object({ language: z.string().nullish(), cwd: z.string().nullish() }).loose();
