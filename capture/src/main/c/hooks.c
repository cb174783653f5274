/* hooks.c: interposes the allocator through LD_PRELOAD.
 *
 * Each hook calls the real function (real.c) and, while tracking,
 * records the event. Until tracking starts the cost is one predictable branch.
 *
 * Ordering: a free is recorded *before* the memory is released and an allocation
 * *after* it was obtained, so another thread can never be handed an address and record
 * its allocation before this thread's free of it reaches the stream. realloc holds the
 * stream lock across the real call for the same reason. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "agent.h"
#include "records.h"

/* The slow half of every hook: take the lock, name the thread and stack, write. */
void mfx_record_alloc(int kind, void *ptr, size_t size) {
    if (mfx_sample_rate && kind != MFX_KIND_MMAP && !mfx_sample_take(size)) {
        return;
    }
    int g = mfx_enter();
    struct mfx_thread *t = mfx_thread_state();
    int native_depth = mfx_native && t ? mfx_unwind(t) : 0; /* outside the lock */
    mfx_lock();
    if (mfx_tracking && (!mfx_sample_rate || kind == MFX_KIND_MMAP || mfx_sample_keep(ptr))) {
        uint32_t node = t ? mfx_current_node(t) : 0; /* may write NODE records first */
        uint32_t native_node = native_depth ? mfx_native_node(t, native_depth) : 0;
        mfx_emit_alloc(kind, (uintptr_t)ptr, size, node, native_node);
    }
    mfx_unlock();
    mfx_leave(g);
}

void mfx_emit_realloc(int kind, void *ptr, void *p, size_t size, int released, int record_new,
                      struct mfx_thread *t, int native_depth) {
    if (!mfx_tracking) {
        return;
    }
    if (ptr && released && (!mfx_sample_rate || mfx_sample_forget(ptr))) {
        mfx_emit_free((uintptr_t)ptr);
    }
    if (p && record_new && (!mfx_sample_rate || mfx_sample_keep(p))) {
        uint32_t node = t ? mfx_current_node(t) : 0;
        uint32_t native_node = native_depth ? mfx_native_node(t, native_depth) : 0;
        mfx_emit_alloc(kind, (uintptr_t)p, size, node, native_node);
    }
}

void mfx_record_free(void *ptr) {
    if (mfx_sample_rate && !mfx_sample_maybe_kept(ptr)) {
        return; /* a block that was never kept: nothing to say */
    }
    int g = mfx_enter();
    mfx_thread_state();
    mfx_lock();
    if (mfx_tracking && (!mfx_sample_rate || mfx_sample_forget(ptr))) {
        mfx_emit_free((uintptr_t)ptr);
    }
    mfx_unlock();
    mfx_leave(g);
}


MFX_EXPORT void *malloc(size_t size) {
    if (MFX_UNLIKELY(!mfx_real.malloc)) {
        if (mfx_resolving) {
            return mfx_arena_alloc(size);
        }
        mfx_real_resolve();
    }
    void *p = mfx_real.malloc(size);
    if (MFX_TRACKING() && p) {
        mfx_record_alloc(MFX_KIND_MALLOC, p, size);
    }
    return p;
}

MFX_EXPORT void *calloc(size_t n, size_t size) {
    if (MFX_UNLIKELY(!mfx_real.calloc)) {
        if (mfx_resolving) {
            void *p = mfx_arena_alloc(n * size);
            if (p) {
                memset(p, 0, n * size);
            }
            return p;
        }
        mfx_real_resolve();
    }
    void *p = mfx_real.calloc(n, size);
    if (MFX_TRACKING() && p) {
        mfx_record_alloc(MFX_KIND_CALLOC, p, n * size);
    }
    return p;
}

MFX_EXPORT void free(void *ptr) {
    if (MFX_UNLIKELY(!ptr || mfx_in_arena(ptr))) {
        return;
    }
    MFX_ENSURE(free);
    if (MFX_TRACKING()) {
        mfx_record_free(ptr);
    }
    mfx_real.free(ptr);
}

