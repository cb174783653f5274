/* sample.c: --sample-rate. Allocations of the malloc family (and Python's allocators
 * with --trace-python-allocators) are recorded as a Poisson process over the bytes a
 * thread allocates: each allocation of size s is kept with probability 1 - exp(-s/R),
 * independently of the others, so the JVM can scale every kept one back into an
 * unbiased estimate (s / p bytes, 1 / p allocations). Mappings are always recorded:
 * they are few and large.
 *
 * The cost of an allocation that is not kept is a thread-local subtraction; of a free
 * whose block was not kept, one byte read from a counting filter, without the lock.
 * Only a kept block (or a filter collision) takes the stream lock. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

uint64_t mfx_sample_rate;

/* Bytes this thread may still allocate before its next sample point; 0: not drawn yet. */
static __thread int64_t bytes_to_sample;
static __thread uint64_t rng_state;

/* Counting filter over the kept blocks' addresses: read without the lock, so a free of
 * a block that was never kept (nearly all of them) costs one load. Counters stuck at
 * 255 stay "maybe" for good, which costs a lock, never an event. */
#define FILTER_BITS 20
static volatile uint8_t *filter;

/* The kept blocks' addresses, exactly: open addressing with linear probing and
 * tombstones, touched only under the stream lock. */
#define EMPTY 0
#define TOMBSTONE 1
static uintptr_t *kept;
static size_t kept_capacity; /* a power of two */
static size_t kept_used;     /* live entries plus tombstones */

static inline uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

/* ln(x) for x in (0, 1]: x = m * 2^e with m in [1, 2), ln m = 2 atanh((m-1)/(m+1)).
 * Close to 1e-7, plenty for drawing gaps; no libm in the profiled process. */
static double natural_log(double x) {
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int exponent = (int)((bits >> 52) & 0x7ff) - 1023;
    bits = (bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
    double m;
    memcpy(&m, &bits, sizeof m);
    double z = (m - 1) / (m + 1), z2 = z * z;
    double series = z * (1 + z2 * (1.0 / 3 + z2 * (1.0 / 5 + z2 * (1.0 / 7 + z2 * (1.0 / 9 + z2 / 11)))));
    return exponent * 0.6931471805599453 + 2 * series;
}

/* The bytes to the next sample point: exponential with mean R, at least 1. */
static int64_t next_gap(void) {
    if (MFX_UNLIKELY(rng_state == 0)) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        rng_state = mix((uint64_t)now.tv_nsec ^ ((uint64_t)gettid() << 32) ^ (uintptr_t)&rng_state) | 1;
    }
    /* xorshift64*, top 53 bits as a uniform in (0, 1] */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    double u = (double)(((rng_state * 0x2545f4914f6cdd1dULL) >> 11) + 1) * (1.0 / 9007199254740992.0);
    double gap = -natural_log(u) * (double)mfx_sample_rate;
    return gap < 1 ? 1 : gap > 4e18 ? (int64_t)4e18 : (int64_t)gap;
}

int mfx_sample_take(size_t size) {
    int64_t left = bytes_to_sample;
    if (MFX_UNLIKELY(left == 0)) {
        left = next_gap();
    }
    left -= (int64_t)size;
    if (MFX_LIKELY(left > 0)) {
        bytes_to_sample = left;
        return 0;
    }
    /* Memoryless: the next gap starts after this allocation, so each allocation is kept
     * with probability 1 - exp(-size / R) whatever came before it. */
    bytes_to_sample = next_gap();
    return 1;
}

static size_t filter_slot(uintptr_t address) {
    return (size_t)(mix(address) >> (64 - FILTER_BITS));
}

int mfx_sample_maybe_kept(void *ptr) {
    return filter && __atomic_load_n(&filter[filter_slot((uintptr_t)ptr)], __ATOMIC_RELAXED) != 0;
}

static void *map_zeroed(size_t bytes) {
    void *p = mfx_real.mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void put_address(uintptr_t *table, size_t capacity, uintptr_t address) {
    for (size_t i = mix(address) & (capacity - 1);; i = (i + 1) & (capacity - 1)) {
        if (table[i] == EMPTY) {
            table[i] = address;
            return;
        }
    }
}

/* Grows (or, with many tombstones, only cleans) the table; 0 when out of memory. */
static int rehash(void) {
    size_t capacity = kept_capacity ? kept_capacity : 1024;
    size_t live = 0;
    for (size_t i = 0; i < kept_capacity; i++) {
        live += kept[i] > TOMBSTONE;
    }
    while (live * 2 >= capacity) {
        capacity *= 2;
    }
    uintptr_t *table = map_zeroed(capacity * sizeof *table);
    if (!table) {
        return 0;
    }
    for (size_t i = 0; i < kept_capacity; i++) {
        if (kept[i] > TOMBSTONE) {
            put_address(table, capacity, kept[i]);
        }
    }
    if (kept) {
        mfx_real.munmap(kept, kept_capacity * sizeof *kept);
    }
    kept = table;
    kept_capacity = capacity;
    kept_used = live;
    return 1;
}

int mfx_sample_keep(void *ptr) {
    uintptr_t address = (uintptr_t)ptr;
    if ((kept_used + 1) * 4 > kept_capacity * 3 && !rehash()) {
        return 0;
    }
    put_address(kept, kept_capacity, address);
    kept_used++;
    volatile uint8_t *counter = &filter[filter_slot(address)];
    if (*counter < 255) {
        __atomic_store_n(counter, (uint8_t)(*counter + 1), __ATOMIC_RELAXED);
    }
    return 1;
}

int mfx_sample_forget(void *ptr) {
    uintptr_t address = (uintptr_t)ptr;
    if (!kept_capacity) {
        return 0;
    }
    for (size_t i = mix(address) & (kept_capacity - 1);; i = (i + 1) & (kept_capacity - 1)) {
        if (kept[i] == EMPTY) {
            return 0;
        }
        if (kept[i] == address) {
            kept[i] = TOMBSTONE;
            volatile uint8_t *counter = &filter[filter_slot(address)];
            if (*counter < 255) {
                __atomic_store_n(counter, (uint8_t)(*counter - 1), __ATOMIC_RELAXED);
            }
            return 1;
        }
    }
}

int mfx_sample_init(uint64_t rate) {
    if (rate == 0) {
        return 0;
    }
    filter = map_zeroed((size_t)1 << FILTER_BITS);
    if (!filter || !rehash()) {
        return -1;
    }
    mfx_sample_rate = rate;
    return 0;
}
