import { describe, expect, it } from "vitest";
import { checkPolicy, importedModules, slimePolicy } from "./policy";

describe("code policy", () => {
  it("is off without a policy", () => {
    expect(checkPolicy("import os\nos.system('x')", undefined)).toEqual({ ok: true, value: null });
  });

  it("blocks slime's dangerous patterns case-insensitively and names the rule", () => {
    const v = checkPolicy("x = EVAL ('1')", slimePolicy);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.error.rule).toContain("blocked_patterns[7]");
      expect(v.error.rule).toContain(String.raw`eval\s*\(`);
      expect(v.error.message).toBe(String.raw`Code contains dangerous pattern: eval\s*\(`);
    }
  });

  it("checks imports against allowed modules like slime (import and from)", () => {
    expect(checkPolicy("import math\nfrom math import pi\nprint(math.pi)", { ...slimePolicy, allowed_modules: ["math", "pi"] })).toEqual({ ok: true, value: null });
    // slime's regex also reads `import Fraction` out of a from-import, so this is blocked there too.
    expect(checkPolicy("from fractions import Fraction", slimePolicy)).toMatchObject({ ok: false, error: { message: "Import of 'Fraction' is not allowed" } });
    const v = checkPolicy("import numpy as np", slimePolicy);
    expect(v).toMatchObject({ ok: false, error: { message: "Import of 'numpy' is not allowed" } });
    if (!v.ok) expect(v.error.rule).toContain("allowed_modules");
  });

  it("finds every name in a comma import", () => {
    expect(importedModules("import math, json\nfrom a.b import c")).toEqual(["math", "json", "c", "a"]);
    expect(checkPolicy("import math, json", { allowed_modules: ["math"], blocked_patterns: [] })).toMatchObject({
      ok: false,
      error: { message: "Import of 'json' is not allowed" },
    });
  });

  it("skips module rules for shell commands but keeps patterns", () => {
    const p = { allowed_modules: ["math"], blocked_patterns: ["rm\\s+-rf"] };
    expect(checkPolicy("python3 -c 'import os'", p, false)).toEqual({ ok: true, value: null });
    expect(checkPolicy("rm  -rf /", p, false).ok).toBe(false);
  });

  it("treats an invalid pattern as blocking", () => {
    expect(checkPolicy("print(1)", { blocked_patterns: ["("] }).ok).toBe(false);
  });
});
