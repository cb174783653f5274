/* pychain.c: memflux's profile function beside the program's own.
 *
 * A thread has one profile function. Every setter (sys.setprofile, threading.setprofile
 * on new threads, cProfile, C code calling PyEval_SetProfile) raises the "sys.setprofile"
 * audit event before it swaps. memflux's audit hook then sets a one-shot trace function
 * on that thread; at its first event (the next line or call, after the swap) memflux
 * takes the profile slot back and chains: profile_chained runs memflux's function, then
 * the program's with the program's object. That object stays in the thread state, so
 * sys.getprofile() returns what the program set. The frames called while the program's
 * function alone was set are read back from the frame chain, and the program's own trace
 * function, if any, is put back and given the event. When tracking stops, the program's
 * function stays. Everything here runs with the GIL held, never inside malloc. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>

#include "agent.h"

typedef int (*py_tracefunc)(void *obj, void *frame, int what, void *arg);

static void (*py_SetProfile)(py_tracefunc, void *);
static void (*py_SetTrace)(py_tracefunc, void *);
static void *(*py_ThreadStateGet)(void);
static void *(*py_EvalGetFrame)(void);
static void *(*py_FrameGetBack)(void *);
static int (*py_AddAuditHook)(int (*)(const char *, void *, void *), void *);
static void *(*py_LongFromLong)(long);
static void (*py_IncRef)(void *);
static void (*py_DecRef)(void *);
static void (*py_ErrClear)(void);

#define FRAME_BACK_38 24 /* PyFrameObject.f_back before PyFrame_GetBack (3.9) */
#define TSTATE_SCAN_WORDS 64

/* Word offsets in PyThreadState of c_profilefunc, c_profileobj, c_tracefunc, c_traceobj. */
static size_t profile_func_slot;
static size_t profile_obj_slot;
static size_t trace_func_slot;
static size_t trace_obj_slot;

static __thread py_tracefunc chained_func;
static __thread void *chained_obj;
static __thread py_tracefunc saved_trace_func; /* the program's, while the one-shot is set */
static __thread void *saved_trace_obj;
static __thread int retake_pending;
static __thread int setting; /* memflux's own Set{Profile,Trace} calls, not the program's */

static void set_profile(py_tracefunc func, void *obj) {
    setting = 1;
    py_SetProfile(func, obj);
    setting = 0;
}

static void set_trace(py_tracefunc func, void *obj) {
    setting = 1;
    py_SetTrace(func, obj);
    setting = 0;
}

static int profile_chained(void *obj, void *frame, int what, void *arg) {
    mfx_profile(obj, frame, what, arg);
    return chained_func ? chained_func(obj, frame, what, arg) : 0;
}

/* Where CPython keeps a thread's function and object for one hook, found by setting them
 * to known values: the offsets differ between versions. */
static int find_slots(void (*set)(py_tracefunc, void *), py_tracefunc func, size_t *func_slot,
                      size_t *obj_slot) {
    void *marker = py_LongFromLong(0x6d666c78);
    if (!marker) {
        py_ErrClear();
        return -1;
    }
    void **words = py_ThreadStateGet();
    set(func, marker);
    for (size_t i = 1; i < TSTATE_SCAN_WORDS && !(*func_slot && *obj_slot); i++) {
        if (!*func_slot && words[i] == (void *)func) {
            *func_slot = i;
        } else if (!*obj_slot && words[i] == marker) {
            *obj_slot = i;
        }
    }
    set(NULL, NULL);
    py_DecRef(marker);
    if (!*func_slot || !*obj_slot || words[*func_slot] != NULL || words[*obj_slot] != NULL) {
        *func_slot = *obj_slot = 0;
        return -1;
    }
    return 0;
}

static void *frame_back(void *frame) {
    if (!py_FrameGetBack) {
        return *(void **)((char *)frame + FRAME_BACK_38);
    }
    void *back = py_FrameGetBack(frame);
    if (back) {
        py_DecRef(back); /* still alive: it is on the chain */
    }
    return back;
}

