import "server-only";
import { ok, type Result } from "@/lib/result";
import { createHash, randomUUID } from "node:crypto";
import { chownSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { promises as fs } from "node:fs";
import path from "node:path";
import { serverEnv } from "@/lib/env";
import { createToolSandbox } from "../sandbox";
import type {
  BackendAvailability,
  Limits,
  RunOutcome,
  RunSpec,
  Sandbox,
  SandboxBackend,
  SandboxConfigInput,
  SandboxRuntime,
} from "../types";
import { limitsSchema, sandboxConfigSchema, sandboxSessionIdSchema, type IsolationLevel, type NotebookChannel } from "../types";
import { emptyOutcome } from "../run-outcome";
import { createWorkdirFs } from "../workdir-fs";
import { probeLocalHost, type LocalHost } from "./local-host";
import { runProcess, type LaunchSpec } from "./local-run";
import { FORKSERVER_MOUNT, forkServerBinds, LocalForkServer } from "./local-forkserver";
import { prlimitFlags, ulimitLine } from "./rlimits";
import { hostLanguages } from "../tools/multi-code-languages";
import { LocalNotebook, localNotebookSupport } from "./local-notebook";
import { killUidProcesses } from "./procs";
import { isRoot, processAlive } from "../proc";

const MiB = 1024 * 1024;
const baseEnvPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Local backend: one directory per session, each run under bwrap (or rlimits only without it). */
export class LocalBackend implements SandboxBackend {
  readonly name = "local" as const;
  private sessions = new Map<string, LocalSession>();
  private usedUids = new Set<number>();
  private reaped = false;
  /** The warm template (one fork server for every template session), started on first use. */
  private templateServer: LocalForkServer | null = null;

  /** `forkServer` overrides PLAYGROUND_LOCAL_FORKSERVER (tests run both paths side by side). */
  constructor(private readonly opts: { forkServer?: boolean } = {}) {}

  get forkServerEnabled(): boolean {
    return this.opts.forkServer ?? serverEnv().PLAYGROUND_LOCAL_FORKSERVER;
  }

  /** The session's raw runtime (argv-level runs with stdin), for callers below the tool layer. */
  runtimeOf(sessionId: string): SandboxRuntime | undefined {
    return this.sessions.get(sessionId);
  }

  host(): LocalHost {
    return probeLocalHost();
  }

  sessionsRoot(): string {
    return path.resolve(serverEnv().PLAYGROUND_STATE_DIR, "sessions");
  }

  async availability(): Promise<BackendAvailability> {
    const h = this.host();
    const requireIso = serverEnv().PLAYGROUND_REQUIRE_ISOLATION;
    if (!h.python) return { backend: "local", available: false, isolated: !!h.bwrap, reason: h.pythonReason };
    if (!h.bwrap && requireIso)
      return { backend: "local", available: false, isolated: false, reason: `${h.bwrapReason}; PLAYGROUND_REQUIRE_ISOLATION=1 refuses unisolated runs` };
    return {
      backend: "local",
      available: true,
      isolated: !!h.bwrap,
      isolation: h.bwrap ? "local · bwrap" : "local · rlimits only",
      reason: h.bwrap ? `bwrap isolation, python ${h.python.version}` : `not isolated: ${h.bwrapReason}; runs have rlimits only`,
      languages: hostLanguages(),
    };
  }

  /**
   * Template sessions (the service API's fresh sandbox per request) run in forks of one warm
   * template server, each fork with namespaces, /tmp and uid of its own. Needs root (the template
   * creates the namespaces) and bwrap; otherwise a template session is an ordinary session.
   */
  templatesAvailable(): boolean {
    const h = this.host();
    return isRoot() && !!h.bwrap && !!h.setpriv && !!h.python && this.forkServerEnabled && serverEnv().PLAYGROUND_WARM_TEMPLATES;
  }

  /** The warm template server, started if needed; null when templates are not available here. */
  template(): LocalForkServer | null {
    if (!this.templatesAvailable()) return null;
    if (!this.templateServer) {
      const h = this.host();
      this.templateServer = new LocalForkServer(() => {
        mkdirSync(this.sessionsRoot(), { recursive: true });
        const args = [
          ...h.bwrapBase,
          // Each run binds its own session directory at /sandbox and hides the rest (forkserver.py).
          "--bind", this.sessionsRoot(), "/sessions",
          "--dir", "/sandbox",
          "--size", String(MiB), "--tmpfs", "/tmp",
          "--perms", "0755", "--dir", path.posix.dirname(FORKSERVER_MOUNT),
          ...forkServerBinds.flatMap(([from, to]) => ["--ro-bind", from, to]),
          "--chdir", "/",
          ...["CAP_SYS_ADMIN", "CAP_SETUID", "CAP_SETGID", "CAP_NET_ADMIN"].flatMap((c) => ["--cap-add", c]),
          "--", h.python!.executable, FORKSERVER_MOUNT, "--template",
        ];
        const env = { PATH: baseEnvPath, HOME: "/", TMPDIR: "/tmp", LANG: "C.UTF-8", LC_ALL: "C.UTF-8" } as unknown as NodeJS.ProcessEnv;
        return { file: h.bwrap!, args, env };
      });
    }
    return this.templateServer;
  }

  /** Starts the warm template now; resolves true once it is ready (false: no templates here). */
  async warmTemplate(): Promise<boolean> {
    const t = this.template();
    if (!t) return false;
    await t.start();
    return true;
  }

  async create(configInput?: SandboxConfigInput, opts?: { sessionId?: string; template?: boolean }): Promise<Sandbox> {
    const config = sandboxConfigSchema.parse(configInput ?? {});
    const id = opts?.sessionId ?? randomUUID();
    if (!sandboxSessionIdSchema.safeParse(id).success) throw new Error(`Invalid session id ${JSON.stringify(id)} (letters, digits, _ and -, up to 64).`);
    if (this.sessions.has(id)) throw new Error(`Session ${id} already exists in this process.`);
    const root = this.sessionsRoot();
    this.reapStale(root);
    const uid = this.allocateUid();
    const dir = path.join(root, id);
    try {
      mkdirSync(dir, { recursive: false, mode: 0o700 });
    } catch (e) {
      this.usedUids.delete(uid);
      throw new Error(`Cannot create session directory ${dir}: ${(e as Error).message}`);
    }
    if (isRoot()) chownSync(dir, uid, uid);
    // The owner file lets a later server remove this directory if we die without closing it.
    writeFileSync(`${dir}.owner`, String(process.pid));
    const session = new LocalSession(this, id, dir, uid, !!opts?.template && this.templatesAvailable());
    this.sessions.set(id, session);
    // A template session is ready once the template is (a pool keeps them; a failed start shows
    // in the run), and its first run's sandbox is prepared meanwhile.
    if (session.fromTemplate) {
      await this.template()?.start().catch(() => {});
      session.prepare(tmpBytes(config.limits));
    } else session.prewarm();
    return createToolSandbox({
      id,
      backend: "local",
      config,
      runtime: session,
      onClose: () => this.closeSession(id),
    });
  }

  private allocateUid(): number {
    const base = serverEnv().PLAYGROUND_SANDBOX_UID_BASE;
    // Random within a wide range so parallel server/test processes rarely collide.
    for (;;) {
      const uid = base + Math.floor(Math.random() * 60000);
      if (!this.usedUids.has(uid)) {
        this.usedUids.add(uid);
        return uid;
      }
    }
  }

  private reapStale(root: string) {
    mkdirSync(root, { recursive: true });
    if (this.reaped) return;
    this.reaped = true;
    for (const name of readdirSync(root)) {
      if (!name.endsWith(".owner")) continue;
      const pid = Number(readFileSync(path.join(root, name), "utf8"));
      if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) continue;
      rmSync(path.join(root, name.slice(0, -".owner".length)), { recursive: true, force: true });
      rmSync(path.join(root, name), { force: true });
    }
  }

  async closeSession(id: string): Promise<void> {
    const s = this.sessions.get(id);
    if (!s) return;
    this.sessions.delete(id);
    s.killAll();
    await fs.rm(s.dir, { recursive: true, force: true });
    await fs.rm(`${s.dir}.owner`, { force: true });
    this.usedUids.delete(s.uid);
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.closeSession(id)));
    this.templateServer?.close();
    this.templateServer = null;
  }

  /** For process exit: kill everything and remove directories synchronously. */
  shutdownSync(): void {
    this.templateServer?.close();
    this.templateServer = null;
    for (const s of this.sessions.values()) {
      s.killAll();
      rmSync(s.dir, { recursive: true, force: true });
      rmSync(`${s.dir}.owner`, { force: true });
    }
    this.sessions.clear();
  }
}

