/* stream.c: the one ordered record stream of this process.
 *
 * Every record goes into one 64 KiB buffer under one lock, so the order of the stream
 * is the order of the events (a FREE can never overtake the ALLOC it frees). Under the
 * GIL, Python threads seldom contend for it. The buffer is written to the socket when
 * full, every 10 ms by the ticker thread (which also adds TIME and MEMORY records), and
 * when tracking stops.
 *
 * The ticker is stopped before every fork and restarted late in the parent: CPython 3.12+
 * counts the process's threads (/proc/self/stat) right after fork() returns in the parent
 * (3.13: after the after_in_parent callbacks) and warns on stderr about a multi-threaded
 * fork; the agent's own thread must not be counted, or the program's output changes.
 * Between fork and restart the hooks flush a full buffer themselves, as always.
 *
 * A full socket blocks the writer: the program slows, nothing is dropped. If a write fails the collector is gone, and tracking ends for good.
 *
 * The socket's descriptor lives among the program's own, which the program may close or
 * replace (closerange, dup2; see fdguard.c). Before every send the descriptor is checked
 * to still be this stream's socket: if it is not, nothing is written to it (it is the
 * program's now), and the agent connects anew and says where the stream resumes
 * (CONTINUE), so the collector loses nothing.
 *
 * Only the process that opened the stream touches it. A vfork child runs on this very
 * memory until it execs or _exits, so the hooks it runs (_exit, exec, close) ask
 * mfx_stream_is_owner() first; glibc does not cache getpid, so the child sees its own. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "records.h"

#define BUFFER_SIZE (64 * 1024)
#define MAX_FIXED_RECORD 64   /* the largest record without strings, with room to spare */
#define MAX_NAME 4096         /* longer function or file names are cut */

volatile int mfx_tracking;
int mfx_native;

static uint8_t buffer[BUFFER_SIZE];
static size_t used;
static int sock = -1;
static uintptr_t last_address;
/* The last allocation hashed to each slot, as the decoder keeps it: freeing one costs two
 * bytes. 16 K slots (128 KiB, within L2) hold most of a program's young blocks. */
static uintptr_t recent[MFX_RECENT_SLOTS];
/* Where free chunks start, as the decoder keeps them: every freed block and the end of every
 * allocation's chunk (the rest glibc keeps when it splits a free chunk). A program that frees
 * and allocates in turn gets most of its blocks from there: the slot (two bytes) replaces a
 * delta of three or four. 8 K slots (64 KiB) hold a few thousand recent candidates. */
static uintptr_t reuse[MFX_REUSE_SLOTS];
/* The stack node and kind of the last allocation: a loop allocates from one line, again and again. */
static uint32_t last_alloc_node;
static int last_alloc_kind;
/* Where glibc's malloc puts the next block carved from the same free space (a fresh heap,
 * the top chunk): right after the last allocation's chunk. */
static uintptr_t next_alloc_guess;
static uint32_t last_thread;
static uint64_t events_since_tick;

static pthread_t ticker;
static volatile int ticker_running;
/* The ticker sleeps on this condition, so that a fork or a stop wakes it at once
 * instead of waiting out its 10 ms. */
static pthread_mutex_t ticker_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ticker_wake;
/* Set in the parent after a fork: the next records count down before the ticker restarts
 * (see restart_ticker_late). Read by reserve() under the stream lock. */
static int ticker_restart_pending;
static int ticker_joinable;     /* created and not joined yet */
static volatile pid_t ticker_tid;
static int ticker_was_running;  /* at the last fork */
static uint32_t records_since_fork;
static uint64_t fork_nanos;
static struct timespec start_time;
static uint64_t last_time_ms;
static uint64_t last_rss;
static int atfork_registered;

static pid_t owner_pid;
static dev_t sock_dev;
static ino_t sock_ino;
static struct sockaddr_un collector_address;
static uint64_t bytes_sent; /* on every connection so far, HELLO included */

/* Kept for a forked child's own HELLO (--follow-fork). */
static unsigned hello_flags;
static char hello_python[256];
static char hello_command[MAX_NAME + 1];

/* --follow-fork: every FRAME, NODE, NATIVE_NODE and MODULE record sent so far, in order.
 * A forked child's new stream starts with them, so the ids it inherited (shadow stacks
 * of the profile function, the frame walk's caches, native nodes) mean the same things
 * there: nothing in the child has to be renumbered or forgotten. */
