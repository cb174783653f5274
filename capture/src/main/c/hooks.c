/* hooks.c: interposes the allocator through LD_PRELOAD.
 *
 * Each hook calls the real function (found with dlsym(RTLD_NEXT)) and, while tracking,
 * records the event. Until tracking starts the cost is one predictable branch.
 *
 * Ordering: a free is recorded *before* the memory is released and an allocation
 * *after* it was obtained, so another thread can never be handed an address and record
 * its allocation before this thread's free of it reaches the stream. realloc holds the
 * stream lock across the real call for the same reason. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "agent.h"
#include "records.h"

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);
static void *(*real_valloc)(size_t);
static void *(*real_pvalloc)(size_t);
static void *(*real_mmap)(void *, size_t, int, int, int, off_t);
static void *(*real_mmap64)(void *, size_t, int, int, int, off_t);
static int (*real_munmap)(void *, size_t);
static void *(*real_mremap)(void *, size_t, size_t, int, ...);
static void (*real_exit)(int) __attribute__((noreturn));

/* dlsym itself allocates (dlerror's buffer): while resolving, those allocations come
 * from this arena. Volatile, or the optimizer folds the checks away. */
static volatile int resolving;
static char arena[64 * 1024] __attribute__((aligned(64)));
static size_t arena_used;

static int in_arena(const void *p) {
    return (const char *)p >= arena && (const char *)p < arena + sizeof arena;
}

static void *arena_alloc(size_t size) {
    size_t at = (arena_used + 15) & ~(size_t)15;
    if (at + size > sizeof arena) {
        return NULL;
    }
    arena_used = at + size;
    return arena + at;
}

static void resolve(void) {
    if (resolving) {
        return;
    }
    resolving = 1;
    real_malloc = dlsym(RTLD_NEXT, "malloc");
    real_calloc = dlsym(RTLD_NEXT, "calloc");
    real_realloc = dlsym(RTLD_NEXT, "realloc");
    real_free = dlsym(RTLD_NEXT, "free");
    real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    real_memalign = dlsym(RTLD_NEXT, "memalign");
    real_valloc = dlsym(RTLD_NEXT, "valloc");
    real_pvalloc = dlsym(RTLD_NEXT, "pvalloc");
    real_mmap = dlsym(RTLD_NEXT, "mmap");
    real_mmap64 = dlsym(RTLD_NEXT, "mmap64");
    real_munmap = dlsym(RTLD_NEXT, "munmap");
    real_mremap = dlsym(RTLD_NEXT, "mremap");
    real_exit = dlsym(RTLD_NEXT, "_exit");
    resolving = 0;
}

__attribute__((constructor)) static void hooks_init(void) {
    if (!real_malloc) {
        resolve();
    }
}

#define ENSURE(fn) \
    do { \
        if (MFX_UNLIKELY(!(fn))) { \
            resolve(); \
        } \
    } while (0)

void *mfx_real_malloc(size_t size) {
    ENSURE(real_malloc);
    return real_malloc(size);
}

void *mfx_real_realloc(void *ptr, size_t size) {
    ENSURE(real_realloc);
    return real_realloc(ptr, size);
}

void mfx_real_free(void *ptr) {
    ENSURE(real_free);
    real_free(ptr);
}

/* The slow half of every hook: take the lock, name the thread and stack, write. */
static void record_alloc(int kind, void *ptr, size_t size) {
    mfx_guard = 1;
    struct mfx_thread *t = mfx_thread_state();
    int native_depth = mfx_native && t ? mfx_unwind(t) : 0; /* outside the lock */
    mfx_lock();
    if (mfx_tracking) {
        uint32_t node = t ? mfx_current_node(t) : 0; /* may write NODE records first */
        uint32_t native_node = native_depth ? mfx_native_node(t, native_depth) : 0;
        mfx_emit_alloc(kind, (uintptr_t)ptr, size, node, native_node);
    }
    mfx_unlock();
    mfx_guard = 0;
}

