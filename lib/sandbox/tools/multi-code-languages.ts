import "server-only";
import path from "node:path";
import { z } from "zod";
import languagesJson from "@/docker/sandbox/languages.json";
import { isExecutable } from "../proc";

// One table for both backends: docker/sandbox/languages.json is baked into the sandbox image
// (/etc/sandbox/languages.json) and read here for the commands. The image's label says which of
// them it has; on the local backend a language exists when its binary is on the host.

export const languageSpecSchema = z.object({
  name: z.string(),
  aliases: z.array(z.string()).default([]),
  /** The program whose presence means the language is installed. */
  binary: z.string(),
  /** Source file name, in the session working directory. */
  file: z.string(),
  compile: z.array(z.string()).optional(),
  run: z.array(z.string()),
});
export type LanguageSpec = z.infer<typeof languageSpecSchema>;

export const languageSpecs: LanguageSpec[] = z.object({ languages: z.array(languageSpecSchema) }).parse(languagesJson).languages;

/** The spec for a name or alias (case-insensitive), among the given supported names. */
export function resolveLanguage(name: string, supported: string[]): LanguageSpec | undefined {
  const n = name.trim().toLowerCase();
  const spec = languageSpecs.find((l) => l.name === n || l.aliases.includes(n));
  return spec && supported.includes(spec.name) ? spec : undefined;
}

const SANDBOX_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
let hostCache: string[] | undefined;

/** Languages whose binary is on the host's system PATH (what a local run can reach). */
export function hostLanguages(): string[] {
  hostCache ??= languageSpecs.filter((l) => SANDBOX_PATH.some((d) => isExecutable(path.join(d, l.binary)))).map((l) => l.name);
  return hostCache;
}

