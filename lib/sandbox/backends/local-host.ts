import "server-only";
import { execFileSync } from "node:child_process";
import { lstatSync, readlinkSync, statSync } from "node:fs";
import path from "node:path";
import { serverEnv } from "@/lib/env";
import { findPython, type PythonInfo } from "../python";
import { isExecutable, isRoot } from "../proc";

/** What this machine offers the local backend. Probed once per process. */
export interface LocalHost {
  bwrap: string | null;
  /** Why bwrap is not used, when it is not. */
  bwrapReason?: string;
  setpriv: string | null;
  prlimit: string | null;
  bash: string | null;
  python: PythonInfo | null;
  pythonReason?: string;
  /** bwrap arguments shared by every run (system dirs read-only, python prefix, /proc, /dev). */
  bwrapBase: string[];
  /** Without bwrap: can an unprivileged uid execute the interpreter (pyenv under /root cannot)? */
  pythonWorldExecutable: boolean;
}

let cached: LocalHost | undefined;

function which(name: string): string | null {
  if (name.includes("/")) return isExecutable(name) ? name : null;
  for (const dir of (process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin").split(":")) {
    if (!dir) continue;
    const p = path.join(dir, name);
    if (isExecutable(p)) return p;
  }
  return null;
}

/** True when every directory on the way is o+x and the file o+x (runs as an unprivileged uid can exec it). */
function worldExecutable(file: string): boolean {
  try {
    if ((statSync(file).mode & 0o001) === 0) return false;
    for (let d = path.dirname(file); ; d = path.dirname(d)) {
      if ((statSync(d).mode & 0o001) === 0) return false;
      if (d === "/") return true;
    }
  } catch {
    return false;
  }
}

function systemBinds(python: PythonInfo | null): string[] {
  const args: string[] = ["--ro-bind", "/usr", "/usr"];
  // Merged-/usr systems have /bin -> usr/bin etc.; mirror whatever the host has.
  for (const name of ["bin", "sbin", "lib", "lib32", "lib64", "libx32"]) {
    const p = `/${name}`;
    try {
      const st = lstatSync(p);
      if (st.isSymbolicLink()) args.push("--symlink", readlinkSync(p), p);
      else if (st.isDirectory()) args.push("--ro-bind", p, p);
    } catch {
      /* absent on this host */
    }
  }
  args.push("--ro-bind", "/etc", "/etc");
  const made = new Set<string>(["/"]);
  for (const root of python?.roots ?? []) {
    if (root === "/usr" || root.startsWith("/usr/") || root.startsWith("/etc/")) continue;
    // bwrap creates missing parents 0700, which the unprivileged run user could not traverse.
    const parents: string[] = [];
    for (let d = path.dirname(root); !made.has(d); d = path.dirname(d)) parents.unshift(d);
    for (const d of parents) {
      args.push("--perms", "0755", "--dir", d);
      made.add(d);
    }
    args.push("--ro-bind", root, root);
    made.add(root);
  }
  args.push("--proc", "/proc", "--dev", "/dev");
  return args;
}

const nsArgs = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox", "--die-with-parent", "--new-session"];

export function probeLocalHost(): LocalHost {
  if (cached) return cached;
  const env = serverEnv();
  const py = findPython();
  const python = py.ok ? py.value : null;
  const setpriv = which("setpriv");
  const prlimit = which("prlimit");
  const bash = which("bash");
  let bwrap: string | null = null;
  let bwrapReason: string | undefined;
  const base = [...nsArgs, ...systemBinds(python)];
  if (env.PLAYGROUND_BWRAP === "off") bwrapReason = "bwrap disabled (PLAYGROUND_BWRAP=off)";
  else {
    const found = which(env.PLAYGROUND_BWRAP);
    // Only root drops each run to its own uid (setpriv inside bwrap); any other user's runs keep its uid.
    const drop = isRoot();
    if (!found) bwrapReason = `bwrap not installed (looked for ${JSON.stringify(env.PLAYGROUND_BWRAP)})`;
    else if (drop && !setpriv) bwrapReason = "setpriv (util-linux) not installed: cannot drop to an unprivileged user";
    else {
      // Probe the exact setup a run uses: namespaces can be forbidden (e.g. inside some containers).
      const dropArgs = drop ? ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--", setpriv!, "--reuid=65534", "--regid=65534", "--clear-groups"] : ["--"];
      try {
        execFileSync(/* turbopackIgnore: true */ found, [...base, "--tmpfs", "/tmp", ...dropArgs, "true"], {
          stdio: ["ignore", "ignore", "pipe"],
          timeout: 15_000,
        });
        bwrap = found;
      } catch (e) {
        const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
        bwrapReason = `bwrap cannot create a sandbox here: ${stderr || (e as Error).message}`;
      }
    }
  }
  cached = {
    bwrap,
    bwrapReason,
    setpriv,
    prlimit,
    bash,
    python,
    pythonReason: py.ok ? undefined : py.error.message,
    bwrapBase: base,
    pythonWorldExecutable: python ? worldExecutable(python.executable) : false,
  };
  return cached;
}
