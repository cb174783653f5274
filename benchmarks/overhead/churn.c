/* Built by threads_churn.py: malloc/free pairs in C, called through ctypes (which
 * releases the GIL), so several threads allocate truly at once. */
#include <stdlib.h>

void churn(long pairs) {
    for (long i = 0; i < pairs; i++) {
        volatile char *p = malloc(64 + (i & 255));
        p[0] = 1;
        free((void *)p);
    }
}
