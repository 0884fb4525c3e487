// Optional code policy, modelled on slime's ReTool PythonSandbox._check_code_safety
// (THUDM/slime examples/retool/tool_sandbox.py). Semantics kept from slime:
// - blocked patterns are regular expressions searched anywhere in the code, case-insensitively
//   (slime: re.search(pattern, code, re.IGNORECASE)); the first match blocks the run;
// - modules are found textually with `import\s+(\w+)` and `from\s+(\w+)` (so `import a.b` checks `a`,
//   and the words also match inside comments and strings, as in slime); every name found must be in
//   allowed_modules. Faithful quirk: in `from fractions import Fraction` the regex also sees
//   `import Fraction`, so slime blocks it unless "Fraction" is allowed too; we keep that, since it is
//   what a policy-trained model met. We also check each name of `import a, b` (slime only saw the
//   first), which can only block more.
// Upstream's current file no longer calls the check (it is commented out), which is why ours is
// off by default. `slimePolicy` carries the defaults of the version that did run it.
import { err, ok, type Result } from "@/lib/result";
import type { CodePolicy } from "./types";

export interface PolicyViolation {
  /** Which rule blocked it, for people: e.g. `blocked_patterns[7] /eval\s*\(/`. */
  rule: string;
  /** The text slime returned after "Error: ". */
  message: string;
}

/** Allowed, or the rule that blocked the code (slime's wording in `message`). */
export type PolicyVerdict = Result<null, PolicyViolation>;

export const slimeAllowedModules = [
  "math",
  "random",
  "datetime",
  "collections",
  "itertools",
  "functools",
  "operator",
  "statistics",
  "decimal",
  "fractions",
] as const;

export const slimeBlockedPatterns = [
  String.raw`import\s+os`,
  String.raw`import\s+sys`,
  String.raw`import\s+subprocess`,
  String.raw`import\s+shutil`,
  String.raw`import\s+glob`,
  String.raw`import\s+pathlib`,
  String.raw`__import__`,
  String.raw`eval\s*\(`,
  String.raw`exec\s*\(`,
  String.raw`open\s*\(`,
  String.raw`file\s*\(`,
  String.raw`input\s*\(`,
  String.raw`raw_input\s*\(`,
  String.raw`compile\s*\(`,
  String.raw`execfile\s*\(`,
  String.raw`getattr\s*\(`,
  String.raw`setattr\s*\(`,
  String.raw`delattr\s*\(`,
  String.raw`hasattr\s*\(`,
  String.raw`globals\s*\(`,
  String.raw`locals\s*\(`,
  String.raw`vars\s*\(`,
  String.raw`dir\s*\(`,
  String.raw`type\s*\(`,
  String.raw`isinstance\s*\(`,
  String.raw`issubclass\s*\(`,
  String.raw`super\s*\(`,
  String.raw`property\s*\(`,
  String.raw`staticmethod\s*\(`,
  String.raw`classmethod\s*\(`,
  String.raw`__\w+__`,
] as const;

/** slime's defaults, ready to put in SandboxConfig.policy. */
export const slimePolicy: CodePolicy = {
  allowed_modules: [...slimeAllowedModules],
  blocked_patterns: [...slimeBlockedPatterns],
};

/** Top-level module names the code imports, found the way slime finds them. */
export function importedModules(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/import\s+(\w+)((?:[ \t]*,[ \t]*\w+)*)/g)) {
    found.add(m[1]!);
    for (const extra of (m[2] ?? "").split(",").slice(1)) {
      const name = extra.trim();
      if (name) found.add(name);
    }
  }
  for (const m of code.matchAll(/from\s+(\w+)/g)) found.add(m[1]!);
  return [...found];
}

/**
 * Checks code against a policy. `checkModules` is false for shell commands (only patterns apply).
 * An invalid pattern blocks rather than silently allowing.
 */
export function checkPolicy(code: string, policy: CodePolicy | undefined, checkModules = true): PolicyVerdict {
  if (!policy) return ok(null);
  for (const [i, pattern] of policy.blocked_patterns.entries()) {
    let re: RegExp;
    try {
      re = new RegExp(pattern, "i");
    } catch {
      return err({ rule: `blocked_patterns[${i}] /${pattern}/ (invalid regex)`, message: `Invalid policy pattern: ${pattern}` });
    }
    if (re.test(code)) {
      return err({ rule: `blocked_patterns[${i}] /${pattern}/`, message: `Code contains dangerous pattern: ${pattern}` });
    }
  }
  if (checkModules && policy.allowed_modules && policy.allowed_modules.length > 0) {
    const allowed = new Set(policy.allowed_modules);
    for (const mod of importedModules(code)) {
      if (!allowed.has(mod)) {
        return err({
          rule: `allowed_modules (${JSON.stringify(mod)} is not in [${policy.allowed_modules.join(", ")}])`,
          message: `Import of '${mod}' is not allowed`,
        });
      }
    }
  }
  return ok(null);
}