static void record_free(void *ptr) {
    mfx_guard = 1;
    mfx_thread_state();
    mfx_lock();
    if (mfx_tracking) {
        mfx_emit_free((uintptr_t)ptr);
    }
    mfx_unlock();
    mfx_guard = 0;
}

#define TRACKING() (MFX_UNLIKELY(mfx_tracking) && !mfx_guard)

MFX_EXPORT void *malloc(size_t size) {
    if (MFX_UNLIKELY(!real_malloc)) {
        if (resolving) {
            return arena_alloc(size);
        }
        resolve();
    }
    void *p = real_malloc(size);
    if (TRACKING() && p) {
        record_alloc(MFX_KIND_MALLOC, p, size);
    }
    return p;
}

MFX_EXPORT void *calloc(size_t n, size_t size) {
    if (MFX_UNLIKELY(!real_calloc)) {
        if (resolving) {
            void *p = arena_alloc(n * size);
            if (p) {
                memset(p, 0, n * size);
            }
            return p;
        }
        resolve();
    }
    void *p = real_calloc(n, size);
    if (TRACKING() && p) {
        record_alloc(MFX_KIND_CALLOC, p, n * size);
    }
    return p;
}

MFX_EXPORT void free(void *ptr) {
    if (MFX_UNLIKELY(!ptr || in_arena(ptr))) {
        return;
    }
    ENSURE(real_free);
    if (TRACKING()) {
        record_free(ptr);
    }
    real_free(ptr);
}

MFX_EXPORT void *realloc(void *ptr, size_t size) {
    if (MFX_UNLIKELY(in_arena(ptr))) {
        void *p = malloc(size);
        if (p) {
            size_t room = (size_t)(arena + sizeof arena - (char *)ptr);
            memcpy(p, ptr, size < room ? size : room);
        }
        return p;
    }
    ENSURE(real_realloc);
    if (!TRACKING()) {
        return real_realloc(ptr, size);
    }
    mfx_guard = 1;
    struct mfx_thread *t = mfx_thread_state();
    int native_depth = mfx_native && t ? mfx_unwind(t) : 0;
    mfx_lock();
    void *p = real_realloc(ptr, size);
    if (mfx_tracking) {
        if (ptr && (p || size == 0)) {
            mfx_emit_free((uintptr_t)ptr); /* moved, or realloc(p, 0) freed it */
        }
        if (p) {
            uint32_t node = t ? mfx_current_node(t) : 0;
            uint32_t native_node = native_depth ? mfx_native_node(t, native_depth) : 0;
            mfx_emit_alloc(MFX_KIND_REALLOC, (uintptr_t)p, size, node, native_node);
        }
    }
    mfx_unlock();
    mfx_guard = 0;
    return p;
}

MFX_EXPORT int posix_memalign(void **out, size_t alignment, size_t size) {
    ENSURE(real_posix_memalign);
    int rc = real_posix_memalign(out, alignment, size);
    if (TRACKING() && rc == 0) {
        record_alloc(MFX_KIND_POSIX_MEMALIGN, *out, size);
    }
    return rc;
}

MFX_EXPORT void *aligned_alloc(size_t alignment, size_t size) {
    ENSURE(real_aligned_alloc);
    void *p = real_aligned_alloc(alignment, size);
    if (TRACKING() && p) {
        record_alloc(MFX_KIND_ALIGNED_ALLOC, p, size);
    }
    return p;
}

MFX_EXPORT void *memalign(size_t alignment, size_t size) {
    ENSURE(real_memalign);
    void *p = real_memalign(alignment, size);
    if (TRACKING() && p) {
        record_alloc(MFX_KIND_MEMALIGN, p, size);
    }
    return p;
}

MFX_EXPORT void *valloc(size_t size) {
    ENSURE(real_valloc);
    void *p = real_valloc(size);
    if (TRACKING() && p) {
        record_alloc(MFX_KIND_VALLOC, p, size);
    }
    return p;
}

