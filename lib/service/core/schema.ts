import { z } from "zod";

// Request fields the service APIs share: paths inside the request's sandbox and base64 payloads.
// Isomorphic (no server imports).

/** How many files one request may send or fetch. */
export const MAX_REQUEST_FILES = 1000;

/** A relative path that stays inside the sandbox: no "..", no absolute path, no NUL. */
export const sandboxRelativePath = z
  .string()
  .min(1, "must not be empty")
  .max(1024, "is longer than 1024 characters")
  .refine((p) => !p.includes("\0"), "must not contain NUL")
  .refine((p) => !p.startsWith("/"), "must be relative to the sandbox working directory (no leading /)")
  .refine((p) => !p.split(/[\\/]/).includes(".."), 'must not contain ".."')
  .refine((p) => p.split("/").some((s) => s !== "" && s !== "."), "must name a file");

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

/** Standard base64 (line breaks allowed, padding optional). */
export const base64Content = z.string().refine((s) => base64Pattern.test(s.replace(/[\r\n]/g, "")), "is not valid base64");

/**
 * `files`: path -> base64 content (null entries are skipped, as SandboxFusion does). The issue for a
 * bad entry names the path: `files.<path>`.
 */
export const filesField = z
  .record(z.string(), base64Content.nullable())
  .superRefine((files, ctx) => {
    const keys = Object.keys(files);
    if (keys.length > MAX_REQUEST_FILES) ctx.addIssue({ code: "custom", message: `has ${keys.length} files; at most ${MAX_REQUEST_FILES} are allowed`, path: [] });
    for (const k of keys) {
      const r = sandboxRelativePath.safeParse(k);
      if (!r.success) ctx.addIssue({ code: "custom", message: `path ${JSON.stringify(k.slice(0, 200))} ${r.error.issues[0]?.message ?? "is invalid"}`, path: [k] });
    }
  });

/**
 * The sandbox's own storage, where an absolute path may point: the session directory and the
 * container's other writable mounts (docker/sandbox/agent/fsops.py ROOTS). SandboxFusion's users
 * fetch outputs by absolute path (`/mnt/out.txt`); the image's own files (/etc/...) are not theirs.
 */
export const SANDBOX_STORAGE_ROOTS = ["/sandbox", "/tmp", "/mnt"] as const;

/** A path to fetch: relative to the working directory, or absolute inside SANDBOX_STORAGE_ROOTS. */
export const fetchPath = z
  .string()
  .min(1, "must not be empty")
  .max(1024, "is longer than 1024 characters")
  .refine((p) => !p.includes("\0"), "must not contain NUL")
  .refine((p) => !p.split(/[\\/]/).includes(".."), 'must not contain ".."')
  .refine(
    (p) => !p.startsWith("/") || SANDBOX_STORAGE_ROOTS.some((r) => p.startsWith(`${r}/`)),
    `must be relative to the working directory or inside the sandbox's storage (${SANDBOX_STORAGE_ROOTS.join(", ")})`,
  )
  .refine((p) => p.split("/").some((s) => s !== "" && s !== "."), "must name a file");

/** Response keys are the paths exactly as asked (SandboxFusion's `files[filename]`). */
export const fetchFilesField = z.array(fetchPath).max(MAX_REQUEST_FILES, `at most ${MAX_REQUEST_FILES} files may be fetched`);

/** A number field that also takes null (some clients send null for "default"). */
export const numberOr = (fallback: number) =>
  z
    .number()
    .nullish()
    .transform((v) => v ?? fallback);

/** Decoded `files`, in request order, without the null entries. */
export function decodeFiles(files: Record<string, string | null>): { path: string; data: Buffer }[] {
  return Object.entries(files).flatMap(([path, b64]) => (b64 === null ? [] : [{ path, data: Buffer.from(b64, "base64") }]));
}
