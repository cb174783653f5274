/* real.c: finds the real allocator functions (dlsym(RTLD_NEXT)) and serves the
 * allocations dlsym itself makes (dlerror's buffer) from a static arena meanwhile. */
#define _GNU_SOURCE
#include <dlfcn.h>

#include "real.h"

struct mfx_real_functions mfx_real;
volatile int mfx_resolving;
char mfx_arena[MFX_ARENA_SIZE] __attribute__((aligned(64)));
static size_t arena_used;

void *mfx_arena_alloc(size_t size) {
    size_t at = (arena_used + 15) & ~(size_t)15;
    if (at + size > sizeof mfx_arena) {
        return NULL;
    }
    arena_used = at + size;
    return mfx_arena + at;
}

void mfx_real_resolve(void) {
    if (mfx_resolving) {
        return;
    }
    mfx_resolving = 1;
    mfx_real.malloc = dlsym(RTLD_NEXT, "malloc");
    mfx_real.calloc = dlsym(RTLD_NEXT, "calloc");
    mfx_real.realloc = dlsym(RTLD_NEXT, "realloc");
    mfx_real.free = dlsym(RTLD_NEXT, "free");
    mfx_real.posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    mfx_real.aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    mfx_real.memalign = dlsym(RTLD_NEXT, "memalign");
    mfx_real.valloc = dlsym(RTLD_NEXT, "valloc");
    mfx_real.pvalloc = dlsym(RTLD_NEXT, "pvalloc");
    mfx_real.mmap = dlsym(RTLD_NEXT, "mmap");
    mfx_real.mmap64 = dlsym(RTLD_NEXT, "mmap64");
    mfx_real.munmap = dlsym(RTLD_NEXT, "munmap");
    mfx_real.mremap = dlsym(RTLD_NEXT, "mremap");
    mfx_real.exit = dlsym(RTLD_NEXT, "_exit");
    mfx_resolving = 0;
}

__attribute__((constructor)) static void real_init(void) {
    if (!mfx_real.malloc) {
        mfx_real_resolve();
    }
}

void *mfx_real_malloc(size_t size) {
    MFX_ENSURE(malloc);
    return mfx_real.malloc(size);
}

void *mfx_real_realloc(void *ptr, size_t size) {
    MFX_ENSURE(realloc);
    return mfx_real.realloc(ptr, size);
}

void mfx_real_free(void *ptr) {
    MFX_ENSURE(free);
    mfx_real.free(ptr);
}