MFX_EXPORT void *pvalloc(size_t size) {
    ENSURE(real_pvalloc);
    void *p = real_pvalloc(size);
    if (TRACKING() && p) {
        record_alloc(MFX_KIND_PVALLOC, p, size);
    }
    return p;
}

MFX_EXPORT void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset) {
    ENSURE(real_mmap);
    void *p = real_mmap(addr, length, prot, flags, fd, offset);
    if (TRACKING() && p != MAP_FAILED) {
        record_alloc(MFX_KIND_MMAP, p, length);
    }
    return p;
}

MFX_EXPORT void *mmap64(void *addr, size_t length, int prot, int flags, int fd, off_t offset) {
    ENSURE(real_mmap64);
    void *p = real_mmap64(addr, length, prot, flags, fd, offset);
    if (TRACKING() && p != MAP_FAILED) {
        record_alloc(MFX_KIND_MMAP, p, length);
    }
    return p;
}

/* The kernel unmaps whole pages: say so, so the JVM releases what really went away
 * (munmap(p + 4096, 1) takes the whole second page). */
static size_t whole_pages(size_t length) {
    size_t page = (size_t)getpagesize();
    return (length + page - 1) & ~(page - 1);
}

MFX_EXPORT int munmap(void *addr, size_t length) {
    ENSURE(real_munmap);
    if (TRACKING()) {
        mfx_guard = 1;
        mfx_thread_state();
        mfx_lock();
        if (mfx_tracking) {
            mfx_emit_munmap((uintptr_t)addr, whole_pages(length));
        }
        mfx_unlock();
        mfx_guard = 0;
    }
    return real_munmap(addr, length);
}

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4 /* Linux 5.7; older headers lack it */
#endif

/* A remap is written as MUNMAP of the old range then ALLOC MMAP of the new one, under
 * the lock held across the call (as realloc), so no other thread's mapping of a freed
 * address comes between. MREMAP_FIXED unmaps whatever lay at the new address; the JVM
 * does the same for any mapping placed over live ones. With MREMAP_DONTUNMAP, or an
 * old_size of 0 (a duplicate of a shared mapping), the old range stays mapped. */
MFX_EXPORT void *mremap(void *old_address, size_t old_size, size_t new_size, int flags, ...) {
    void *new_address = NULL;
    if (flags & MREMAP_FIXED) {
        va_list args;
        va_start(args, flags);
        new_address = va_arg(args, void *);
        va_end(args);
    }
    ENSURE(real_mremap);
    if (!TRACKING()) {
        return real_mremap(old_address, old_size, new_size, flags, new_address);
    }
    mfx_guard = 1;
    struct mfx_thread *t = mfx_thread_state();
    int native_depth = mfx_native && t ? mfx_unwind(t) : 0; /* outside the lock */
    mfx_lock();
    void *p = real_mremap(old_address, old_size, new_size, flags, new_address);
    int saved_errno = errno;
    if (mfx_tracking && p != MAP_FAILED) {
        if (old_size != 0 && !(flags & MREMAP_DONTUNMAP)) {
            mfx_emit_munmap((uintptr_t)old_address, whole_pages(old_size));
        }
        uint32_t node = t ? mfx_current_node(t) : 0;
        uint32_t native_node = native_depth ? mfx_native_node(t, native_depth) : 0;
        mfx_emit_alloc(MFX_KIND_MMAP, (uintptr_t)p, new_size, node, native_node);
    }
    mfx_unlock();
    mfx_guard = 0;
    errno = saved_errno;
    return p;
}

/* os._exit() skips every cleanup: flush what is buffered first, so nothing is lost.
 * A vfork child (subprocess's, after a failed exec) ends here too, on the parent's
 * memory: it must leave the parent's stream alone. */
MFX_EXPORT void _exit(int status) {
    ENSURE(real_exit);
    if (mfx_tracking && mfx_stream_is_owner()) {
        mfx_guard = 1;
        mfx_stream_close(1);
    }
    real_exit(status);
}
