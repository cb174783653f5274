/* lock.h: the stream lock, biased toward the thread that records nearly every event.
 *
 * One lock orders every record of the process (stream.c). As a spinlock it cost an
 * atomic exchange per event: 7 of the agent's 32 ns an event on allocation-heavy code
 * (program CPU time, the agent alone, against a build without the exchange). Most
 * programs record from one thread, so the thread that opens the stream owns the lock
 * while no other thread records: it takes it with a plain store and a load. Any other
 * thread takes the spinlock, then asks the owner to step aside and pays, with one
 * membarrier(2), for the store-to-load order the owner's plain store does not give
 * (lock.c). The ticker steps in so every 10 ms; the first other thread to record an
 * event ends the bias for good, and from then on every thread takes the spinlock. */
#ifndef MEMFLUX_LOCK_H
#define MEMFLUX_LOCK_H

#include <stdint.h>

#pragma GCC visibility push(hidden)

extern __thread int mfx_lock_owner __attribute__((tls_model("initial-exec")));
extern volatile int mfx_lock_owner_inside; /* written by the owner only */
extern volatile int mfx_lock_bias_off;     /* 1: the owner takes the spinlock too */
extern uint64_t mfx_lock_waits;            /* the spinlock found taken (MEMFLUX_AGENT_STATS) */

void mfx_lock_slow(void);
void mfx_unlock_slow(void);
/* Under no lock, before the ticker starts: this thread owns the lock from now on, when
 * membarrier(2) is there to let the others in. */
void mfx_lock_bias_here(void);
/* In a fork's child, lock held, one thread left: membarrier registration anew (or the
 * bias ends: no other thread can be inside). */
void mfx_lock_after_fork_child(void);
/* The calling thread (the ticker) steps in without ending the bias. */
void mfx_lock_visit_only(void);

static inline void mfx_lock(void) {
    if (__builtin_expect(mfx_lock_owner, 1)) {
        mfx_lock_owner_inside = 1;
        /* Keeps the compiler from loading first; the processor may still, and that is what
         * the others' membarrier covers. */
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        if (__builtin_expect(!__atomic_load_n(&mfx_lock_bias_off, __ATOMIC_ACQUIRE), 1)) {
            return;
        }
        __atomic_store_n(&mfx_lock_owner_inside, 0, __ATOMIC_RELEASE);
    }
    mfx_lock_slow();
}

static inline void mfx_unlock(void) {
    if (__builtin_expect(mfx_lock_owner && mfx_lock_owner_inside, 1)) {
        __atomic_store_n(&mfx_lock_owner_inside, 0, __ATOMIC_RELEASE);
        return;
    }
    mfx_unlock_slow();
}

#pragma GCC visibility pop

#endif
