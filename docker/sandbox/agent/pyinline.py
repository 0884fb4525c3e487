"""Runs `python3 -c CODE` inside an already-initialised interpreter that has just forked: the
shared core of the Docker agent (agent.py) and the local backend's fork server
(lib/sandbox/backends/local-forkserver.py). The caller has set up stdio on fds 0-2, signals and
limits; this makes the rest look like a fresh interpreter and never returns."""
import os
import signal
import sys

# PYTHON* variables a forked interpreter can still honour (run_python_inline applies them); any
# other one (PYTHONPATH, PYTHONHASHSEED, ...) acts at start-up, so the run needs a fresh python3.
# The local backend decides the same in TypeScript (canRunInline, local-forkserver.ts).
INLINE_SAFE_PYTHON_VARS = frozenset({"PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE"})


def inline_env_ok(env):
    """True when `env` lets a `python3 -c` run inline in a fork (no start-up-only variables, no
    PLAYGROUND_FORKSERVER=0 opt-out)."""
    if env.get("PLAYGROUND_FORKSERVER") == "0":
        return False
    return all(not k.startswith("PYTHON") or k in INLINE_SAFE_PYTHON_VARS for k in env)


def script_argv(argv, pythons):
    """For `python3 main.py [args]` (a script, no interpreter options): the script's argv, else None."""
    if len(argv) >= 2 and argv[0] in pythons and argv[1].endswith(".py") and not argv[1].startswith("-"):
        return list(argv[1:])
    return None


def run_python_inline(code, env, fresh_modules, script=None):
    """Behaves as `python3 -c code` would: stdio, argv, sys.path, environment, a fresh __main__,
    only the modules a fresh interpreter has, traceback printing, SystemExit codes, then
    non-daemon threads and atexit handlers at the end. With `script` (its argv, from
    script_argv), as `python3 script args` would: `code` is then ignored and the file is run."""
    import io
    import types

    os.environ.clear()
    os.environ.update(env)
    sys.dont_write_bytecode = bool(env.get("PYTHONDONTWRITEBYTECODE"))
    unbuffered = bool(env.get("PYTHONUNBUFFERED"))

    def stream(fd, mode, errors, line_buffering=False):
        raw = io.FileIO(fd, mode, closefd=False)
        if mode == "r":
            return io.TextIOWrapper(io.BufferedReader(raw), encoding="utf-8", errors=errors)
        return io.TextIOWrapper(io.BufferedWriter(raw), encoding="utf-8", errors=errors, line_buffering=line_buffering, write_through=unbuffered)

    sys.stdin = sys.__stdin__ = stream(0, "r", "strict")
    sys.stdout = sys.__stdout__ = stream(1, "w", "strict")
    sys.stderr = sys.__stderr__ = stream(2, "w", "backslashreplace", line_buffering=True)
    main = types.ModuleType("__main__")
    main.__dict__["__builtins__"] = __builtins__
    main.__annotations__ = {}
    filename = "<string>"
    if script:
        path = os.path.abspath(script[0])
        sys.argv = list(script)
        sys.path[0] = os.path.dirname(path)
        main.__file__ = path
        main.__cached__ = None
        main.__loader__ = sys.modules["_frozen_importlib_external"].SourceFileLoader("__main__", path)
        filename = path
        try:
            with open(path, "rb") as f:
                code = f.read()
        except OSError as e:
            print(f"{sys.executable}: can't open file {path!r}: [Errno {e.errno}] {e.strerror}", file=sys.stderr)
            sys.stderr.flush()
            os._exit(2)
    else:
        sys.argv = ["-c"]
        sys.path[0] = ""
        # `python -c` creates __main__ as a built-in module.
        main.__loader__ = sys.modules["_frozen_importlib"].BuiltinImporter
    for name in [m for m in sys.modules if m not in fresh_modules]:
        del sys.modules[name]
    sys.modules["__main__"] = main
    status = 0
    interrupted = False
    try:
        try:
            compiled = compile(code, filename, "exec")
        except SyntaxError as e:
            sys.excepthook(type(e), e.with_traceback(None), None)
            status = 1
        else:
            exec(compiled, main.__dict__)
    except SystemExit as e:
        status = exit_status(e)
    except BaseException as e:  # noqa: BLE001 - printed like the interpreter does
        tb = e.__traceback__.tb_next if e.__traceback__ else None
        try:
            sys.excepthook(type(e), e.with_traceback(tb), tb)
        except BaseException:  # noqa: BLE001
            pass
        status = 130 if isinstance(e, KeyboardInterrupt) else 1
        interrupted = isinstance(e, KeyboardInterrupt)
    try:
        if "threading" in sys.modules:
            sys.modules["threading"]._shutdown()
        import atexit

        atexit._run_exitfuncs()
    except SystemExit as e:
        status = exit_status(e)
    except BaseException:  # noqa: BLE001
        pass
    for f in (sys.stdout, sys.stderr):
        try:
            f.flush()
        except BaseException:  # noqa: BLE001 - e.g. a closed pipe: Python exits 120 then
            status = status or 120
    if interrupted:
        # CPython ends on an unhandled KeyboardInterrupt by killing itself with SIGINT (status -2).
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    os._exit(status)


def exit_status(e):
    code = e.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    try:
        print(code, file=sys.stderr)
    except BaseException:  # noqa: BLE001
        pass
    return 1
