"""memflux bootstrap: runs the user's program under the memflux agent.

memflux starts `python memflux_bootstrap.py MODE TARGET ARGS...` with the agent
preloaded (LD_PRELOAD) and MEMFLUX_* variables naming its socket. This file puts the
environment back as the user had it, gives the program the sys.argv, sys.orig_argv,
sys.modules, __main__ and sys.path[0] that plain `python3 FILE`, `python3 -m MODULE` or
`python3 -c CMD` would, starts tracking just before the program's first line and stops
it after the interpreter has waited for the program's threads (an atexit handler
registered before the program runs is called last).

It must stay parseable by Python 2.7: an interpreter too old to run memflux is told so
in one line rather than with a traceback from this file.
"""
import os
import sys


def _say_started():
    # memflux tells "this interpreter never ran the bootstrap" (/bin/true as --python)
    # from "the bootstrap ended before tracking" (a syntax error) by this file.
    socket_path = os.environ.get("MEMFLUX_SOCKET")
    if socket_path:
        try:
            open(os.path.join(os.path.dirname(socket_path), "started"), "w").close()
        except (IOError, OSError):
            pass


def _check_version():
    implementation = getattr(getattr(sys, "implementation", None), "name", "cpython")
    if implementation == "cpython" and sys.version_info >= (3, 8):
        return
    name = os.environ.get("MEMFLUX_PYTHON") or sys.executable
    kind = "Python" if implementation == "cpython" else implementation
    version = ".".join(str(part) for part in sys.version_info[:3])
    sys.stderr.write("memflux: %s is %s %s; memflux needs CPython 3.8 or newer\n" % (name, kind, version))
    sys.exit(1)


def _restore_environment():
    """Children the program execs must be neither tracked nor disturbed."""
    original = os.environ.pop("MEMFLUX_ORIG_LD_PRELOAD", None)
    if original is not None:
        os.environ["LD_PRELOAD"] = original
    else:
        os.environ.pop("LD_PRELOAD", None)
    agent = os.environ.pop("MEMFLUX_AGENT")
    socket_path = os.environ.pop("MEMFLUX_SOCKET")
    flags = int(os.environ.pop("MEMFLUX_FLAGS", "0"))
    python = os.environ.pop("MEMFLUX_PYTHON", None) or sys.executable
    os.environ.pop("MEMFLUX_SAMPLE_RATE", None)  # read by the agent when it was loaded
    return agent, socket_path, flags, python


def _fresh_main(**attributes):
    module = type(sys)("__main__")
    module.__dict__.update(attributes)
    module.__builtins__ = __builtins__
    sys.modules["__main__"] = module
    return module


