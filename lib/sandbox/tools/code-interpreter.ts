import "server-only";
import { z } from "zod";
import { checkPolicy } from "../policy";
import type { RunOutcome, ToolResult } from "../types";
import { signalNumber } from "../proc";
import type { ToolDefinition } from "./types";

// code_interpreter: the tool slime's ReTool example registers. `output` is exactly the string
// slime's PythonSandbox.execute_code / ToolRegistry.execute_tool (examples/retool/tool_sandbox.py)
// hands back to the model, so a rollout here reads like one there:
//   code.strip() == ""                 -> "Error: No code provided"
//   blocked by the (optional) policy   -> "Error: Code contains dangerous pattern: <p>" / "Error: Import of '<m>' is not allowed"
//   ran, exit code 0                   -> wrapper stdout .strip()  (Python whitespace), where the wrapper printed
//                                         "Output:\n<stdout>" if stdout, then "\nErrors:\n<stderr>" if stderr;
//                                         an uncaught Exception prints "Error: <str(e)>\nTraceback:\n<format_exc()>"
//                                         instead, dropping what was printed before it
//   exit code != 0 (SystemExit(n), SyntaxError, kill)
//                                      -> "Error: Process exited with code <rc>\n<stderr>"  (not stripped; rc < 0 for signals)
//   timeout                            -> "Error: Code execution timed out after <N> seconds"
//   could not start                    -> "Error: Failed to execute code: <reason>"
// To match byte for byte we run the same wrapper shape: every user line indented by four spaces
// inside a try, user line 1 on file line 22, stdout/stderr redirected to StringIO. The source is
// fed on stdin and registered in linecache so tracebacks show lines as with slime's file on disk;
// only the temp directory name differs (slime's is random). We have no "cancelled" in slime:
// that becomes "Error: Code execution cancelled".
export const codeInterpreterArgs = z.object({ code: z.string() });

export const SLIME_SCRIPT_PATH = "/tmp/python_sandbox/code.py";

const header = [
  "import sys",
  "import traceback",
  "from io import StringIO",
  "import resource",
  "",
  "# Same layout as slime's ReTool wrapper: the first user line is line 22,",
  "# so tracebacks carry the line numbers a model sees during training.",
  "# Limits come from the sandbox, not from this file.",
  "",
  "",
  "",
  "",
  "old_stdout = sys.stdout",
  "old_stderr = sys.stderr",
  "stdout_capture = StringIO()",
  "stderr_capture = StringIO()",
  "sys.stdout = stdout_capture",
  "sys.stderr = stderr_capture",
  "",
  "try:",
  "    # User code",
];

const footer = `
    stdout_output = stdout_capture.getvalue()
    stderr_output = stderr_capture.getvalue()
    sys.stdout = old_stdout
    sys.stderr = old_stderr
    result = ""
    if stdout_output:
        result += f"Output:\\n{stdout_output}"
    if stderr_output:
        result += f"\\nErrors:\\n{stderr_output}"
    print(result)
except Exception as e:
    sys.stdout = old_stdout
    sys.stderr = old_stderr
    print(f"Error: {str(e)}\\nTraceback:\\n{traceback.format_exc()}")`;

/** The program slime would write to code.py for this code. */
export function wrapLikeSlime(code: string): string {
  const indented = code.split("\n").map((line) => "    " + line).join("\n");
  return `${header.join("\n")}\n${indented}${footer}`;
}

// Reads the wrapped program from stdin, registers it with linecache, compiles it under slime's
// file name and runs it as __main__. A SyntaxError goes through the interpreter's own printer
// without frames, i.e. exactly as it reports a broken script, with exit status 1.
const boot = [
  "import sys,linecache",
  "def _rp_boot():",
  " s=sys.stdin.buffer.read().decode('utf-8')",
  ` f=${JSON.stringify(SLIME_SCRIPT_PATH)}`,
  " linecache.cache[f]=(len(s),None,s.splitlines(True),f)",
  " try:",
  "  c=compile(s,f,'exec')",
  " except SyntaxError as e:",
  "  sys.__excepthook__(type(e),e.with_traceback(None),None)",
  "  sys.exit(1)",
  " sys.argv[0]=f",
  " g=sys.modules['__main__'].__dict__",
  " g['__file__']=f",
  " del g['_rp_boot'],g['linecache']",
  " exec(c,g)",
  "_rp_boot()",
].join("\n");

