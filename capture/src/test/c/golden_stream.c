/* golden_stream.c: writes the golden agent stream (capture/src/test/resources/golden/
 * agent-stream.bin) to stdout with the agent's own encoder, stream.c, linked in as it is
 * (with thread.c, home of the thread-locals it reads).
 *
 * The records are a fixed script, one or more of every kind the agent emits, in the
 * order the agent would emit them. What would make a real run differ from one run to
 * the next (pid, clocks, /proc/self/statm, the ticker thread's timing) is replaced here
 * by fixed values: this executable defines getpid, clock_gettime, open, sysconf,
 * pthread_create and pthread_cond_timedwait, which the linker binds stream.c's calls
 * to, and runs the ticker's loop for exactly one tick on the main thread. GoldenStreamTest decodes
 * the file to the values written below; regenerate it with golden_stream.sh. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "records.h"

/* ---- what stream.c and thread.c link against besides themselves ---- */

void *mfx_real_malloc(size_t size) { return malloc(size); }
void mfx_real_free(void *ptr) { free(ptr); }
int mfx_real_close(int fd) { return close(fd); }
void mfx_walk_forget_thread(void) {}
uint64_t mfx_sample_rate; /* exact: the golden stream has no SAMPLING record */
void *mfx_real_realloc(void *ptr, size_t size) { return realloc(ptr, size); }

/* ---- a fixed world ---- */

static long fake_ms; /* monotonic milliseconds since tracking started */
static int ticks_left;
static void *(*ticker)(void *);

pid_t getpid(void) { return 4242; }
pid_t getppid(void) { return 4241; }

int clock_gettime(clockid_t clock, struct timespec *ts) {
    if (clock == CLOCK_REALTIME) {
        ts->tv_sec = 1700000000; /* HELLO's startMillis: 1700000000123 */
        ts->tv_nsec = 123000000;
    } else {
        ts->tv_sec = 1000 + fake_ms / 1000;
        ts->tv_nsec = (fake_ms % 1000) * 1000000;
    }
    return 0;
}

/* /proc/self/statm says 2560 resident pages: MEMORY 10485760 with 4 KiB pages. */
int open(const char *path, int flags, ...) {
    (void)flags;
    static const char statm[] = "9000 2560 100 10 0 500 0\n";
    int fds[2];
    if (strcmp(path, "/proc/self/statm") != 0 || pipe(fds) != 0) {
        errno = ENOENT;
        return -1;
    }
    if (write(fds[1], statm, sizeof statm - 1) != (ssize_t)(sizeof statm - 1)) {
        return -1;
    }
    close(fds[1]);
    return fds[0];
}

long sysconf(int name) { return name == _SC_PAGESIZE ? 4096 : -1; }

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg) {
    (void)attr;
    (void)arg;
    ticker = start;
    *thread = 0;
    return 0;
}

int pthread_join(pthread_t thread, void **result) {
    (void)thread;
    if (result) {
        *result = NULL;
    }
    return 0;
}

/* The ticker sleeps on a condition before each tick, until its deadline: let it tick
 * ticks_left times, then make it stop. */
int pthread_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mutex, const struct timespec *deadline) {
    (void)cond;
    (void)mutex;
    (void)deadline;
    if (ticks_left-- <= 0) {
        mfx_tracking = 0;
    }
    return ETIMEDOUT;
}

static void run_ticker_once(void) {
    ticks_left = 1;
    ticker(NULL);
    mfx_tracking = 1;
    mfx_guard = 0;
}

/* ---- the script ---- */

