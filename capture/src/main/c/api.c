/* api.c: what the bootstrap calls through ctypes.PyDLL (so with the GIL held). */
#include "agent.h"
#include "records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* MEMFLUX_STACK_SOURCE=profile forces the profile function (tests cover both sources);
 * MEMFLUX_UNWINDER=glibc forces glibc's backtrace() over libunwind (for measuring);
 * MEMFLUX_SAMPLE_RATE=R keeps a sample of allocations, one per R bytes on average.
 * Read at load time: the bootstrap removes MEMFLUX_* variables before tracking starts. */
static int force_profile;
static int force_glibc_unwinder;
static uint64_t sample_rate; /* MEMFLUX_SAMPLE_RATE: --sample-rate's mean bytes between samples */

__attribute__((constructor)) static void read_settings(void) {
    const char *source = getenv("MEMFLUX_STACK_SOURCE");
    force_profile = source && strcmp(source, "profile") == 0;
    const char *unwinder = getenv("MEMFLUX_UNWINDER");
    force_glibc_unwinder = unwinder && strcmp(unwinder, "glibc") == 0;
    const char *rate = getenv("MEMFLUX_SAMPLE_RATE");
    sample_rate = rate ? strtoull(rate, NULL, 10) : 0;
}

/* Connects to memflux, says HELLO, and starts tracking on the calling thread. */
MFX_EXPORT int memflux_start(const char *socket_path, const char *command_line, int flags, const char *bootstrap) {
    int g = mfx_enter();
    if (mfx_python_resolve() != 0) {
        fprintf(stderr, "memflux: this Python lacks a C-API function memflux needs (CPython 3.8+ is required)\n");
        mfx_leave(g);
        return -1;
    }
    mfx_python_set_bootstrap(bootstrap);
    if (flags & MFX_FLAG_NATIVE) {
        mfx_unwind_init(force_glibc_unwinder);
    }
    if (mfx_sample_init(sample_rate) != 0) {
        fprintf(stderr, "memflux: no memory for the sampled blocks' table\n");
        mfx_leave(g);
        return -1;
    }
    int walking = mfx_stack_source_choose(force_profile);
    mfx_threads_init();
    /* Before tracking starts, and with the GIL held: no pymalloc call is under way. */
    if ((flags & MFX_FLAG_PYTHON_ALLOCATORS) && mfx_pyalloc_install() != 0) {
        fprintf(stderr, "memflux: this Python cannot have its allocators traced (no PyMem_SetAllocator)\n");
        mfx_leave(g);
        return -1;
    }
    int rc = mfx_stream_open(socket_path, command_line, (unsigned)flags | (walking ? MFX_FLAG_FRAME_WALK : 0),
                             mfx_python_version());
    if (rc != 0) {
        mfx_pyalloc_uninstall();
    }
    if (rc == 0 && mfx_native) {
        mfx_modules_announce();
    }
    mfx_leave(g);
    if (rc == 0 && !walking) {
        mfx_profile_install();
    }
    return rc;
}

/* 0: stacks are read from the interpreter's frames; 1: a profile function on every
 * thread keeps them, and the bootstrap must install it on new threads. */
MFX_EXPORT int memflux_stack_source(void) {
    return mfx_stack_source_walks() ? 0 : 1;
}

/* Called on each new thread (threading.setprofile hook): follow its frames too. */
MFX_EXPORT void memflux_thread_init(void) {
    if (mfx_tracking) {
        mfx_profile_install();
    }
}

/* Ends tracking: END, flush, close. Objects alive now stay "still allocated". */
MFX_EXPORT void memflux_stop(void) {
    if (!mfx_stack_source_walks()) {
        mfx_profile_uninstall();
    }
    int g = mfx_enter();
    mfx_stream_close(0);
    mfx_pyalloc_uninstall();
    mfx_leave(g);
}