def _compile(source, filename):
    """Compiles as python would, or prints what python prints for a syntax error (no
    traceback: the error is in the program, not in any frame) and exits 1."""
    try:
        return compile(source, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        etype, value = sys.exc_info()[:2]
        sys.excepthook(etype, value.with_traceback(None), None)
        sys.exit(1)


def _prepare(mode, target, args, python):
    """Sets sys.argv, sys.orig_argv, sys.path[0] and __main__ as python would; returns
    (run, command line)."""
    if mode == "file":
        try:
            with open(target, "rb") as f:
                source = f.read()
        except OSError as e:
            sys.stderr.write("%s: can't open file %r: [Errno %d] %s\n" % (sys.executable, target, e.errno, e.strerror))
            sys.exit(2)
        path = os.path.abspath(target)
        sys.argv = [target] + args
        sys.path[0] = os.path.dirname(os.path.realpath(target))
        code = _compile(source, path)
        main = _fresh_main(__file__=path, __cached__=None, __loader__=None, __spec__=None, __package__=None)

        def run():
            exec(code, main.__dict__)
        return run, [target] + args
    if mode == "module":
        # Imported as python -m imports it: before the module runs (so not tracked) and
        # after the bootstrap's own modules were dropped (so sys.modules is python's).
        import runpy

        sys.argv = [target] + args
        sys.path[0] = os.getcwd()
        _fresh_main()

        def run():
            # What `python -m` itself runs: it sets argv[0] to the module's file.
            runpy._run_module_as_main(target, alter_argv=True)
        return run, ["-m", target] + args
    if mode == "command":
        sys.argv = ["-c"] + args
        sys.path[0] = ""
        code = _compile(target, "<string>")
        main = _fresh_main(__loader__=None, __spec__=None, __package__=None)

        def run():
            exec(code, main.__dict__)
        return run, ["-c", target] + args
    raise SystemExit("memflux bootstrap: unknown mode " + mode)


def _report(etype, value, tb):
    """Prints the traceback as python would: without this file's frames. The default
    excepthook reads value.__traceback__, so that is what gets trimmed."""
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    if value is not None:
        value = value.with_traceback(tb)
    sys.excepthook(etype, value, tb)


def _forget_own_modules(before, bootstrap_dir):
    """The program finds sys.modules as python leaves it: what this file imported is
    dropped from it. atexit is kept before 3.10, where a second import would replace the
    registry holding the stop handler. Returns the dropped modules, which the caller
    keeps alive: freeing them would hand pymalloc arenas back to the system just before
    the program starts, which then maps new ones at its first lines (1 MiB "allocations"
    that python alone would not make there)."""
    dropped = []
    for name in list(sys.modules):
        if name not in before and not (name == "atexit" and sys.version_info < (3, 10)):
            dropped.append(sys.modules.pop(name))
    sys.path_importer_cache.pop(bootstrap_dir, None)
    return dropped


def main():
    mode, target, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    agent_path, socket_path, flags, python = _restore_environment()
    modules_before = set(sys.modules)
    # Imported before tracking starts: memflux's own work is not the program's.
    import atexit
    import ctypes

    try:
        agent = ctypes.PyDLL(agent_path)
    except OSError as e:
        sys.stderr.write("memflux: %s cannot load the memflux agent: %s\n" % (python, e))
        return 1
    agent.memflux_start.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    agent.memflux_start.restype = ctypes.c_int
    agent.memflux_thread_init.restype = None
    agent.memflux_stop.restype = None
    agent.memflux_stack_source.restype = ctypes.c_int
    own_modules = _forget_own_modules(modules_before, sys.path[0])

    run, program_argv = _prepare(mode, target, args, python)
    if sys.version_info[:2] != (3, 11) or os.environ.get("MEMFLUX_STACK_SOURCE") == "profile":
        # The agent will keep stacks with a profile function (it walks frames on 3.11
        # only), which needs threading: imported before tracking, like the rest.
        import threading
    if hasattr(sys, "orig_argv"):
        # What autoreloaders re-exec: the interpreter as it was named, then the program.
        sys.orig_argv = [sys.orig_argv[0]] + program_argv
    command_line = " ".join([python] + [repr(a) if mode == "command" and i == 1 else a
                                        for i, a in enumerate(program_argv)])

    if agent.memflux_start(socket_path.encode(), command_line.encode(errors="replace"), flags,
                           __file__.encode()) != 0:
        sys.stderr.write("memflux: the agent could not start tracking\n")
        return 1
    profiled = []
    if agent.memflux_stack_source() == 1:
        # Stacks come from a profile function, which every new thread needs too (so
        # threading stays imported in this mode). With the frame walk, the default on
        # CPython 3.11, no thread needs anything.
        import threading  # noqa: F811 (already imported unless the frame walk was refused)

        def follow_new_thread(*_):
            # The first profile event of a new thread lands here; from then on the
            # agent's C profile function replaces this one.
            agent.memflux_thread_init()
        threading.setprofile(follow_new_thread)
        profiled.append(threading)
    interrupted = []

    def finish():
        # Registered before the program runs, so called last: after threading's
        # shutdown (non-daemon threads, executor jobs) and the program's own handlers.
        for threading in profiled:
            threading.setprofile(None)
        agent.memflux_stop()
        del own_modules[:]
        if interrupted:
            # Like python itself: die of the SIGINT, so the parent sees the signal.
            sys.stdout.flush()
            sys.stderr.flush()
            import _signal
            _signal.signal(_signal.SIGINT, _signal.SIG_DFL)
            os.kill(os.getpid(), _signal.SIGINT)
    atexit.register(finish)
    try:
        run()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        interrupted.append(True)
        _report(*sys.exc_info())
        return 130
    except BaseException:
        _report(*sys.exc_info())
        return 1
    return 0


if __name__ == "__main__":
    _say_started()
    _check_version()
    sys.exit(main())
