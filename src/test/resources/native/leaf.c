/* Built by the tests (NativeLibrary) with gcc -g -O2. Expected under memflux run --native: each
 * allocation's native stack starts grab (inlined, at "site: malloc") <- leaf_alloc (at
 * "site: grab") <- mid_alloc (at "site: leaf"). The store after malloc keeps gcc from
 * turning the call into a tail jump, which would leave leaf_alloc off the stack. */
#include <stdlib.h>

static inline __attribute__((always_inline)) void *grab(size_t size) {
    return malloc(size); /* site: malloc */
}

__attribute__((noinline)) void *leaf_alloc(size_t size) {
    char *p = grab(size); /* site: grab */
    if (p) {
        p[0] = 1;
    }
    return p;
}

__attribute__((noinline)) void mid_alloc(int count, size_t size, void **out) {
    for (int i = 0; i < count; i++) {
        out[i] = leaf_alloc(size); /* site: leaf */
    }
}
