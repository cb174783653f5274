/* thread.h: what the agent keeps per thread: the re-entry guard and struct mfx_thread. */
#ifndef MEMFLUX_THREAD_H
#define MEMFLUX_THREAD_H

#include <stdint.h>

#pragma GCC visibility push(hidden)

/* One Python frame on a thread's shadow stack (profile-function stack source). */
struct mfx_entry {
    void *frame;          /* PyFrameObject*, alive while it is on the stack */
    uint32_t frame_id;    /* the code object's FRAME id */
    uint32_t node;        /* stack node of entries [0, this]; meaningful when valid */
    uint32_t top_parent;  /* cache for when this entry is the top: parent node ... */
    uint32_t top_node;    /* ... and the node computed for ... */
    int32_t top_line;     /* ... this line */
    uint8_t valid;        /* node computed while this entry was suspended in a call */
    uint8_t hidden;       /* memflux's own bootstrap or runpy: left out of stacks */
};

#define MFX_MAX_NATIVE 128

/* Created on the thread's first recorded event, freed when the thread ends. */
struct mfx_thread {
    uint32_t number;      /* small, in order of first appearance */
    uint32_t os_tid;
    uint32_t depth;
    uint32_t capacity;
    struct mfx_entry *stack;
    /* --native: this allocation's stack, and the last one's with its nodes */
    int last_native_depth;
    void *ips[MFX_MAX_NATIVE];
    void *last_ips[MFX_MAX_NATIVE];
    uint32_t last_nodes[MFX_MAX_NATIVE];
};

/* Non-zero while the agent itself runs on this thread, so the allocations it (or the
 * Python API it calls) makes are not recorded. Only mfx_enter/mfx_leave change it. */
extern __thread int mfx_guard __attribute__((tls_model("initial-exec")));
extern __thread struct mfx_thread *mfx_self __attribute__((tls_model("initial-exec")));

/* int g = mfx_enter(); ... mfx_leave(g); Nesting-safe: leave puts back what enter found. */
static inline int mfx_enter(void) {
    int previous = mfx_guard;
    mfx_guard = 1;
    return previous;
}

static inline void mfx_leave(int previous) {
    mfx_guard = previous;
}

void mfx_threads_init(void);                /* once, before the first mfx_thread_state */
struct mfx_thread *mfx_thread_create(void); /* takes the stream lock for a moment */

/* This thread's state, created on first use; NULL when out of memory. Guard entered. */
static inline struct mfx_thread *mfx_thread_state(void) {
    struct mfx_thread *t = mfx_self;
    return __builtin_expect(t != NULL, 1) ? t : mfx_thread_create();
}

#pragma GCC visibility pop

#endif
