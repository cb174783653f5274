/* pyalloc.c: --trace-python-allocators. Wraps whatever allocators the MEM and OBJ domains
 * hold (pymalloc, or malloc with PYTHONMALLOC=malloc, or the debug hooks) so every
 * object and PyMem block is its own event. RAW is left alone: it is malloc, hooked already.
 *
 * The delegated call runs with the guard entered: what pymalloc does underneath (its
 * arenas' mmap, malloc for blocks over 512 bytes or with PYTHONMALLOC=malloc) is part of
 * this one event, not a second one at the same address. Frees and reallocs keep the order
 * of hooks.c: a free is written before the block is released, a realloc under the stream
 * lock held across the call. */
#define _GNU_SOURCE
#include <dlfcn.h>

#include "agent.h"
#include "records.h"

/* CPython's PyMemAllocatorEx, declared here: the agent uses no Python headers. */
struct py_allocator {
    void *ctx;
    void *(*malloc)(void *ctx, size_t size);
    void *(*calloc)(void *ctx, size_t nelem, size_t elsize);
    void *(*realloc)(void *ctx, void *ptr, size_t new_size);
    void (*free)(void *ctx, void *ptr);
};

#define PYMEM_DOMAIN_MEM 1
#define PYMEM_DOMAIN_OBJ 2
#define DOMAINS 2

/* The allocators found at install time, one per wrapped domain; each wrapper's ctx
 * points at its domain's entry. */
static struct py_allocator wrapped[DOMAINS];
static int installed;
static void (*py_GetAllocator)(int domain, struct py_allocator *allocator);
static void (*py_SetAllocator)(int domain, struct py_allocator *allocator);

static void *traced_malloc(void *ctx, size_t size) {
    struct py_allocator *a = ctx;
    int g = mfx_enter();
    void *p = a->malloc(a->ctx, size);
    mfx_leave(g);
    if (MFX_TRACKING() && p) {
        mfx_record_alloc(MFX_KIND_PYMALLOC_MALLOC, p, size);
    }
    return p;
}

static void *traced_calloc(void *ctx, size_t nelem, size_t elsize) {
    struct py_allocator *a = ctx;
    int g = mfx_enter();
    void *p = a->calloc(a->ctx, nelem, elsize);
    mfx_leave(g);
    if (MFX_TRACKING() && p) {
        mfx_record_alloc(MFX_KIND_PYMALLOC_CALLOC, p, nelem * elsize);
    }
    return p;
}

static void traced_free(void *ctx, void *ptr) {
    struct py_allocator *a = ctx;
    if (MFX_TRACKING() && ptr) {
        mfx_record_free(ptr);
    }
    int g = mfx_enter();
    a->free(a->ctx, ptr);
    mfx_leave(g);
}

static void *traced_realloc(void *ctx, void *ptr, size_t size) {
    struct py_allocator *a = ctx;
    if (!MFX_TRACKING()) {
        int g = mfx_enter();
        void *p = a->realloc(a->ctx, ptr, size);
        mfx_leave(g);
        return p;
    }
    int record_new = 1;
    if (mfx_sample_rate) {
        record_new = mfx_sample_take(size);
        if (!record_new && !(ptr && mfx_sample_maybe_kept(ptr))) {
            int g = mfx_enter();
            void *p = a->realloc(a->ctx, ptr, size);
            mfx_leave(g);
            return p;
        }
    }
    int g = mfx_enter();
    struct mfx_thread *t = mfx_thread_state();
    int native_depth = mfx_native && t ? mfx_unwind(t) : 0; /* outside the lock */
    mfx_lock();
    void *p = a->realloc(a->ctx, ptr, size);
    /* PyMem_Realloc(p, 0) keeps a block: the old one is released only when a new one came. */
    mfx_emit_realloc(MFX_KIND_PYMALLOC_REALLOC, ptr, p, size, p != NULL, record_new, t, native_depth);
    mfx_unlock();
    mfx_leave(g);
    return p;
}

int mfx_pyalloc_install(void) {
    py_GetAllocator = dlsym(RTLD_DEFAULT, "PyMem_GetAllocator");
    py_SetAllocator = dlsym(RTLD_DEFAULT, "PyMem_SetAllocator");
    if (!py_GetAllocator || !py_SetAllocator) {
        return -1;
    }
    for (int i = 0; i < DOMAINS; i++) {
        int domain = i == 0 ? PYMEM_DOMAIN_MEM : PYMEM_DOMAIN_OBJ;
        py_GetAllocator(domain, &wrapped[i]);
        struct py_allocator tracer = {&wrapped[i], traced_malloc, traced_calloc, traced_realloc, traced_free};
        py_SetAllocator(domain, &tracer);
    }
    installed = 1;
    return 0;
}

/* Blocks handed out through the wrappers go back to the allocator that made them: the
 * wrappers only delegated, so restoring the originals frees them correctly. */
void mfx_pyalloc_uninstall(void) {
    if (!installed) {
        return;
    }
    for (int i = 0; i < DOMAINS; i++) {
        py_SetAllocator(i == 0 ? PYMEM_DOMAIN_MEM : PYMEM_DOMAIN_OBJ, &wrapped[i]);
    }
    installed = 0;
}
