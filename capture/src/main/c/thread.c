/* thread.c: the life of struct mfx_thread: numbered on a thread's first recorded event,
 * freed (with the frame walk's cache) when the thread ends. */
#define _GNU_SOURCE
#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "agent.h"

__thread int mfx_guard __attribute__((tls_model("initial-exec")));
__thread struct mfx_thread *mfx_self __attribute__((tls_model("initial-exec")));

static pthread_key_t thread_key;
static int key_created;
static uint32_t thread_count; /* under the stream lock: numbers follow the stream's order */

static void forget_thread(void *state) {
    struct mfx_thread *t = state;
    int g = mfx_enter();
    mfx_self = NULL;
    mfx_walk_forget_thread();
    mfx_real_free(t->stack);
    mfx_real_free(t);
    mfx_leave(g);
}

void mfx_threads_init(void) {
    if (!key_created) {
        pthread_key_create(&thread_key, forget_thread);
        key_created = 1;
    }
}

struct mfx_thread *mfx_thread_create(void) {
    struct mfx_thread *t = mfx_real_malloc(sizeof *t);
    if (!t) {
        return NULL;
    }
    memset(t, 0, sizeof *t);
    t->os_tid = (uint32_t)syscall(SYS_gettid);
    mfx_lock();
    t->number = ++thread_count;
    mfx_unlock();
    mfx_self = t;
    pthread_setspecific(thread_key, t);
    return t;
}
