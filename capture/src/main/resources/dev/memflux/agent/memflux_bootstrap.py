"""memflux bootstrap: runs the user's program under the memflux agent.

memflux starts `python memflux_bootstrap.py MODE TARGET ARGS...` with the agent
preloaded (LD_PRELOAD) and MEMFLUX_* variables naming its socket. This file puts the
environment back as the user had it, gives the program the sys.argv, __main__ and
sys.path[0] that plain `python3 FILE`, `python3 -m MODULE` or `python3 -c CMD` would,
starts tracking just before the program's first line and stops it when the program
ends, before the interpreter's own shutdown.
"""
import os
import sys


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
    return agent, socket_path, flags


def _fresh_main(**attributes):
    import types

    module = types.ModuleType("__main__")
    module.__dict__.update(attributes)
    module.__builtins__ = __builtins__
    sys.modules["__main__"] = module
    return module


def _prepare(mode, target, args):
    """Sets sys.argv, sys.path[0] and __main__ as python would; returns (run, command line)."""
    python = os.path.basename(sys.executable) or "python3"
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
        code = compile(source, path, "exec", dont_inherit=True)
        main = _fresh_main(__file__=path, __cached__=None, __loader__=None, __spec__=None, __package__=None)
        return (lambda: exec(code, main.__dict__)), " ".join([python, target] + args)
    if mode == "module":
        import runpy

        sys.argv = [target] + args
        sys.path[0] = os.getcwd()
        _fresh_main()
        # What `python -m` itself runs: it sets argv[0] to the module's file.
        return (lambda: runpy._run_module_as_main(target, alter_argv=True)), " ".join([python, "-m", target] + args)
    if mode == "command":
        sys.argv = ["-c"] + args
        sys.path[0] = ""
        code = compile(target, "<string>", "exec", dont_inherit=True)
        main = _fresh_main(__loader__=None, __spec__=None, __package__=None)
        return (lambda: exec(code, main.__dict__)), " ".join([python, "-c", repr(target)] + args)
    raise SystemExit("memflux bootstrap: unknown mode " + mode)


def _report(etype, value, tb):
    """Prints the traceback as python would: without this file's frames. The default
    excepthook reads value.__traceback__, so that is what gets trimmed."""
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    if value is not None:
        value = value.with_traceback(tb)
    sys.excepthook(etype, value, tb)


def main():
    mode, target, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    agent_path, socket_path, flags = _restore_environment()
    # Imported before tracking starts: memflux's own work is not the program's.
    import ctypes
    import signal
    import threading

    agent = ctypes.PyDLL(agent_path)
    agent.memflux_start.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    agent.memflux_start.restype = ctypes.c_int
    agent.memflux_thread_init.restype = None
    agent.memflux_stop.restype = None
    agent.memflux_stack_source.restype = ctypes.c_int

    run, command_line = _prepare(mode, target, args)

    def follow_new_thread(*_):
        # The first profile event of a new thread lands here; from then on the agent's
        # C profile function replaces this one.
        agent.memflux_thread_init()

    if agent.memflux_start(socket_path.encode(), command_line.encode(errors="replace"), flags,
                           __file__.encode()) != 0:
        sys.stderr.write("memflux: the agent could not start tracking\n")
        return 1
    if agent.memflux_stack_source() == 1:
        # Stacks come from a profile function, which every new thread needs too. (With
        # the frame walk, the default on CPython 3.11, no thread needs anything.)
        threading.setprofile(follow_new_thread)
    interrupted = False
    exit_code = 0
    try:
        run()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        interrupted = True
        _report(*sys.exc_info())
    except BaseException:
        _report(*sys.exc_info())
        exit_code = 1
    finally:
        threading.setprofile(None)
        agent.memflux_stop()
    if interrupted:
        # Like python itself: die of the SIGINT, so the parent sees the signal.
        sys.stdout.flush()
        sys.stderr.flush()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