class LocalSession implements SandboxRuntime {
  readonly backend = "local" as const;
  readonly fs;
  private active = new Set<AbortController>();

  constructor(
    private owner: LocalBackend,
    readonly id: string,
    readonly dir: string,
    readonly uid: number,
    /** Runs go to the backend's warm template, each in a fresh sandbox (no state between runs but the session directory). */
    readonly fromTemplate = false,
  ) {
    this.fs = createWorkdirFs(dir, isRoot() ? { owner: { uid, gid: uid } } : {});
  }

  get isolated() {
    return !!this.owner.host().bwrap;
  }
  get isolation(): IsolationLevel {
    return this.isolated ? "local · bwrap" : "local · rlimits only";
  }
  get python() {
    return this.owner.host().python?.executable ?? null;
  }
  /** The host's installed toolchains as they are now (the compile cache's key: an upgrade invalidates it). */
  get toolchainId(): string {
    return localToolchainId();
  }

  /** The key of the fresh sandbox the template prepared for this session's first run, and its /tmp size. */
  private prepared: { key: string; tmp_bytes: number } | null = null;

  /** Has the template prepare the first run's sandbox now (the pool keeps sessions until a request takes one). */
  prepare(tmp_bytes: number) {
    const t = this.fromTemplate ? this.owner.template() : null;
    if (!t || !this.isolated) return;
    this.prepared = { key: this.id, tmp_bytes };
    t.prepare(this.id, { dir: this.id, uid: this.uid, tmp_bytes });
  }

