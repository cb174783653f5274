/* trie.c: the growing and inserting half of the interning table (trie.h). */
#include <string.h>

#include "real.h"
#include "trie.h"

static int grow(struct mfx_trie *trie) {
    uint32_t capacity = trie->mask ? (trie->mask + 1) * 2 : trie->first_capacity;
    struct mfx_trie_slot *fresh = mfx_real_malloc(capacity * sizeof *fresh);
    if (!fresh) {
        return -1;
    }
    memset(fresh, 0, capacity * sizeof *fresh);
    for (uint32_t i = 0; trie->mask && i <= trie->mask; i++) {
        struct mfx_trie_slot *s = &trie->slots[i];
        if (s->id) {
            uint32_t slot = mfx_trie_hash(s->parent, s->key) & (capacity - 1);
            while (fresh[slot].id) {
                slot = (slot + 1) & (capacity - 1);
            }
            fresh[slot] = *s;
        }
    }
    mfx_real_free(trie->slots);
    trie->slots = fresh;
    trie->mask = capacity - 1;
    return 0;
}

uint32_t mfx_trie_add(struct mfx_trie *trie, uint32_t parent, uint64_t key) {
    if ((trie->count + 1) * 2 > trie->mask + 1 && grow(trie) != 0) {
        return 0;
    }
    uint32_t slot = mfx_trie_hash(parent, key) & trie->mask;
    while (trie->slots[slot].id) {
        struct mfx_trie_slot *s = &trie->slots[slot];
        if (s->key == key && s->parent == parent) {
            return s->id;
        }
        slot = (slot + 1) & trie->mask;
    }
    uint32_t id = ++trie->count;
    trie->slots[slot] = (struct mfx_trie_slot){key, parent, id};
    if (trie->emit) {
        trie->emit(parent, key);
    }
    return id;
}
