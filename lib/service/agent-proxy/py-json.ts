// Python's json.dumps(x, ensure_ascii=False) with its default separators (", " and ": "): what the
// `tojson` filter of transformers' apply_chat_template writes, so tool schemas and tool-call
// arguments render as the served model saw them. Key order is insertion order, as Python's dict.
// (JSON.parse cannot tell 1.0 from 1, so a float-valued integer renders as "1" where Python wrote "1.0".)
// Isomorphic.

export function pyJsonDumps(v: unknown): string {
  if (v === null || v === undefined) return "null";
  switch (typeof v) {
    case "boolean":
      return v ? "true" : "false";
    case "number":
      if (Number.isNaN(v)) return "NaN";
      if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
      return JSON.stringify(v);
    case "string":
      return JSON.stringify(v);
    case "object": {
      if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(", ")}]`;
      const parts: string[] = [];
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (x === undefined) continue;
        parts.push(`${JSON.stringify(k)}: ${pyJsonDumps(x)}`);
      }
      return `{${parts.join(", ")}}`;
    }
    default:
      return JSON.stringify(String(v));
  }
}
