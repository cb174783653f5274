/* real.h: the allocator functions the hooks stand in for, and the arena that serves
 * dlsym's own allocations while they are being looked up. */
#ifndef MEMFLUX_REAL_H
#define MEMFLUX_REAL_H

#include <stddef.h>
#include <sys/types.h>

#pragma GCC visibility push(hidden)

/* Plain pointers, not wrapper calls: each hook calls its real function directly. */
struct mfx_real_functions {
    void *(*malloc)(size_t);
    void *(*calloc)(size_t, size_t);
    void *(*realloc)(void *, size_t);
    void (*free)(void *);
    int (*posix_memalign)(void **, size_t, size_t);
    void *(*aligned_alloc)(size_t, size_t);
    void *(*memalign)(size_t, size_t);
    void *(*valloc)(size_t);
    void *(*pvalloc)(size_t);
    void *(*mmap)(void *, size_t, int, int, int, off_t);
    void *(*mmap64)(void *, size_t, int, int, int, off_t);
    int (*munmap)(void *, size_t);
    void *(*mremap)(void *, size_t, size_t, int, ...);
    void (*exit)(int) __attribute__((noreturn));
};

extern struct mfx_real_functions mfx_real;

/* Non-zero while dlsym runs: its allocations then come from the arena. Volatile, or the
 * optimizer folds the checks away. */
extern volatile int mfx_resolving;

#define MFX_ARENA_SIZE (64 * 1024)
extern char mfx_arena[MFX_ARENA_SIZE];

void mfx_real_resolve(void);
void *mfx_arena_alloc(size_t size);

static inline int mfx_in_arena(const void *p) {
    return (const char *)p >= mfx_arena && (const char *)p < mfx_arena + MFX_ARENA_SIZE;
}

/* A hook may run before the library's constructor (another library's constructor
 * allocating first): resolve on first use. */
#define MFX_ENSURE(fn) \
    do { \
        if (__builtin_expect(!mfx_real.fn, 0)) { \
            mfx_real_resolve(); \
        } \
    } while (0)

/* The agent's own memory, never recorded. */
void *mfx_real_malloc(size_t size);
void *mfx_real_realloc(void *ptr, size_t size);
void mfx_real_free(void *ptr);

#pragma GCC visibility pop

#endif