  killAll() {
    if (this.prepared) this.owner.template()?.discard(this.prepared.key);
    this.prepared = null;
    for (const c of this.active) c.abort();
    this.zygote?.close();
    this.zygote = null;
    this.nb?.kill();
    this.nb = null;
    if (!this.isolated && isRoot()) killUidProcesses(this.uid);
  }

  /** notebook_executor's kernel: one Jupyter driver per session, under the same isolation as runs. */
  private nb: LocalNotebook | null = null;
  async notebook(): Promise<Result<NotebookChannel>> {
    const h = this.owner.host();
    const support = localNotebookSupport(h);
    if (!support.ok) return support;
    if (!this.nb?.alive) this.nb = new LocalNotebook({ host: h, python: support.value, dir: this.dir, uid: isRoot() ? this.uid : null, limits: limitsSchema.parse({}) });
    return ok(this.nb);
  }

  /** The session's fork server (isolated runs only; PLAYGROUND_LOCAL_FORKSERVER=0 keeps a bwrap spawn per run). */
  private zygote: LocalForkServer | null = null;
  private forkServer(): LocalForkServer | null {
    const h = this.owner.host();
    if (!h.bwrap || !h.python || !this.owner.forkServerEnabled) return null;
    this.zygote ??= new LocalForkServer(() => {
      const limits = limitsSchema.parse({});
      const args = [
        ...h.bwrapBase,
        "--bind", this.dir, "/sandbox",
        "--size", String(Math.min(limits.file_size_mb, 256) * MiB), "--tmpfs", "/tmp",
        // bwrap would create the mount point's parents 0700, out of the run user's reach.
        "--perms", "0755", "--dir", path.posix.dirname(FORKSERVER_MOUNT),
        ...forkServerBinds.flatMap(([from, to]) => ["--ro-bind", from, to]),
        "--chdir", "/sandbox",
      ];
      if (isRoot()) args.push("--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--", h.setpriv!, `--reuid=${this.uid}`, `--regid=${this.uid}`, "--clear-groups", "--inh-caps=-all", "--bounding-set=-all");
      else args.push("--");
      args.push(h.python!.executable, FORKSERVER_MOUNT);
      const env = { PATH: baseEnvPath, HOME: "/sandbox", TMPDIR: "/tmp", LANG: "C.UTF-8", LC_ALL: "C.UTF-8" } as unknown as NodeJS.ProcessEnv;
      return { file: h.bwrap!, args, env };
    });
    return this.zygote;
  }

