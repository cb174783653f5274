/* trie.h: one interning table for every stack tree: each new (parent, key) gets the
 * next small integer, and its record is written once, when it is first seen. */
#ifndef MEMFLUX_TRIE_H
#define MEMFLUX_TRIE_H

#include <stdint.h>

#pragma GCC visibility push(hidden)

struct mfx_trie_slot {
    uint64_t key;
    uint32_t parent;
    uint32_t id; /* 0 = empty */
};

/* Open addressing, at most half full. No lock of its own: callers serialize (the stream
 * lock; the GIL for the code table in profile mode). Set first_capacity and emit only. */
struct mfx_trie {
    struct mfx_trie_slot *slots;
    uint32_t mask;
    uint32_t count;
    uint32_t first_capacity;                    /* a power of two */
    void (*emit)(uint32_t parent, uint64_t key); /* called once per new id; may be NULL */
};

uint32_t mfx_trie_add(struct mfx_trie *trie, uint32_t parent, uint64_t key); /* the slow half */

static inline uint32_t mfx_trie_hash(uint32_t parent, uint64_t key) {
    uint64_t x = (key ^ (uint64_t)parent * 0xC2B2AE3D27D4EB4Full) * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(x >> 32);
}

/* The id of (parent, key): 1, 2, ... in order of first sight; 0 when the table is full
 * and cannot grow. A hit costs one hash and a probe, inline. */
static inline uint32_t mfx_trie_id(struct mfx_trie *trie, uint32_t parent, uint64_t key) {
    if (__builtin_expect((trie->count + 1) * 2 <= trie->mask, 1)) {
        uint32_t slot = mfx_trie_hash(parent, key) & trie->mask;
        for (;;) {
            struct mfx_trie_slot *s = &trie->slots[slot];
            if (s->id == 0) {
                break;
            }
            if (s->key == key && s->parent == parent) {
                return s->id;
            }
            slot = (slot + 1) & trie->mask;
        }
    }
    return mfx_trie_add(trie, parent, key);
}

#pragma GCC visibility pop

#endif
