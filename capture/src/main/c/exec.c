/* exec.c: the exec family, so that exec ends the stream cleanly instead of dropping it.
 *
 * A successful exec replaces the process: the buffered records would vanish with it and
 * the close-on-exec socket would close mid-stream, which reads like a crash. So before
 * the real call the agent writes EXEC (error 0: "about to exec PATH"), flushes, and keeps
 * the stream lock through the call, so no other thread's record can fall in between and
 * vanish. If the exec fails the program goes on, and so does tracking: a second EXEC
 * carries the error, so memflux knows the first did not end the stream.
 *
 * glibc's execl* and execvp* reach execve inside libc, where no interposition reaches;
 * each is wrapped here itself. A vfork child (subprocess) execs on the parent's memory:
 * it must not write the parent's stream, hence the owner check. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include "agent.h"

static int (*real_execve)(const char *, char *const[], char *const[]);
static int (*real_execv)(const char *, char *const[]);
static int (*real_execvp)(const char *, char *const[]);
static int (*real_execvpe)(const char *, char *const[], char *const[]);
static int (*real_fexecve)(int, char *const[], char *const[]);

__attribute__((constructor)) static void exec_init(void) {
    real_execve = dlsym(RTLD_NEXT, "execve");
    real_execv = dlsym(RTLD_NEXT, "execv");
    real_execvp = dlsym(RTLD_NEXT, "execvp");
    real_execvpe = dlsym(RTLD_NEXT, "execvpe");
    real_fexecve = dlsym(RTLD_NEXT, "fexecve");
}

/* Returns whether EXEC was written; then the stream lock is held and this thread's
 * guard entered (what libc allocates while it execs is not recorded, and cannot wait on
 * the lock this thread holds) until failed() reports the failure and leaves it. */
static int announce(const char *path, int *guard) {
    if (MFX_LIKELY(!mfx_tracking) || mfx_guard || !mfx_stream_is_owner()) {
        return 0;
    }
    *guard = mfx_enter();
    if (!mfx_stream_exec_begin(path ? path : "")) {
        mfx_leave(*guard);
        return 0;
    }
    return 1;
}

static int failed(int announced, int guard, const char *path, int rc) {
    if (announced) {
        int error = errno;
        mfx_stream_exec_failed(path ? path : "", error > 0 ? error : EINVAL);
        mfx_leave(guard);
        errno = error;
    }
    return rc;
}

static int no_function(void) {
    errno = ENOSYS;
    return -1;
}

MFX_EXPORT int execve(const char *path, char *const argv[], char *const envp[]) {
    int g = 0;
    int announced = announce(path, &g);
    return failed(announced, g, path, real_execve ? real_execve(path, argv, envp) : no_function());
}

MFX_EXPORT int execv(const char *path, char *const argv[]) {
    int g = 0;
    int announced = announce(path, &g);
    return failed(announced, g, path, real_execv ? real_execv(path, argv) : no_function());
}

MFX_EXPORT int execvp(const char *file, char *const argv[]) {
    int g = 0;
    int announced = announce(file, &g);
    return failed(announced, g, file, real_execvp ? real_execvp(file, argv) : no_function());
}

MFX_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[]) {
    int g = 0;
    int announced = announce(file, &g);
    return failed(announced, g, file, real_execvpe ? real_execvpe(file, argv, envp) : no_function());
}

MFX_EXPORT int fexecve(int fd, char *const argv[], char *const envp[]) {
    int g = 0;
    int announced = announce("(a file descriptor)", &g);
    return failed(announced, g, "(a file descriptor)", real_fexecve ? real_fexecve(fd, argv, envp) : no_function());
}

/* execl, execlp, execle: collect the arguments (on the stack, as glibc does: exec must
 * not allocate, it may run in a vfork child) and go through the vector forms above. */
#define COLLECT_ARGS(first, extra_envp)                          \
    va_list ap;                                                  \
    size_t n = 1;                                                \
    va_start(ap, first);                                         \
    while (va_arg(ap, char *) != NULL) {                         \
        n++;                                                     \
    }                                                            \
    va_end(ap);                                                  \
    char *argv[n + 1];                                           \
    argv[0] = (char *)(first);                                   \
    va_start(ap, first);                                         \
    for (size_t i = 1; i <= n; i++) {                            \
        argv[i] = va_arg(ap, char *);                            \
    }                                                            \
    if (extra_envp) {                                            \
        envp = va_arg(ap, char **);                              \
    }                                                            \
    va_end(ap)

MFX_EXPORT int execl(const char *path, const char *arg, ...) {
    char **envp = NULL;
    COLLECT_ARGS(arg, 0);
    (void)envp;
    return execv(path, argv);
}

MFX_EXPORT int execlp(const char *file, const char *arg, ...) {
    char **envp = NULL;
    COLLECT_ARGS(arg, 0);
    (void)envp;
    return execvp(file, argv);
}

MFX_EXPORT int execle(const char *path, const char *arg, ...) {
    char **envp = NULL;
    COLLECT_ARGS(arg, 1);
    return execve(path, argv, envp);
}