MFX_EXPORT void *realloc(void *ptr, size_t size) {
    if (MFX_UNLIKELY(mfx_in_arena(ptr))) {
        void *p = malloc(size);
        if (p) {
            size_t room = (size_t)(mfx_arena + MFX_ARENA_SIZE - (char *)ptr);
            memcpy(p, ptr, size < room ? size : room);
        }
        return p;
    }
    MFX_ENSURE(realloc);
    if (!MFX_TRACKING()) {
        return mfx_real.realloc(ptr, size);
    }
    int record_new = 1;
    if (mfx_sample_rate) {
        record_new = mfx_sample_take(size);
        if (!record_new && !(ptr && mfx_sample_maybe_kept(ptr))) {
            return mfx_real.realloc(ptr, size); /* neither block is (or was) kept */
        }
    }
    int g = mfx_enter();
    struct mfx_thread *t = mfx_thread_state();
    int native_depth = mfx_native && t ? mfx_unwind(t) : 0;
    mfx_lock();
    void *p = mfx_real.realloc(ptr, size);
    mfx_emit_realloc(MFX_KIND_REALLOC, ptr, p, size, p || size == 0 /* moved, or realloc(p, 0) freed it */,
                     record_new, t, native_depth);
    mfx_unlock();
    mfx_leave(g);
    return p;
}

MFX_EXPORT int posix_memalign(void **out, size_t alignment, size_t size) {
    MFX_ENSURE(posix_memalign);
    int rc = mfx_real.posix_memalign(out, alignment, size);
    if (MFX_TRACKING() && rc == 0) {
        mfx_record_alloc(MFX_KIND_POSIX_MEMALIGN, *out, size);
    }
    return rc;
}

MFX_EXPORT void *aligned_alloc(size_t alignment, size_t size) {
    MFX_ENSURE(aligned_alloc);
    void *p = mfx_real.aligned_alloc(alignment, size);
    if (MFX_TRACKING() && p) {
        mfx_record_alloc(MFX_KIND_ALIGNED_ALLOC, p, size);
    }
    return p;
}

MFX_EXPORT void *memalign(size_t alignment, size_t size) {
    MFX_ENSURE(memalign);
    void *p = mfx_real.memalign(alignment, size);
    if (MFX_TRACKING() && p) {
        mfx_record_alloc(MFX_KIND_MEMALIGN, p, size);
    }
    return p;
}

MFX_EXPORT void *valloc(size_t size) {
    MFX_ENSURE(valloc);
    void *p = mfx_real.valloc(size);
    if (MFX_TRACKING() && p) {
        mfx_record_alloc(MFX_KIND_VALLOC, p, size);
    }
    return p;
}

MFX_EXPORT void *pvalloc(size_t size) {
    MFX_ENSURE(pvalloc);
    void *p = mfx_real.pvalloc(size);
    if (MFX_TRACKING() && p) {
        mfx_record_alloc(MFX_KIND_PVALLOC, p, size);
    }
    return p;
}

MFX_EXPORT void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset) {
    MFX_ENSURE(mmap);
    void *p = mfx_real.mmap(addr, length, prot, flags, fd, offset);
    if (MFX_TRACKING() && p != MAP_FAILED) {
        mfx_record_alloc(MFX_KIND_MMAP, p, length);
    }
    return p;
}

MFX_EXPORT void *mmap64(void *addr, size_t length, int prot, int flags, int fd, off_t offset) {
    MFX_ENSURE(mmap64);
    void *p = mfx_real.mmap64(addr, length, prot, flags, fd, offset);
    if (MFX_TRACKING() && p != MAP_FAILED) {
        mfx_record_alloc(MFX_KIND_MMAP, p, length);
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
    MFX_ENSURE(munmap);
    if (MFX_TRACKING()) {
        int g = mfx_enter();
        mfx_thread_state();
        mfx_lock();
        if (mfx_tracking) {
            mfx_emit_munmap((uintptr_t)addr, whole_pages(length));
        }
        mfx_unlock();
        mfx_leave(g);
    }
    return mfx_real.munmap(addr, length);
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
    MFX_ENSURE(mremap);
    if (!MFX_TRACKING()) {
        return mfx_real.mremap(old_address, old_size, new_size, flags, new_address);
    }
    int g = mfx_enter();
    struct mfx_thread *t = mfx_thread_state();
    int native_depth = mfx_native && t ? mfx_unwind(t) : 0; /* outside the lock */
    mfx_lock();
    void *p = mfx_real.mremap(old_address, old_size, new_size, flags, new_address);
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
    mfx_leave(g);
    errno = saved_errno;
    return p;
}

/* os._exit() skips every cleanup: flush what is buffered first, so nothing is lost.
 * A vfork child (subprocess's, after a failed exec) ends here too, on the parent's
 * memory: it must leave the parent's stream alone. */
MFX_EXPORT void _exit(int status) {
    MFX_ENSURE(exit);
    if (mfx_tracking && mfx_stream_is_owner()) {
        int g = mfx_enter();
        mfx_stream_close(1);
        mfx_leave(g);
    }
    mfx_real.exit(status);
}