  /** Starts the fork server in the background so the session's first run does not pay for it. */
  prewarm() {
    if (this.fromTemplate) void this.owner.template()?.start().catch(() => {});
    else void this.forkServer()?.start().catch(() => {});
  }

  async run(spec: RunSpec): Promise<RunOutcome> {
    const h = this.owner.host();
    const notices: string[] = [];
    const isolated = !!h.bwrap;
    if (!isolated) {
      if (serverEnv().PLAYGROUND_REQUIRE_ISOLATION) {
        return refused(`Refused: PLAYGROUND_REQUIRE_ISOLATION=1 but this run cannot be isolated (${h.bwrapReason}).`);
      }
      notices.push(`Not isolated: ${h.bwrapReason}. The run has rlimits only and can read the host filesystem and network.`);
    }
    const cwdRel = (spec.cwd ?? "").split("/").filter((s) => s && s !== ".");
    if (cwdRel.includes("..")) return refused(`Invalid cwd ${JSON.stringify(spec.cwd)}.`);

    const env = {
      PATH: baseEnvPath,
      HOME: isolated ? "/sandbox" : this.dir,
      TMPDIR: "/tmp",
      LANG: "C.UTF-8",
      LC_ALL: "C.UTF-8",
      ...spec.env,
    } as unknown as NodeJS.ProcessEnv;
    const limits = spec.limits;
    // One run spec for both fork servers; the warm template adds the fresh sandbox it builds per run.
    const template = isolated && this.fromTemplate ? this.owner.template() : null;
    const server = template ?? (isolated ? this.forkServer() : null);
    if (server) {
      const fresh = template ? { dir: this.id, uid: this.uid, tmp_bytes: tmpBytes(limits) } : undefined;
      // The prepared sandbox serves the session's first run only (each run gets a fresh one).
      const prepared = fresh && this.prepared?.tmp_bytes === fresh.tmp_bytes ? this.prepared.key : undefined;
      this.prepared = null;
      return await server.run({
        argv: spec.argv,
        cwd: cwdRel.join("/"),
        env: env as Record<string, string>,
        stdin: spec.stdin,
        limits,
        signal: spec.signal,
        notices,
        onOutput: spec.onOutput,
        python: h.python?.executable ?? null,
        ...(fresh ? { fresh } : {}),
        ...(prepared ? { prepared } : {}),
      });
    }
    const drop = isRoot();
    let launch: Pick<LaunchSpec, "file" | "args" | "options">;
    if (isolated) {
      const args = [
        ...h.bwrapBase,
        "--bind", this.dir, "/sandbox",
        // A private /tmp, sized so it cannot be used to exhaust host memory.
        "--size", String(Math.min(limits.file_size_mb, 256) * MiB), "--tmpfs", "/tmp",
        "--chdir", path.posix.join("/sandbox", ...cwdRel),
      ];
      if (drop) args.push("--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--", h.setpriv!, `--reuid=${this.uid}`, `--regid=${this.uid}`, "--clear-groups", "--inh-caps=-all", "--bounding-set=-all");
      else args.push("--");
      args.push(...rlimitPrefix(h, limits), ...spec.argv);
      launch = { file: h.bwrap!, args, options: { env } };
    } else {
      // Without bwrap the run still gets its own uid (so the process limit binds and kill -1 stays in
      // the session), unless the interpreter sits where that uid cannot reach (pyenv under /root).
      const runAsUser = drop && (h.pythonWorldExecutable || spec.argv[0] !== h.python?.executable);
      if (drop && !runAsUser) notices.push("Runs as root: the interpreter is not reachable by an unprivileged user, so the process limit does not bind.");
      const [file, ...args] = [...rlimitPrefix(h, limits), ...spec.argv];
      launch = {
        file: file!,
        args,
        options: { env, cwd: path.join(this.dir, ...cwdRel), ...(runAsUser ? { uid: this.uid, gid: this.uid } : {}) },
      };
    }

    const ctl = new AbortController();
    const onOuterAbort = () => ctl.abort();
    if (spec.signal?.aborted) ctl.abort();
    spec.signal?.addEventListener("abort", onOuterAbort, { once: true });
    this.active.add(ctl);
    try {
      return await runProcess({
        ...launch,
        stdin: spec.stdin,
        timeoutMs: limits.timeout_s * 1000,
        outputBytes: limits.output_bytes,
        onOutput: spec.onOutput,
        signal: ctl.signal,
        isolated,
        notices,
        // No pid namespace: background children can only be found by uid. Only when this is the
        // session's sole run, so concurrent runs of the same session are not killed.
        reapExtra: !isolated && drop ? () => this.active.size <= 1 && killUidProcesses(this.uid) : undefined,
      });
    } finally {
      this.active.delete(ctl);
      spec.signal?.removeEventListener("abort", onOuterAbort);
    }

    function refused(failure: string): RunOutcome {
      return emptyOutcome({ isolated: false, notices, extra: { failure } });
    }
  }
}

