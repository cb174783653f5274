/* lock.c: the spinlock every thread but the lock's owner takes, and how it makes the
 * owner step aside (lock.h).
 *
 * The owner: inside = 1, then reads bias_off. Another thread, holding the spinlock:
 * bias_off = 1, membarrier, then waits for inside == 0. membarrier runs a full barrier
 * on every thread of the process that is running, so either the owner's load comes after
 * it and sees bias_off (the owner backs out and queues on the spinlock), or the owner's
 * store came before it and is seen (the other waits for the owner's unlock). */
#define _GNU_SOURCE
#include <linux/membarrier.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "agent.h"

__thread int mfx_lock_owner __attribute__((tls_model("initial-exec")));
volatile int mfx_lock_owner_inside;
volatile int mfx_lock_bias_off;
uint64_t mfx_lock_waits;

static __thread int visitor __attribute__((tls_model("initial-exec")));
static volatile int lock_word;
static int biased; /* under lock_word: an owner exists and may take the fast path */

static int membarrier(int command) {
    return (int)syscall(SYS_membarrier, command, 0, 0);
}

/* A holder may be blocked writing to a full socket, so waiters yield. */
static void spin_lock(void) {
    for (int spins = 0; __atomic_exchange_n(&lock_word, 1, __ATOMIC_ACQUIRE); spins++) {
        if (spins == 0) {
            __atomic_fetch_add(&mfx_lock_waits, 1, __ATOMIC_RELAXED);
        }
        while (__atomic_load_n(&lock_word, __ATOMIC_RELAXED)) {
            if (spins++ < 100) {
                __builtin_ia32_pause();
            } else {
                sched_yield();
            }
        }
    }
}

static void wait_for_owner(void) {
    for (int spins = 0; __atomic_load_n(&mfx_lock_owner_inside, __ATOMIC_ACQUIRE); spins++) {
        if (spins < 100) {
            __builtin_ia32_pause();
        } else {
            sched_yield();
        }
    }
}

void mfx_lock_slow(void) {
    spin_lock();
    if (biased && !mfx_lock_owner) {
        __atomic_store_n(&mfx_lock_bias_off, 1, __ATOMIC_RELAXED);
        if (!visitor) {
            biased = 0; /* a second thread records events: the bias would cost it a syscall each */
        }
        membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);
        wait_for_owner();
    }
}

void mfx_unlock_slow(void) {
    if (biased) {
        __atomic_store_n(&mfx_lock_bias_off, 0, __ATOMIC_RELEASE); /* the owner's fast path again */
    }
    __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
}

/* Once in a process's life: a stream opened again (tracking stopped and started) keeps
 * the first owner, or none, since a thread once made owner stays one (its flag is its
 * own). Registered while the process has (nearly always) one thread: then it is cheap. */
void mfx_lock_bias_here(void) {
    static int chosen;
    spin_lock();
    if (!chosen) {
        chosen = 1;
        int supported = membarrier(MEMBARRIER_CMD_QUERY);
        if (supported > 0 && (supported & MEMBARRIER_CMD_PRIVATE_EXPEDITED)
            && membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0) {
            biased = 1;
            mfx_lock_owner = 1;
            __atomic_store_n(&mfx_lock_bias_off, 0, __ATOMIC_RELAXED);
        }
    }
    __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
}

void mfx_lock_after_fork_child(void) {
    if (biased && (!mfx_lock_owner || membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) != 0)) {
        biased = 0; /* the owner stayed in the parent, or the child cannot ask it to step aside */
        mfx_lock_bias_off = 1;
    }
}

void mfx_lock_visit_only(void) {
    visitor = 1;
}
