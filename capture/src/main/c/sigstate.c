/* sigstate.c: gives the program the signal mask and ignored signals of the process that
 * started memflux, before the interpreter's main runs.
 *
 * The JVM starts python from a thread that blocks SIGQUIT, and its spawn leaves the
 * glibc-internal signals 32 and 33 ignored; both are inherited through exec. memflux
 * passes the state it was started with in MEMFLUX_SIGNALS ("<SigBlk hex>:<SigIgn hex>",
 * as /proc/PID/status prints them). Only SIG_IGN and SIG_DFL are swapped here: a signal
 * with a handler cannot reach an exec'd program anyway. Raw system calls, because
 * glibc's sigaction and sigprocmask refuse or filter 32 and 33. The variable is removed
 * so that nothing the program starts applies it again. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel's struct sigaction (not glibc's, whose sigset_t is 128 bytes). */
struct kernel_sigaction {
    void (*handler)(int);
    unsigned long flags;
#if defined(__x86_64__)
    void (*restorer)(void);
#endif
    unsigned long long mask;
};

#define KERNEL_NSIG 64

static int parse_hex(const char *s, const char **end, unsigned long long *out) {
    char *stop;
    *out = strtoull(s, &stop, 16);
    *end = stop;
    return stop != s;
}

static void set_ignored(unsigned long long ignored) {
    for (int sig = 1; sig <= KERNEL_NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) {
            continue;
        }
        struct kernel_sigaction now;
        memset(&now, 0, sizeof now);
        if (syscall(SYS_rt_sigaction, sig, NULL, &now, sizeof now.mask) != 0) {
            continue;
        }
        int want_ignored = (ignored >> (sig - 1)) & 1;
        int is_ignored = now.handler == SIG_IGN;
        int is_default = now.handler == SIG_DFL;
        if (want_ignored == is_ignored || (!is_ignored && !is_default)) {
            continue;
        }
        struct kernel_sigaction next;
        memset(&next, 0, sizeof next);
        next.handler = want_ignored ? SIG_IGN : SIG_DFL;
        syscall(SYS_rt_sigaction, sig, &next, NULL, sizeof next.mask);
    }
}

__attribute__((constructor)) static void restore_signal_state(void) {
    const char *state = getenv("MEMFLUX_SIGNALS");
    if (state == NULL) {
        return;
    }
    unsigned long long blocked, ignored;
    const char *rest;
    if (parse_hex(state, &rest, &blocked) && *rest == ':' && parse_hex(rest + 1, &rest, &ignored) && *rest == 0) {
        set_ignored(ignored);
        syscall(SYS_rt_sigprocmask, SIG_SETMASK, &blocked, NULL, sizeof blocked);
    }
    unsetenv("MEMFLUX_SIGNALS");
}