/**
 * Names the host's compilers' build for the compile cache. Local runs use the host's own toolchains,
 * which can change under a running server (apt, rustup): the id is the modification time and size
 * of the places an install or upgrade rewrites (the package database, the system and per-user
 * toolchain directories), read on every compile, so a changed toolchain never gets an old binary.
 */
function localToolchainId(): string {
  const home = process.env.HOME ?? "/root";
  const places = ["/var/lib/dpkg/status", "/var/lib/rpm", "/lib/apk/db/installed", "/usr/bin", "/usr/lib", "/usr/libexec", "/usr/local/bin", "/usr/local/lib", "/usr/local/go", "/opt",
    `${home}/.cargo/bin`, `${home}/.rustup/toolchains`, `${home}/.dotnet`, `${home}/.sdkman/candidates`, `${home}/go/bin`];
  const h = createHash("sha256");
  for (const p of places) {
    try {
      const st = statSync(p);
      h.update(`${p}\0${st.mtimeMs}\0${st.size}\0${st.ino}\n`);
    } catch {
      h.update(`${p}\0-\n`);
    }
  }
  return `local:${h.digest("hex").slice(0, 32)}`;
}

/** The size of a fresh sandbox's private /tmp for these limits. */
const tmpBytes = (l: Limits) => Math.min(l.file_size_mb, 256) * MiB;

/** The run's rlimits as a command prefix: prlimit, or bash's ulimit where prlimit is missing. */
function rlimitPrefix(h: LocalHost, l: Limits): string[] {
  if (h.prlimit) return [h.prlimit, ...prlimitFlags(l)];
  return [h.bash ?? "/bin/bash", "-c", `${ulimitLine(l)} && exec "$@"`, "limits"];
}