static uint8_t *dictionary;
static size_t dictionary_used;
static size_t dictionary_capacity;
static int dictionary_lost; /* out of memory once: no child can be followed */

/* MEMFLUX_AGENT_STATS=1 (for benchmarks/RESULTS.md): where the program waits on memflux.
 * Blocked sends mean the JVM (its reading, its ring) sets the pace; contended locks mean
 * the stream lock does. Counted off the fast path only: per flush, and in the lock's wait. */
static int report_stats;
static uint64_t send_calls;
static uint64_t send_nanos;

__attribute__((constructor)) static void read_stats_setting(void) {
    const char *stats = getenv("MEMFLUX_AGENT_STATS");
    report_stats = stats && strcmp(stats, "1") == 0;
}

static uint64_t monotonic_nanos(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

/* ---- encoding (caller holds the lock) ---- */

static inline void put_u8(uint8_t v) {
    buffer[used++] = v;
}

static inline void put_uvar(uint64_t v) {
    while (v >= 0x80) {
        buffer[used++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    buffer[used++] = (uint8_t)v;
}

static inline void put_svar(int64_t v) {
    put_uvar(((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static inline void put_address(uintptr_t address) {
    int64_t delta = (int64_t)(address - last_address);
    last_address = address;
    put_svar(delta);
}

/* malloc hands out 16-byte aligned blocks: a delta in those units is 4 bits shorter.
 * Returns 0 (writing nothing) when the delta is not a multiple of 16. */
static inline int put_address16(uintptr_t address) {
    int64_t delta = (int64_t)(address - last_address);
    if (delta & 15) {
        return 0;
    }
    last_address = address;
    put_svar(delta >> 4);
    return 1;
}

/* The slot of the recent-allocation table (docs/FORMAT.md, FREE_RECENT) an address
 * hashes to; the collector's decoder computes the same. */
static inline unsigned recent_slot(uintptr_t address) {
    return (unsigned)((address >> 4) ^ (address >> 18)) & (MFX_RECENT_SLOTS - 1);
}

/* The slot of the reuse table (docs/FORMAT.md, ALLOC_REUSE) an address hashes to. */
static inline unsigned reuse_slot(uintptr_t address) {
    return (unsigned)((address >> 4) ^ (address >> 17)) & (MFX_REUSE_SLOTS - 1);
}

/* A new stream (the first, or a forked child's) starts with the decoder's state at zero. */
static void forget_stream_state(void) {
    last_address = 0;
    last_alloc_node = 0;
    last_alloc_kind = 0;
    next_alloc_guess = 0;
    memset(recent, 0, sizeof recent);
    memset(reuse, 0, sizeof reuse);
}

static void put_string(const char *s) {
    size_t n = s ? strlen(s) : 0;
    if (n > MAX_NAME) {
        n = MAX_NAME;
    }
    put_uvar(n);
    memcpy(buffer + used, s, n);
    used += n;
}

/* Caller holds the lock; the record just encoded starts at buffer[start]. Grows by
 * doubling: a dictionary record is new stack or code, rare after warm-up. */
static void remember(size_t start) {
    if (!(hello_flags & MFX_FLAG_FOLLOW_FORK) || dictionary_lost) {
        return;
    }
    size_t n = used - start;
    if (dictionary_used + n > dictionary_capacity) {
        size_t capacity = dictionary_capacity ? dictionary_capacity * 2 : 64 * 1024;
        while (capacity < dictionary_used + n) {
            capacity *= 2;
        }
        uint8_t *grown = mfx_real_realloc(dictionary, capacity);
        if (!grown) {
            dictionary_lost = 1;
            return;
        }
        dictionary = grown;
        dictionary_capacity = capacity;
    }
    memcpy(dictionary + dictionary_used, buffer + start, n);
    dictionary_used += n;
}

static int connect_collector(void) {
    /* CLOEXEC: programs the user's program execs must not inherit the stream. */
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    /* Off the low numbers: a program that closes a descriptor and opens another expects
     * to get the number back, and must not find the agent's socket there. */
    int high = fcntl(fd, F_DUPFD_CLOEXEC, MFX_FD_REFUGE);
    if (high >= 0) {
        mfx_real_close(fd);
        fd = high;
    }
    if (connect(fd, (struct sockaddr *)&collector_address, sizeof collector_address) != 0) {
        int why = errno;
        mfx_real_close(fd);
        errno = why;
        return -1;
    }
    /* A deeper socket buffer lets the program run ahead of memflux for a moment (JIT
     * warm-up, a GC) instead of blocking at once; the kernel caps it at wmem_max. */
    int sndbuf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        mfx_real_close(fd);
        return -1;
    }
    sock_dev = st.st_dev;
    sock_ino = st.st_ino;
    return fd;
}

/* One fstat a flush (at most one per 64 KiB of records): proof that the descriptor was
 * not closed and reused behind the agent's back (a raw syscall, a libc-internal close). */
static int still_our_socket(void) {
    struct stat st;
    return fstat(sock, &st) == 0 && st.st_ino == sock_ino && st.st_dev == sock_dev;
}

static int send_all(int fd, const uint8_t *data, size_t length) {
    while (length > 0) {
        ssize_t n = send(fd, data, length, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        data += n;
        length -= (size_t)n;
    }
    return 0;
}

/* put_uvar's encoding into a buffer of the caller's (the stream's buffer may be full). */
static size_t uvar_into(uint8_t *out, uint64_t v) {
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

/* The old descriptor is the program's now: never written, never closed. A new
 * connection starts with CONTINUE (pid, bytes sent before it), and the byte stream goes
 * on exactly where it stopped, so the collector's decoder state stays valid. */
static int reconnect(void) {
    sock = -1;
    int fd = connect_collector();
    if (fd < 0) {
        return -1;
    }
    uint8_t head[1 + 2 * 10];
    size_t n = 0;
    /* CONTINUE: uvar pid, uvar offset */
    head[n++] = MFX_TAG_CONTINUE;
    n += uvar_into(head + n, (uint64_t)owner_pid);
    n += uvar_into(head + n, bytes_sent);
    if (send_all(fd, head, n) != 0) {
        mfx_real_close(fd);
        return -1;
    }
    sock = fd;
    return 0;
}

static void write_all(const uint8_t *data, size_t length) {
    while (length > 0 && sock >= 0) {
        if (MFX_UNLIKELY(!still_our_socket()) && reconnect() != 0) {
            mfx_tracking = 0;
            return;
        }
        uint64_t began = report_stats ? monotonic_nanos() : 0;
        ssize_t n = send(sock, data, length, MSG_NOSIGNAL);
        if (report_stats) {
            send_nanos += monotonic_nanos() - began;
            send_calls++;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EBADF || errno == ENOTSOCK) {
                /* Closed (or replaced by a non-socket) behind the agent's back between the
                 * check and the send: nothing was sent, the number is not ours to close. */
                if (reconnect() == 0) {
                    continue;
                }
                mfx_tracking = 0;
                sock = -1;
                return;
            }
            /* The collector is gone: stop for good, let the program run on untouched. */
            mfx_tracking = 0;
            mfx_real_close(sock);
            sock = -1;
            return;
        }
        data += n;
        length -= (size_t)n;
        bytes_sent += (uint64_t)n;
    }
}

static void flush(void) {
    if (used > 0) {
        write_all(buffer, used);
        used = 0;
    }
}

static void restart_ticker_late(void);

static inline void reserve(size_t bytes) {
    if (MFX_UNLIKELY(used + bytes > BUFFER_SIZE || ticker_restart_pending)) {
        if (ticker_restart_pending) {
            restart_ticker_late();
        }
        if (used + bytes > BUFFER_SIZE) {
            flush();
        }
    }
}

/* THREAD: uvar thread, uvar osTid. Written whenever the event's thread differs from the last event's. */
static inline void switch_thread(void) {
    struct mfx_thread *t = mfx_self;
    uint32_t number = t ? t->number : 0;
    if (MFX_UNLIKELY(number != last_thread)) {
        reserve(MAX_FIXED_RECORD);
        put_u8(MFX_TAG_THREAD);
        put_uvar(number);
        put_uvar(t ? t->os_tid : 0);
        last_thread = number;
    }
}

/* glibc's chunk for a request: size plus its 8-byte header, in 16-byte units, 32 at least.
 * docs/FORMAT.md defines ALLOC_NEXT with it; RecordDecoder.chunkSize says the same. */
static inline uintptr_t mfx_chunk_size(size_t size) {
    uintptr_t chunk = ((uintptr_t)size + 8 + 15) & ~(uintptr_t)15;
    return chunk < 32 ? 32 : chunk;
}

/* ALLOC_NEXT (0xC0 + kind): uvar size, uvar node, and ALLOC_NEXT_SAME_NODE (0xD0 + kind):
 * uvar size, when the block starts where the last allocation's chunk ends;
 * ALLOC_REUSE (0xE0 + slot / 256): u8 slot % 256, uvar size, when it starts where the reuse
 * table's slot says and has the last allocation's kind and node;
 * ALLOC16 (0x40 + kind): svar addressDelta/16, uvar size, uvar node; ALLOC16_SAME_NODE
 * (0x70 + kind) leaves out the node when it is the last allocation's; ALLOC16_NATIVE
 * (0x50 + kind) adds uvar nativeNode. ALLOC (0x10 + kind) / ALLOC_NATIVE (0x30 + kind),
 * the delta in bytes, when the address is not a multiple of 16 away from the last one. */
void mfx_emit_alloc(int kind, uintptr_t address, size_t size, uint32_t node, uint32_t native_node) {
    switch_thread();
    reserve(MAX_FIXED_RECORD);
    size_t tag_at = used++;
    unsigned slot = reuse_slot(address);
    int same = node == last_alloc_node && kind == last_alloc_kind;
    int tag;
    if (address == next_alloc_guess && !mfx_native) {
        tag = (node == last_alloc_node ? MFX_TAG_ALLOC_NEXT_SAME_NODE : MFX_TAG_ALLOC_NEXT) + kind;
        last_address = address;
    } else if (same && reuse[slot] == address && address != 0 && !mfx_native) {
        tag = MFX_TAG_ALLOC_REUSE + (int)(slot >> 8);
        put_u8((uint8_t)slot);
        last_address = address;
    } else if (put_address16(address)) {
        tag = (mfx_native ? MFX_TAG_ALLOC16_NATIVE
                          : node == last_alloc_node ? MFX_TAG_ALLOC16_SAME_NODE : MFX_TAG_ALLOC16) + kind;
    } else {
        put_address(address);
        tag = (mfx_native ? MFX_TAG_ALLOC_NATIVE : MFX_TAG_ALLOC) + kind;
    }
    buffer[tag_at] = (uint8_t)tag;
    put_uvar(size);
    int node_known = tag >= MFX_TAG_ALLOC_REUSE
            || (tag & 0xf0) == MFX_TAG_ALLOC16_SAME_NODE || (tag & 0xf0) == MFX_TAG_ALLOC_NEXT_SAME_NODE;
    if (!node_known) {
        put_uvar(node);
    }
    if (mfx_native) {
        put_uvar(native_node);
    }
    uintptr_t chunk_end = address + mfx_chunk_size(size);
    last_alloc_node = node;
    last_alloc_kind = kind;
    next_alloc_guess = chunk_end;
    recent[recent_slot(address)] = address;
    reuse[reuse_slot(chunk_end)] = chunk_end;
    events_since_tick++;
}

/* NATIVE_NODE: uvar parent, uvar ip */
void mfx_emit_native_node(uint32_t parent, uintptr_t ip) {
    reserve(MAX_FIXED_RECORD);
    size_t start = used;
    put_u8(MFX_TAG_NATIVE_NODE);
    put_uvar(parent);
    put_uvar(ip);
    remember(start);
}

/* MODULE: str path, str buildId, uvar bias, uvar segments, segments x (uvar start, uvar length) */
void mfx_emit_module(const char *path, const char *build_id, uintptr_t bias, int segments,
                     const uintptr_t *start, const uintptr_t *length) {
    reserve(2 * MAX_NAME + MAX_FIXED_RECORD * (2 + (size_t)segments));
    size_t record = used;
    put_u8(MFX_TAG_MODULE);
    put_string(path);
    put_string(build_id);
    put_uvar(bias);
    put_uvar((uint64_t)segments);
    for (int i = 0; i < segments; i++) {
        put_uvar(start[i]);
        put_uvar(length[i]);
    }
    remember(record);
}

/* FREE_RECENT (0x80 + slot / 256, u8 slot % 256) when the block is the last allocation
 * of its slot, else the delta in 16-byte units zig-zagged to v: FREE16_U16 (0x61 + v >> 16,
 * u16 v) for v in [2^14, 7 * 2^16), FREE16_U24 (0x68 + v >> 24, u24 v) for v in [2^21, 2^27)
 * — a byte less than the varint there, where a random free of a large heap lands —
 * FREE16 (0x60, uvar v) otherwise; FREE: svar addressDelta when it is no multiple of 16. */
void mfx_emit_free(uintptr_t address) {
    switch_thread();
    reserve(MAX_FIXED_RECORD);
    unsigned slot = recent_slot(address);
    int64_t delta = (int64_t)(address - last_address);
    if (recent[slot] == address && address != 0) {
        recent[slot] = 0;
        put_u8((uint8_t)(MFX_TAG_FREE_RECENT + (slot >> 8)));
        put_u8((uint8_t)slot);
    } else if (delta & 15) {
        put_u8(MFX_TAG_FREE);
        put_svar(delta);
    } else {
        int64_t units = delta >> 4;
        uint64_t v = ((uint64_t)units << 1) ^ (uint64_t)(units >> 63);
        if (v >= (1u << 14) && v < (7u << 16)) {
            put_u8((uint8_t)(MFX_TAG_FREE16_U16 + (v >> 16)));
            put_u8((uint8_t)v);
            put_u8((uint8_t)(v >> 8));
        } else if (v >= (1u << 21) && v < (8u << 24)) {
            put_u8((uint8_t)(MFX_TAG_FREE16_U24 + (v >> 24)));
            put_u8((uint8_t)v);
            put_u8((uint8_t)(v >> 8));
            put_u8((uint8_t)(v >> 16));
        } else {
            put_u8(MFX_TAG_FREE16);
            put_uvar(v);
        }
    }
    last_address = address;
    reuse[reuse_slot(address)] = address;
    events_since_tick++;
}

/* MUNMAP: svar addressDelta, uvar length */
void mfx_emit_munmap(uintptr_t address, size_t length) {
    switch_thread();
    reserve(MAX_FIXED_RECORD);
    put_u8(MFX_TAG_MUNMAP);
    put_address(address);
    put_uvar(length);
    events_since_tick++;
}

/* FRAME: str function, str file, uvar firstLine */
void mfx_emit_frame(const char *function, const char *file, long first_line) {
    reserve(2 * MAX_NAME + MAX_FIXED_RECORD);
    size_t start = used;
    put_u8(MFX_TAG_FRAME);
    put_string(function);
    put_string(file);
    put_uvar(first_line > 0 ? (uint64_t)first_line : 0);
    remember(start);
}

/* NODE: uvar parent, uvar frame, uvar line */
void mfx_emit_node(uint32_t parent, uint32_t frame_id, int32_t line) {
    reserve(MAX_FIXED_RECORD);
    size_t start = used;
    put_u8(MFX_TAG_NODE);
    put_uvar(parent);
    put_uvar(frame_id);
    put_uvar(line > 0 ? (uint64_t)line : 0);
    remember(start);
}

/* TIME: uvar deltaMillis (to now_ms() == ms) */
static void put_time(uint64_t ms) {
    put_u8(MFX_TAG_TIME);
    put_uvar(ms - last_time_ms);
    last_time_ms = ms;
}

/* MEMORY: uvar rssBytes */
static void put_memory(uint64_t rss) {
    put_u8(MFX_TAG_MEMORY);
    put_uvar(rss);
    last_rss = rss;
}

/* END: no body */
static void put_end(void) {
    put_u8(MFX_TAG_END);
}

/* ---- the ticker ---- */

static uint64_t now_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)(now.tv_sec - start_time.tv_sec) * 1000
           + (uint64_t)((now.tv_nsec - start_time.tv_nsec) / 1000000);
}

static uint64_t read_rss(void) {
    char text[128];
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    ssize_t n = read(fd, text, sizeof text - 1);
    mfx_real_close(fd);
    if (n <= 0) {
        return 0;
    }
    text[n] = 0;
    unsigned long size = 0, resident = 0;
    if (sscanf(text, "%lu %lu", &size, &resident) != 2) {
        return 0;
    }
    return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

#define TICK_NANOS (10 * 1000 * 1000)

/* Sleeps one period, or less when woken to stop; returns whether to go on ticking. */
static int ticker_sleep(void) {
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += TICK_NANOS;
    if (until.tv_nsec >= 1000000000) {
        until.tv_nsec -= 1000000000;
        until.tv_sec++;
    }
    pthread_mutex_lock(&ticker_mutex);
    while (ticker_running) {
        if (pthread_cond_timedwait(&ticker_wake, &ticker_mutex, &until) == ETIMEDOUT) {
            break;
        }
    }
    int go_on = ticker_running;
    pthread_mutex_unlock(&ticker_mutex);
    return go_on;
}

static void *tick(void *unused) {
    (void)unused;
    int g = mfx_enter(); /* this thread's own allocations are never recorded */
    mfx_lock_visit_only();
    ticker_tid = (pid_t)syscall(SYS_gettid);
    while (ticker_sleep()) {
        uint64_t rss = read_rss();
        mfx_lock();
        if (!mfx_tracking) {
            mfx_unlock();
            break;
        }
        uint64_t ms = now_ms();
        if (events_since_tick > 0 && ms > last_time_ms) {
            reserve(MAX_FIXED_RECORD);
            put_time(ms);
            events_since_tick = 0;
        }
        if (rss != last_rss && rss != 0) {
            reserve(MAX_FIXED_RECORD);
            put_memory(rss);
        }
        flush();
        mfx_unlock();
    }
    mfx_leave(g);
    return NULL;
}

static void start_ticker(void) {
    ticker_running = 1;
    ticker_joinable = pthread_create(&ticker, NULL, tick, NULL) == 0;
    ticker_running = ticker_joinable;
}

/* Wakes the ticker and, with join, waits until it is gone (it may be finishing a flush
 * into a full socket: the collector drains it). */
static void stop_ticker(int join) {
    pthread_mutex_lock(&ticker_mutex);
    ticker_running = 0;
    pthread_cond_signal(&ticker_wake);
    pthread_mutex_unlock(&ticker_mutex);
    if (join && ticker_joinable) {
        pthread_join(ticker, NULL);
        ticker_joinable = 0;
        /* The join returns when the thread has left its memory, a moment before the
         * kernel takes it off the process's thread count (and its id off the table):
         * wait for the id to go, so a fork right after sees one thread fewer. */
        while (ticker_tid > 0 && syscall(SYS_tgkill, getpid(), ticker_tid, 0) == 0) {
            sched_yield();
        }
        ticker_tid = 0;
    }
}

/* Caller holds the stream lock, in the parent after a fork. The thread count CPython
 * takes comes within a few records of fork() in 3.12 (fopen and fclose of
 * /proc/self/stat: 4 records), after the program's after_in_parent callbacks in 3.13;
 * both bounds must pass, and the clock is read only once the records have. */
#define RESTART_AFTER_RECORDS 64
#define RESTART_AFTER_NANOS (10 * 1000 * 1000)

static void restart_ticker_late(void) {
    if (++records_since_fork < RESTART_AFTER_RECORDS
        || monotonic_nanos() - fork_nanos < RESTART_AFTER_NANOS) {
        return;
    }
    ticker_restart_pending = 0;
    if (mfx_tracking) {
        int g = mfx_enter(); /* pthread_create allocates: those are not the program's */
        start_ticker();
        mfx_leave(g);
    }
}

/* HELLO: uvar pid, uvar ppid, uvar startMillis, uvar flags, str pythonVersion, str commandLine */
static void put_hello(void) {
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    clock_gettime(CLOCK_MONOTONIC, &start_time);
    last_time_ms = 0;
    reserve(2 * MAX_NAME + 4 * MAX_FIXED_RECORD);
    put_u8(MFX_TAG_HELLO);
    put_uvar((uint64_t)getpid());
    put_uvar((uint64_t)getppid());
    put_uvar((uint64_t)wall.tv_sec * 1000 + (uint64_t)wall.tv_nsec / 1000000);
    put_uvar(hello_flags);
    put_string(hello_python);
    put_string(hello_command);
    if (mfx_sample_rate) {
        put_u8(MFX_TAG_SAMPLING); /* before any allocation: how to scale every one of them */
        put_uvar(mfx_sample_rate);
    }
}

/* ---- fork: without --follow-fork a child is not tracked (it would write into the
 * parent's stream); with it, the child gets a stream of its own ---- */

/* The ticker goes first (it may need the lock to finish), and what is buffered goes out
 * now, so that the parent's records do not wait in the buffer for a late ticker. */
static void before_fork(void) {
    mfx_lock(); /* no hook of another thread restarts the ticker from here on */
    ticker_was_running = ticker_running || ticker_restart_pending;
    ticker_restart_pending = 0;
    mfx_unlock();
    if (ticker_joinable) {
        stop_ticker(1);
    }
    mfx_lock();
    if (mfx_tracking && mfx_stream_is_owner()) {
        int g = mfx_enter();
        flush();
        mfx_leave(g);
    }
}

static void after_fork_parent(void) {
    if (ticker_was_running && mfx_tracking) {
        ticker_restart_pending = 1;
        records_since_fork = 0;
        fork_nanos = monotonic_nanos();
    }
    mfx_unlock();
}

/* In the child, lock held, only the forking thread left. The new stream is a capture of
 * its own: the records still buffered are the parent's (it sends them). It starts with
 * HELLO and the parent's dictionary, so every FRAME, NODE and native node id the child
 * inherited is defined before its first event. */
static int follow_into_child(void) {
    if (sock >= 0) {
        mfx_real_close(sock); /* the child's copy of the parent's connection */
        sock = -1;
    }
    used = 0;
    forget_stream_state();
    last_thread = 0;
    events_since_tick = 0;
    last_rss = 0;
    bytes_sent = 0;
    sock = connect_collector();
    if (sock < 0) {
        return -1;
    }
    owner_pid = getpid();
    put_hello();
    flush();
    write_all(dictionary, dictionary_used);
    if (sock < 0 || !mfx_tracking) {
        return -1;
    }
    /* The parent stopped its ticker for the fork. glibc allows pthread_create here; the
     * child's own thread count is never checked by CPython (only the parent's). */
    start_ticker();
    return 0;
}

static void after_fork_child(void) {
    mfx_lock_after_fork_child();
    ticker_restart_pending = 0;
    ticker_joinable = 0;
    pthread_mutex_init(&ticker_mutex, NULL); /* only this thread is left to use it */
    if (mfx_tracking && (hello_flags & MFX_FLAG_FOLLOW_FORK) && !dictionary_lost) {
        int g = mfx_enter();
        int followed = follow_into_child() == 0;
        mfx_leave(g);
        if (followed) {
            mfx_unlock();
            return;
        }
    }
    mfx_tracking = 0;
    used = 0;
    if (sock >= 0) {
        mfx_real_close(sock);
        sock = -1;
    }
    owner_pid = 0;
    ticker_running = 0;
    mfx_unlock();
}

/* ---- start and stop ---- */

#define START_WAIT_MS 10000

/* memflux starts the program before it opens its socket, so that its own set-up (tens
 * of ms in the JVM) overlaps the interpreter's start instead of delaying it. Until memflux
 * listens, the path is missing (ENOENT) or not listening yet (ECONNREFUSED): wait for it
 * while memflux, this process's parent, lives, and START_WAIT_MS at most. Runs before
 * tracking starts, on the thread that called memflux_start. */
static int connect_at_start(void) {
    pid_t memflux = getppid();
    struct timespec began, now;
    clock_gettime(CLOCK_MONOTONIC, &began);
    for (;;) {
        int fd = connect_collector();
        if (fd >= 0 || (errno != ENOENT && errno != ECONNREFUSED)) {
            return fd;
        }
        int why = errno;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long waited_ms = (now.tv_sec - began.tv_sec) * 1000L + (now.tv_nsec - began.tv_nsec) / 1000000L;
        if (getppid() != memflux || waited_ms >= START_WAIT_MS) {
            errno = why;
            return -1;
        }
        struct timespec pause = {0, 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

int mfx_stream_open(const char *socket_path, const char *command_line, unsigned flags, const char *python_version) {
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    if (strlen(socket_path) >= sizeof address.sun_path) {
        fprintf(stderr, "memflux: socket path too long: %s\n", socket_path);
        return -1;
    }
    strcpy(address.sun_path, socket_path);
    collector_address = address;
    sock = connect_at_start();
    if (sock < 0) {
        fprintf(stderr, "memflux: cannot connect to %s: %s\n", socket_path, strerror(errno));
        return -1;
    }
    owner_pid = getpid();
    bytes_sent = 0;
    if (!atfork_registered) {
        pthread_condattr_t clock;
        pthread_condattr_init(&clock);
        pthread_condattr_setclock(&clock, CLOCK_MONOTONIC); /* ticker_sleep's deadlines */
        pthread_cond_init(&ticker_wake, &clock);
        pthread_condattr_destroy(&clock);
        pthread_atfork(before_fork, after_fork_parent, after_fork_child);
        atfork_registered = 1;
    }
    hello_flags = flags;
    snprintf(hello_python, sizeof hello_python, "%s", python_version ? python_version : "");
    snprintf(hello_command, sizeof hello_command, "%s", command_line ? command_line : "");

    mfx_lock();
    used = 0;
    forget_stream_state();
    last_thread = 0;
    put_hello();
    flush();
    mfx_native = (flags & MFX_FLAG_NATIVE) != 0;
    mfx_tracking = sock >= 0;
    mfx_unlock();
    if (!mfx_tracking) {
        return -1;
    }
    ticker_restart_pending = 0;
    mfx_lock_bias_here();
    start_ticker();
    return 0;
}

void mfx_stream_close(int from_exit) {
    mfx_lock();
    int was_tracking = mfx_tracking;
    mfx_tracking = 0;
    if (was_tracking) {
        uint64_t ms = now_ms();
        reserve(2 * MAX_FIXED_RECORD);
        if (ms > last_time_ms) {
            put_time(ms);
        }
        put_end();
        flush();
    }
    mfx_unlock();
    if (was_tracking && report_stats) {
        fprintf(stderr, "memflux agent: pid %d: %llu bytes sent in %llu sends, %.1f ms in send; "
                        "the stream lock was found taken %llu times\n",
                (int)getpid(), (unsigned long long)bytes_sent, (unsigned long long)send_calls,
                (double)send_nanos / 1e6, (unsigned long long)mfx_lock_waits);
    }
    ticker_restart_pending = 0;
    stop_ticker(!from_exit);
    if (!from_exit && sock >= 0) {
        mfx_real_close(sock);
        sock = -1;
    }
}

int mfx_stream_is_owner(void) {
    return owner_pid != 0 && getpid() == owner_pid;
}

int mfx_stream_fd(void) {
    return __atomic_load_n(&sock, __ATOMIC_RELAXED);
}

int mfx_stream_move(int fd, int lowest) {
    int old = -1;
    mfx_lock();
    if (sock == fd && sock >= 0) {
        int moved = fcntl(sock, F_DUPFD_CLOEXEC, lowest);
        if (moved >= 0) {
            old = sock;
            sock = moved;
        }
    }
    mfx_unlock();
    return old;
}

/* EXEC: uvar error, str path */
static void put_exec(const char *path, int error) {
    reserve(MAX_NAME + 2 * MAX_FIXED_RECORD);
    put_u8(MFX_TAG_EXEC);
    put_uvar((uint64_t)error);
    put_string(path);
    flush();
}

/* The lock stays held until the exec failed (or forever, when it succeeded): another
 * thread's record after the flush would vanish with the process image. */
int mfx_stream_exec_begin(const char *path) {
    mfx_lock();
    if (!mfx_tracking) {
        mfx_unlock();
        return 0;
    }
    put_exec(path, 0);
    return 1;
}

void mfx_stream_exec_failed(const char *path, int error) {
    if (mfx_tracking) {
        put_exec(path, error);
    }
    mfx_unlock();
}

/* C exit() (a ctypes call, an extension giving up) skips the bootstrap's stop: end the
 * stream here, so the capture is complete. After a normal stop this finds nothing to do. */
__attribute__((destructor)) static void stream_at_exit(void) {
    if (mfx_tracking && mfx_stream_is_owner()) {
        int g = mfx_enter();
        mfx_stream_close(1);
        mfx_leave(g);
    }
}