/* The thread's shadow stack, read again from its frames (GIL held, not in malloc). */
static void resync(void) {
    struct mfx_thread *t = mfx_thread_state();
    if (!t) {
        return;
    }
    uint32_t n = 0;
    for (void *f = py_EvalGetFrame(); f; f = frame_back(f)) {
        n++;
    }
    void **frames = mfx_real_malloc((n ? n : 1) * sizeof *frames);
    if (!frames) {
        return;
    }
    uint32_t k = n;
    for (void *f = py_EvalGetFrame(); f && k > 0; f = frame_back(f)) {
        frames[--k] = f;
    }
    t->depth = 0;
    for (uint32_t i = k; i < n; i++) {
        mfx_profile_push(frames[i]);
    }
    mfx_real_free(frames);
}

/* The one-shot trace function: the program's profile function is in place now. */
static int retake(void *obj, void *frame, int what, void *arg) {
    (void)obj;
    int g = mfx_enter();
    retake_pending = 0;
    py_tracefunc trace_func = saved_trace_func;
    void *trace_obj = saved_trace_obj;
    set_trace(trace_func, trace_obj);
    if (trace_obj) {
        py_DecRef(trace_obj);
    }
    void **words = py_ThreadStateGet();
    py_tracefunc func = (py_tracefunc)words[profile_func_slot];
    void *profile_obj = words[profile_obj_slot];
    if (mfx_tracking && func != mfx_profile && func != profile_chained) {
        if (profile_obj) {
            py_IncRef(profile_obj);
        }
        void *previous = chained_obj;
        chained_func = func;
        chained_obj = profile_obj;
        set_profile(func ? profile_chained : mfx_profile, profile_obj);
        if (previous) {
            py_DecRef(previous);
        }
        resync();
    }
    mfx_leave(g);
    return trace_func ? trace_func(trace_obj, frame, what, arg) : 0;
}

static int audit(const char *event, void *args, void *data) {
    (void)args;
    (void)data;
    if (setting || retake_pending || !mfx_tracking || strcmp(event, "sys.setprofile") != 0) {
        return 0;
    }
    void **words = py_ThreadStateGet();
    saved_trace_func = (py_tracefunc)words[trace_func_slot];
    saved_trace_obj = words[trace_obj_slot];
    if (saved_trace_obj) {
        py_IncRef(saved_trace_obj); /* set_trace drops the thread state's reference */
    }
    retake_pending = 1;
    set_trace(retake, NULL);
    return 0;
}

/* Main thread, GIL held, at the start of tracking. */
static void follow_program_profilers(void) {
    py_IncRef = dlsym(RTLD_DEFAULT, "Py_IncRef");
    py_DecRef = dlsym(RTLD_DEFAULT, "Py_DecRef");
    py_ErrClear = dlsym(RTLD_DEFAULT, "PyErr_Clear");
    py_ThreadStateGet = dlsym(RTLD_DEFAULT, "PyThreadState_Get");
    py_EvalGetFrame = dlsym(RTLD_DEFAULT, "PyEval_GetFrame");
    py_FrameGetBack = dlsym(RTLD_DEFAULT, "PyFrame_GetBack");
    py_SetTrace = dlsym(RTLD_DEFAULT, "PyEval_SetTrace");
    py_AddAuditHook = dlsym(RTLD_DEFAULT, "PySys_AddAuditHook");
    py_LongFromLong = dlsym(RTLD_DEFAULT, "PyLong_FromLong");
    if (!py_IncRef || !py_DecRef || !py_ErrClear || !py_ThreadStateGet || !py_EvalGetFrame || !py_SetTrace
        || !py_AddAuditHook || !py_LongFromLong) {
        return;
    }
    if (find_slots(set_profile, mfx_profile, &profile_func_slot, &profile_obj_slot) != 0
        || find_slots(set_trace, retake, &trace_func_slot, &trace_obj_slot) != 0) {
        return;
    }
    if (py_AddAuditHook(audit, NULL) != 0) {
        py_ErrClear();
    }
}

void mfx_profile_install(void) {
    int g = mfx_enter();
    mfx_thread_state();
    static int first = 1;
    if (first) {
        first = 0;
        py_SetProfile = dlsym(RTLD_DEFAULT, "PyEval_SetProfile");
        follow_program_profilers();
    }
    set_profile(mfx_profile, NULL);
    mfx_leave(g);
}

/* Tracking stops (main thread): the program's own profile function, if any, stays. */
void mfx_profile_uninstall(void) {
    int g = mfx_enter();
    set_profile(chained_func, chained_func ? chained_obj : NULL);
    if (chained_obj) {
        py_DecRef(chained_obj);
    }
    chained_func = NULL;
    chained_obj = NULL;
    mfx_leave(g);
}