/** Python's str.strip() with no argument: strips str.isspace() characters (JS trim() differs: \ufeff, \x1c-\x1f, \x85). */
const PY_WS = "[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const pyStripRe = new RegExp(`^${PY_WS}+|${PY_WS}+$`, "g");
export function pyStrip(s: string): string {
  return s.replace(pyStripRe, "");
}

/** Maps a finished run to slime's text. */
export function slimeText(run: RunOutcome, timeoutS: number): string {
  if (run.failure) return `Error: Failed to execute code: ${run.failure}`;
  if (run.cancelled) return "Error: Code execution cancelled";
  if (run.timed_out) return `Error: Code execution timed out after ${timeoutS} seconds`;
  const rc = run.exit_code ?? (run.signal ? -(signalNumber(run.signal) ?? 9) : -9);
  if (rc === 0) return pyStrip(run.stdout);
  return `Error: Process exited with code ${rc}\n${run.stderr}`;
}

export const codeInterpreter: ToolDefinition<typeof codeInterpreterArgs> = {
  name: "code_interpreter",
  description: "A tool for executing Python code in a safe sandbox environment.",
  schema: codeInterpreterArgs,
  async execute(args, ctx): Promise<ToolResult> {
    const base = { tool_name: "code_interpreter", isolated: ctx.runtime.isolated };
    if (pyStrip(args.code) === "") {
      return { ...base, status: "error", output: "Error: No code provided", error: "No code provided.", duration_ms: 0 };
    }
    const verdict = checkPolicy(args.code, ctx.config.policy);
    if (!verdict.ok) {
      return { ...base, status: "error", output: `Error: ${verdict.error.message}`, error: `Blocked by the code policy: ${verdict.error.rule}.`, duration_ms: 0 };
    }
    const python = ctx.runtime.python;
    if (!python) {
      const reason = "No Python interpreter is available on this backend. Install python3 or set PLAYGROUND_PYTHON.";
      return { ...base, status: "error", output: `Error: Failed to execute code: ${reason}`, error: reason, duration_ms: 0 };
    }
    const timeout = ctx.config.limits.timeout_s;
    const run = await ctx.runtime.run({
      argv: [python, "-c", boot],
      stdin: wrapLikeSlime(args.code),
      env: { PYTHONUNBUFFERED: "1", ...ctx.config.env },
      limits: ctx.config.limits,
      signal: ctx.signal,
    });
    const output = slimeText(run, timeout);
    const truncated = run.stdout_truncated || run.stderr_truncated;
    const common = {
      ...base,
      output,
      duration_ms: run.duration_ms,
      stdout: run.stdout,
      stderr: run.stderr,
      isolated: run.isolated,
      ...(run.exit_code !== null ? { exit_code: run.exit_code } : {}),
      ...(truncated ? { truncated: true } : {}),
      ...(run.notices?.length ? { notices: run.notices } : {}),
    };
    if (run.failure) return { ...common, status: "error", error: run.failure };
    if (run.cancelled) return { ...common, status: "cancelled", error: "Run cancelled." };
    if (run.timed_out) return { ...common, status: "timeout", error: `Timed out after ${timeout} s; the process tree was killed.` };
    if (run.exit_code !== 0) return { ...common, status: "error", error: output.split("\n")[0] };
    // The wrapper exits 0 even when the code raised: its text then starts with "Error: ".
    if (output.startsWith("Error: ")) return { ...common, status: "error", error: output.split("\n")[0] };
    return { ...common, status: "success" };
  },
};
