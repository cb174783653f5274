/* fdguard.c: keeps the program's descriptor calls off the stream's socket.
 *
 * The socket is one of the program's descriptors. Programs close descriptors wholesale
 * (os.closerange, daemonizing code, close_fds) or reuse numbers (os.dup2); left alone,
 * the agent would lose its buffered records, or worse, write its records into whatever
 * the program opened next under that number. So when a call targets the stream's
 * descriptor, the socket first steps aside to another number, then the call proceeds as
 * the program asked: the number is the program's again, the stream goes on.
 *
 * Only the process that owns the stream moves it: a vfork child has its own descriptor
 * table but shares the agent's memory, so it must not touch the stream's state. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "agent.h"


static int (*real_close)(int);
static int (*real_close_range)(unsigned int, unsigned int, int);
static void (*real_closefrom)(int);
static int (*real_dup2)(int, int);
static int (*real_dup3)(int, int, int);

__attribute__((constructor)) static void fdguard_init(void) {
    real_close = dlsym(RTLD_NEXT, "close");
    real_close_range = dlsym(RTLD_NEXT, "close_range");
    real_closefrom = dlsym(RTLD_NEXT, "closefrom");
    real_dup2 = dlsym(RTLD_NEXT, "dup2");
    real_dup3 = dlsym(RTLD_NEXT, "dup3");
}

int mfx_real_close(int fd) {
    return real_close ? real_close(fd) : (int)syscall(SYS_close, fd);
}

static int do_close_range(unsigned int first, unsigned int last, int flags) {
    return real_close_range ? real_close_range(first, last, flags) : (int)syscall(SYS_close_range, first, last, flags);
}

/* The stream's descriptor when the call at hand would close or replace it, else -1. */
static int targeted(unsigned int first, unsigned int last) {
    int fd = mfx_stream_fd();
    if (MFX_LIKELY(fd < 0 || (unsigned int)fd < first || (unsigned int)fd > last)) {
        return -1;
    }
    return mfx_stream_is_owner() ? fd : -1;
}

MFX_EXPORT int close(int fd) {
    if (MFX_UNLIKELY(fd >= 0 && targeted((unsigned int)fd, (unsigned int)fd) >= 0)
            && mfx_stream_move(fd, MFX_FD_REFUGE) < 0 && mfx_stream_fd() == fd) {
        return 0; /* nowhere to move: keep the socket, the program believes it closed */
    }
    return mfx_real_close(fd);
}

/* The socket goes above the range when there is room; otherwise it stays where it is
 * and the range is closed around it. */
MFX_EXPORT int close_range(unsigned int first, unsigned int last, int flags) {
    int fd = targeted(first, last);
    if (MFX_LIKELY(fd < 0) || (flags & CLOSE_RANGE_CLOEXEC)) { /* the socket is close-on-exec already */
        return do_close_range(first, last, flags);
    }
    if (last < INT_MAX && mfx_stream_move(fd, (int)last + 1) >= 0) {
        return do_close_range(first, last, flags);
    }
    int rc = 0;
    if ((unsigned int)fd > first) {
        rc = do_close_range(first, (unsigned int)fd - 1, flags);
    }
    if (rc == 0 && (unsigned int)fd < last) {
        rc = do_close_range((unsigned int)fd + 1, last, flags);
    }
    return rc;
}

MFX_EXPORT void closefrom(int lowest) {
    int fd = lowest >= 0 ? targeted((unsigned int)lowest, UINT_MAX) : -1;
    if (MFX_LIKELY(fd < 0)) {
        if (real_closefrom) {
            real_closefrom(lowest);
        } else {
            do_close_range((unsigned int)lowest, UINT_MAX, 0);
        }
        return;
    }
    if (fd > lowest) {
        do_close_range((unsigned int)lowest, (unsigned int)fd - 1, 0);
    }
    closefrom(fd + 1);
}

/* When the call fails the old number would stay a second handle on the socket: close it. */
static int replace(int newfd, int rc, int displaced) {
    if (rc < 0 && displaced >= 0 && displaced == newfd) {
        int saved = errno;
        mfx_real_close(displaced);
        errno = saved;
    }
    return rc;
}

MFX_EXPORT int dup2(int oldfd, int newfd) {
    int displaced = -1;
    if (MFX_UNLIKELY(oldfd != newfd && newfd >= 0 && targeted((unsigned int)newfd, (unsigned int)newfd) >= 0)) {
        displaced = mfx_stream_move(newfd, MFX_FD_REFUGE);
    }
    int rc = real_dup2 ? real_dup2(oldfd, newfd) : (int)syscall(SYS_dup2, oldfd, newfd);
    return replace(newfd, rc, displaced);
}

MFX_EXPORT int dup3(int oldfd, int newfd, int flags) {
    int displaced = -1;
    if (MFX_UNLIKELY(oldfd != newfd && newfd >= 0 && targeted((unsigned int)newfd, (unsigned int)newfd) >= 0)) {
        displaced = mfx_stream_move(newfd, MFX_FD_REFUGE);
    }
    int rc = real_dup3 ? real_dup3(oldfd, newfd, flags) : (int)syscall(SYS_dup3, oldfd, newfd, flags);
    return replace(newfd, rc, displaced);
}