static void emit_records(void) {
    static struct mfx_thread first = {.number = 1, .os_tid = 4242};
    static struct mfx_thread second = {.number = 2, .os_tid = 4343};
    const uintptr_t starts[] = {0x7f0000001000, 0x7f0000010000};
    const uintptr_t lengths[] = {0x2000, 0x1000};

    mfx_self = &first;
    mfx_lock();
    mfx_emit_frame("main", "/golden/prog.py", 1);
    mfx_emit_frame("work", "/golden/prog.py", 10);
    mfx_emit_node(0, 1, 20);
    mfx_emit_node(1, 2, 12);
    mfx_emit_module("/usr/lib/libgolden.so", "abc123", 0x7f0000000000, 2, starts, lengths);
    mfx_emit_native_node(0, 0x7f0000001234);
    mfx_emit_native_node(1, 0x7f0000005678);
    for (int kind = MFX_KIND_MALLOC; kind < MFX_KIND_MMAP; kind++) {
        mfx_emit_alloc(kind, 0x10000 + 0x100 * (uintptr_t)kind, 100 + (size_t)kind, 2, 0);
    }
    mfx_emit_alloc(MFX_KIND_MMAP, 0x7f1000000000, 1 << 20, 1, 0);
    mfx_emit_free(0x10000);
    mfx_emit_munmap(0x7f1000000000, 4096);
    mfx_native = 1;
    mfx_emit_alloc(MFX_KIND_MALLOC, 0x20000, 64, 2, 2);
    mfx_emit_alloc(MFX_KIND_REALLOC, 0x1ff00, 128, 1, 1);
    mfx_native = 0;
    mfx_self = &second;
    mfx_emit_free(0x10100);
    /* The compact forms: an ALLOC whose delta is not in 16-byte units, ALLOC_NEXT_SAME_NODE,
     * ALLOC_NEXT, FREE_RECENT, FREE16 (an address never allocated), FREE (not aligned). */
    mfx_emit_alloc(MFX_KIND_MALLOC, 0x30008, 24, 2, 0);
    mfx_emit_alloc(MFX_KIND_MALLOC, 0x30028, 40, 2, 0);
    mfx_emit_alloc(MFX_KIND_CALLOC, 0x30058, 8, 1, 0);
    mfx_emit_free(0x10200);
    mfx_emit_free(0x7f2000000000);
    mfx_emit_free(0x30009);
    /* ALLOC_REUSE at a freed block's address, then where an earlier allocation's chunk ends
     * (0x10200 + 0x140); FREE16_U16, FREE16_U24 a long way up, then down. */
    mfx_emit_alloc(MFX_KIND_CALLOC, 0x10200, 300, 1, 0);
    mfx_emit_alloc(MFX_KIND_CALLOC, 0x50000, 16, 1, 0);
    mfx_emit_alloc(MFX_KIND_CALLOC, 0x10340, 16, 1, 0);
    mfx_emit_free(0x37300);
    mfx_emit_free(0x1237c970);
    mfx_emit_free(0x8000);
    mfx_unlock();
}

int main(void) {
    char dir[] = "/tmp/memflux-golden-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    snprintf(address.sun_path, sizeof address.sun_path, "%s/agent.sock", dir);
    int server = socket(AF_UNIX, SOCK_STREAM, 0);
    if (server < 0 || bind(server, (struct sockaddr *)&address, sizeof address) != 0 || listen(server, 1) != 0) {
        perror("golden_stream: socket");
        return 1;
    }
    if (mfx_stream_open(address.sun_path, "golden.py a b", MFX_FLAG_FRAME_WALK, "3.11.9 (golden)") != 0 || !ticker) {
        return 1;
    }
    int connection = accept(server, NULL, NULL);
    emit_records();
    fake_ms = 15;
    run_ticker_once();          /* TIME +15, MEMORY 10485760 */
    fake_ms = 27;
    mfx_stream_close(0);        /* TIME +12, END */

    uint8_t bytes[4096];
    ssize_t n;
    while ((n = read(connection, bytes, sizeof bytes)) > 0) {
        if (fwrite(bytes, 1, (size_t)n, stdout) != (size_t)n) {
            return 1;
        }
    }
    unlink(address.sun_path);
    rmdir(dir);
    return n == 0 ? 0 : 1;
}
