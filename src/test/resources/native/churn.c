/* churn: n blocks of size bytes, each freed at once, from C, with the GIL released by
 * ctypes: threads calling it record events truly at the same time (StreamLockTest). */
#include <stdlib.h>

void churn(int n, size_t size) {
    for (int i = 0; i < n; i++) {
        void *volatile p = malloc(size);
        free(p);
    }
}
