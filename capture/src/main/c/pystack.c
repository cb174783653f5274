/* pystack.c: the Python stack of every allocation, without Python headers.
 *
 * A C profile function on every tracked thread keeps a shadow stack of the frames being
 * run (PyTrace_CALL pushes, PyTrace_RETURN pops). Stacks are interned as a trie of nodes
 * (parent node, frame, line), written lazily: only when an allocation needs a node is it
 * computed, and a NODE record is written the first time a node is seen. The line of each
 * frame is the line executing at the allocation: the top frame's is read at each
 * allocation; a caller's cannot change while it waits in a call, so its node is cached
 * until a new call is pushed above it. A repeated allocation at the same line therefore
 * costs one line lookup and no hashing.
 *
 * The C-API functions come from dlsym(RTLD_DEFAULT), so one build serves every CPython
 * 3.8+, with a shared libpython or a static one (Debian's /usr/bin/python3). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>

#include "agent.h"
#include "records.h"

#define PY_TRACE_CALL 0
#define PY_TRACE_RETURN 3

typedef int (*py_tracefunc)(void *obj, void *frame, int what, void *arg);

static void (*py_SetProfile)(py_tracefunc, void *);
static void *(*py_FrameGetCode)(void *);
static int (*py_FrameGetLineNumber)(void *);
static void *(*py_GetAttrString)(void *, const char *);
static const char *(*py_UnicodeAsUTF8)(void *);
static long (*py_LongAsLong)(void *);
static void (*py_DecRef)(void *);
static void (*py_IncRef)(void *);
static int (*py_GILStateCheck)(void);
static void (*py_ErrClear)(void);
static const char *(*py_GetVersion)(void);

static char bootstrap_path[4096];
static char runpy_path[4096];

static const char *utf8_attribute(void *object, const char *name, char *out, size_t size);

int mfx_python_resolve(void) {
    py_SetProfile = dlsym(RTLD_DEFAULT, "PyEval_SetProfile");
    py_FrameGetCode = dlsym(RTLD_DEFAULT, "PyFrame_GetCode"); /* 3.9+; else f_code */
    py_FrameGetLineNumber = dlsym(RTLD_DEFAULT, "PyFrame_GetLineNumber");
    py_GetAttrString = dlsym(RTLD_DEFAULT, "PyObject_GetAttrString");
    py_UnicodeAsUTF8 = dlsym(RTLD_DEFAULT, "PyUnicode_AsUTF8");
    py_LongAsLong = dlsym(RTLD_DEFAULT, "PyLong_AsLong");
    py_DecRef = dlsym(RTLD_DEFAULT, "Py_DecRef");
    py_IncRef = dlsym(RTLD_DEFAULT, "Py_IncRef");
    py_GILStateCheck = dlsym(RTLD_DEFAULT, "PyGILState_Check");
    py_ErrClear = dlsym(RTLD_DEFAULT, "PyErr_Clear");
    py_GetVersion = dlsym(RTLD_DEFAULT, "Py_GetVersion");
    return py_SetProfile && py_FrameGetLineNumber && py_GetAttrString && py_UnicodeAsUTF8 && py_LongAsLong
                   && py_DecRef && py_IncRef && py_GILStateCheck && py_ErrClear && py_GetVersion
               ? 0
               : -1;
}

const char *mfx_python_version(void) {
    return py_GetVersion ? py_GetVersion() : "unknown";
}

/* GIL held, before tracking. The runpy that runs `-m` is whichever the bootstrap
 * imported (its path), or the interpreter's frozen copy ("<frozen runpy>"). */
void mfx_python_set_bootstrap(const char *path) {
    strncpy(bootstrap_path, path ? path : "", sizeof bootstrap_path - 1);
    void *(*sys_object)(const char *) = dlsym(RTLD_DEFAULT, "PySys_GetObject");
    void *(*dict_item)(void *, const char *) = dlsym(RTLD_DEFAULT, "PyDict_GetItemString");
    void *modules = sys_object ? sys_object("modules") : NULL;
    void *runpy = modules && dict_item ? dict_item(modules, "runpy") : NULL;
    if (runpy) {
        utf8_attribute(runpy, "__file__", runpy_path, sizeof runpy_path);
        if (strcmp(runpy_path, "?") == 0) {
            runpy_path[0] = 0;
        }
    }
}

/* ---- code objects → frame ids (profile mode: the GIL guards them; frame walk: the lock) ---- */

/* A code object the table knows. The agent keeps a reference to it (owned), so its
 * address is never reused while the capture runs; one first met by a thread without the
 * GIL cannot be referenced then (reference counts belong to the GIL holder), so until a
 * thread with the GIL meets it, its entry is checked against the code at that address. */
struct code_slot {
    void *code; /* NULL = empty */
    uint32_t id;
    uint8_t owned;
    int first_line;
    void *name;
    void *file;
};

static struct code_slot *codes;
static uint32_t code_mask;
static uint32_t code_count;
static uint32_t next_frame_id = 1;

static inline uint32_t hash_pointer(const void *p) {
    uint64_t x = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(x >> 32);
}

static int code_table_grow(void) {
    uint32_t capacity = code_mask ? (code_mask + 1) * 2 : 1024;
    struct code_slot *table = mfx_real_malloc(capacity * sizeof *table);
    if (!table) {
        return -1;
    }
    memset(table, 0, capacity * sizeof *table);
    for (uint32_t i = 0; code_mask && i <= code_mask; i++) {
        if (codes[i].code) {
            uint32_t slot = hash_pointer(codes[i].code) & (capacity - 1);
            while (table[slot].code) {
                slot = (slot + 1) & (capacity - 1);
            }
            table[slot] = codes[i];
        }
    }
    mfx_real_free(codes);
    codes = table;
    code_mask = capacity - 1;
    return 0;
}

static const char *utf8_attribute(void *object, const char *name, char *out, size_t size) {
    void *value = py_GetAttrString(object, name);
    const char *text = value ? py_UnicodeAsUTF8(value) : NULL;
    if (!text) {
        py_ErrClear();
        text = "?";
    }
    strncpy(out, text, size - 1);
    out[size - 1] = 0;
    if (value) {
        py_DecRef(value);
    }
    return out;
}

/* Left out of stacks: memflux's bootstrap and the interpreter's own runpy (which runs
 * `-m` modules), known by exact path; a program's own file called runpy.py is its code. */
static int is_hidden(const char *file) {
    return (bootstrap_path[0] && strcmp(file, bootstrap_path) == 0)
           || (runpy_path[0] && strcmp(file, runpy_path) == 0) || strcmp(file, "<frozen runpy>") == 0;
}

/* The slot of a code object, or of the empty slot where it would go. */
static struct code_slot *find_code(void *code) {
    uint32_t slot = hash_pointer(code) & code_mask;
    while (codes[slot].code && codes[slot].code != code) {
        slot = (slot + 1) & code_mask;
    }
    return &codes[slot];
}

/* Writes the FRAME of a code object into its slot (new, or stale: its address reused).
 * Inside malloc (frame walk) no C-API call that may allocate is allowed: an allocation
 * can run the GC, in the middle of the allocation being recorded. So there the names
 * are read from the objects' memory and the reference count is bumped by hand, and only
 * when this thread holds the GIL. */
static uint32_t register_code(struct code_slot *slot, void *code, int inside_malloc) {
    static char function[1024];
    static char file[4096];
    long first_line = 0;
    int owned = 1;
    if (inside_malloc) {
        mfx_walk_code_names(code, function, sizeof function, file, sizeof file, &first_line);
        mfx_walk_code_identity(code, &slot->name, &slot->file, &slot->first_line);
        owned = py_GILStateCheck();
        if (owned) {
            ++*(intptr_t *)code; /* ob_refcnt, first field of every object */
        }
    } else {
        utf8_attribute(code, "co_name", function, sizeof function);
        utf8_attribute(code, "co_filename", file, sizeof file);
        void *line = py_GetAttrString(code, "co_firstlineno");
        if (line) {
            first_line = py_LongAsLong(line);
            py_DecRef(line);
        }
        py_ErrClear();
        py_IncRef(code);
    }
    int lock_held = inside_malloc;
    uint32_t id = next_frame_id++;
    if (!lock_held) {
        mfx_lock();
    }
    mfx_emit_frame(function, file, first_line);
    if (!lock_held) {
        mfx_unlock();
    }
    if (is_hidden(file)) {
        id |= MFX_HIDDEN_FRAME;
    }
    if (!slot->code) {
        code_count++;
    }
    slot->code = code;
    slot->id = id;
    slot->owned = (uint8_t)owned;
    return id;
}

/* Looks a code object up; 0 when it was never seen. */
static uint32_t lookup_code(void *code) {
    if (code_mask) {
        struct code_slot *slot = find_code(code);
        return slot->code ? slot->id : 0;
    }
    return 0;
}

/* Frame-walk mode, inside malloc, with or without the GIL; the lock guards the table. */
uint32_t mfx_frame_id_of_code(void *code) {
    if (MFX_UNLIKELY((code_count + 1) * 2 > code_mask + 1) && code_table_grow() != 0) {
        return MFX_HIDDEN_FRAME;
    }
    struct code_slot *slot = find_code(code);
    if (MFX_LIKELY(slot->code && slot->owned)) {
        return slot->id;
    }
    if (!slot->code) {
        return register_code(slot, code, 1);
    }
    void *name;
    void *file;
    int first_line;
    mfx_walk_code_identity(code, &name, &file, &first_line);
    if (name != slot->name || file != slot->file || first_line != slot->first_line) {
        return register_code(slot, code, 1);
    }
    if (py_GILStateCheck()) {
        ++*(intptr_t *)code;
        slot->owned = 1;
    }
    return slot->id;
}

/* Profile mode: called from the profile function, so the GIL guards the table. */
static uint32_t frame_id_of(void *frame) {
    void *code = py_FrameGetCode ? py_FrameGetCode(frame) : py_GetAttrString(frame, "f_code");
    if (!code) {
        py_ErrClear();
        return MFX_HIDDEN_FRAME;
    }
    uint32_t id = lookup_code(code);
    if (id == 0) {
        id = (code_count + 1) * 2 > code_mask + 1 && code_table_grow() != 0
                 ? MFX_HIDDEN_FRAME
                 : register_code(find_code(code), code, 0);
    }
    py_DecRef(code);
    return id;
}

/* ---- stack nodes (touched under the stream lock) ---- */

struct node_slot {
    uint32_t parent;
    uint32_t frame_id;
    int32_t line;
    uint32_t node; /* 0 = empty */
};

static struct node_slot *nodes;
static uint32_t node_mask;
static uint32_t node_count;

static inline uint32_t hash_node(uint32_t parent, uint32_t frame_id, int32_t line) {
    uint64_t x = ((uint64_t)parent << 32 | frame_id) * 0x9E3779B97F4A7C15ull;
    x ^= (uint64_t)(uint32_t)line * 0xC2B2AE3D27D4EB4Full;
    return (uint32_t)(x >> 29);
}

static int node_table_grow(void) {
    uint32_t capacity = node_mask ? (node_mask + 1) * 2 : 4096;
    struct node_slot *table = mfx_real_malloc(capacity * sizeof *table);
    if (!table) {
        return -1;
    }
    memset(table, 0, capacity * sizeof *table);
    for (uint32_t i = 0; node_mask && i <= node_mask; i++) {
        struct node_slot *s = &nodes[i];
        if (s->node) {
            uint32_t slot = hash_node(s->parent, s->frame_id, s->line) & (capacity - 1);
            while (table[slot].node) {
                slot = (slot + 1) & (capacity - 1);
            }
            table[slot] = *s;
        }
    }
    mfx_real_free(nodes);
    nodes = table;
    node_mask = capacity - 1;
    return 0;
}

uint32_t mfx_intern(uint32_t parent, uint32_t frame_id, int32_t line) {
    if ((node_count + 1) * 2 > node_mask + 1 && node_table_grow() != 0) {
        return parent;
    }
    uint32_t slot = hash_node(parent, frame_id, line) & node_mask;
    while (nodes[slot].node) {
        struct node_slot *s = &nodes[slot];
        if (s->parent == parent && s->frame_id == frame_id && s->line == line) {
            return s->node;
        }
        slot = (slot + 1) & node_mask;
    }
    uint32_t node = ++node_count;
    nodes[slot] = (struct node_slot){parent, frame_id, line, node};
    mfx_emit_node(parent, frame_id, line);
    return node;
}

static int frame_walk;

void mfx_use_frame_walk(int on) {
    frame_walk = on;
}

uint32_t mfx_current_node(struct mfx_thread *t) {
    if (frame_walk) {
        return mfx_walk_node();
    }
    int top = (int)t->depth - 1;
    if (top < 0) {
        return 0;
    }
    /* Cached nodes are valid from the bottom up to some entry: find it, compute above. */
    int j = top - 1;
    while (j >= 0 && !t->stack[j].valid) {
        j--;
    }
    uint32_t parent = j >= 0 ? t->stack[j].node : 0;
    for (int k = j + 1; k < top; k++) {
        struct mfx_entry *e = &t->stack[k];
        if (!e->hidden) {
            parent = mfx_intern(parent, e->frame_id, py_FrameGetLineNumber(e->frame));
        }
        e->node = parent;
        e->valid = 1;
    }
    struct mfx_entry *e = &t->stack[top];
    if (e->hidden) {
        return parent;
    }
    int32_t line = py_FrameGetLineNumber(e->frame);
    if (e->top_node && e->top_line == line && e->top_parent == parent) {
        return e->top_node;
    }
    e->top_node = mfx_intern(parent, e->frame_id, line);
    e->top_line = line;
    e->top_parent = parent;
    return e->top_node;
}

/* ---- the profile function ---- */

static void push(void *frame) {
    struct mfx_thread *t = mfx_thread_state();
    if (!t) {
        return;
    }
    if (t->depth == t->capacity) {
        uint32_t capacity = t->capacity ? t->capacity * 2 : 128;
        struct mfx_entry *stack = mfx_real_realloc(t->stack, capacity * sizeof *stack);
        if (!stack) {
            return;
        }
        t->stack = stack;
        t->capacity = capacity;
    }
    uint32_t id = frame_id_of(frame);
    if (t->depth > 0) {
        t->stack[t->depth - 1].valid = 0; /* it ran since: its line may have moved */
    }
    struct mfx_entry *e = &t->stack[t->depth++];
    e->frame = frame;
    e->frame_id = id & ~MFX_HIDDEN_FRAME;
    e->hidden = (id & MFX_HIDDEN_FRAME) != 0;
    e->valid = 0;
    e->top_node = 0;
}

static int profile(void *obj, void *frame, int what, void *arg) {
    (void)obj;
    (void)arg;
    if (MFX_UNLIKELY(!mfx_tracking)) {
        return 0;
    }
    if (what == PY_TRACE_CALL) {
        int saved = mfx_guard;
        mfx_guard = 1;
        push(frame);
        mfx_guard = saved;
    } else if (what == PY_TRACE_RETURN) {
        struct mfx_thread *t = mfx_self;
        /* Frames already running when tracking began return without a push. */
        if (t && t->depth > 0 && t->stack[t->depth - 1].frame == frame) {
            t->depth--;
        }
    }
    return 0;
}

/* ---- a program's own profile function (sys.setprofile, cProfile, ...) ----
 *
 * A thread has one profile function. Every setter (sys.setprofile, cProfile, C code
 * calling PyEval_SetProfile) raises the "sys.setprofile" audit event before it swaps.
 * memflux's audit hook then sets a one-shot trace function on that thread; at its first
 * event (the next line or call, after the swap) memflux takes the profile slot back and
 * chains: profile_chained runs memflux's function, then the program's with the
 * program's object. That object stays in the thread state, so sys.getprofile() returns
 * what the program set. The frames called while the program's function alone was set
 * are read back from the frame chain, and the program's own trace function, if any, is
 * put back and given the event. When tracking stops, the program's function stays. */

static void *(*py_ThreadStateGet)(void);
static void *(*py_EvalGetFrame)(void);
static void *(*py_FrameGetBack)(void *);
static void (*py_SetTrace)(py_tracefunc, void *);
static int (*py_AddAuditHook)(int (*)(const char *, void *, void *), void *);
static void *(*py_LongFromLong)(long);

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
    profile(obj, frame, what, arg);
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
        push(frames[i]);
    }
    mfx_real_free(frames);
}

/* The one-shot trace function: the program's profile function is in place now. */
static int retake(void *obj, void *frame, int what, void *arg) {
    (void)obj;
    int saved = mfx_guard;
    mfx_guard = 1;
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
    if (mfx_tracking && func != profile && func != profile_chained) {
        if (profile_obj) {
            py_IncRef(profile_obj);
        }
        void *previous = chained_obj;
        chained_func = func;
        chained_obj = profile_obj;
        set_profile(func ? profile_chained : profile, profile_obj);
        if (previous) {
            py_DecRef(previous);
        }
        resync();
    }
    mfx_guard = saved;
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
    py_ThreadStateGet = dlsym(RTLD_DEFAULT, "PyThreadState_Get");
    py_EvalGetFrame = dlsym(RTLD_DEFAULT, "PyEval_GetFrame");
    py_FrameGetBack = dlsym(RTLD_DEFAULT, "PyFrame_GetBack");
    py_SetTrace = dlsym(RTLD_DEFAULT, "PyEval_SetTrace");
    py_AddAuditHook = dlsym(RTLD_DEFAULT, "PySys_AddAuditHook");
    py_LongFromLong = dlsym(RTLD_DEFAULT, "PyLong_FromLong");
    if (!py_ThreadStateGet || !py_EvalGetFrame || !py_SetTrace || !py_AddAuditHook || !py_LongFromLong) {
        return;
    }
    if (find_slots(set_profile, profile, &profile_func_slot, &profile_obj_slot) != 0
        || find_slots(set_trace, retake, &trace_func_slot, &trace_obj_slot) != 0) {
        return;
    }
    if (py_AddAuditHook(audit, NULL) != 0) {
        py_ErrClear();
    }
}

void mfx_profile_install(void) {
    int saved = mfx_guard;
    mfx_guard = 1;
    mfx_thread_state();
    static int first = 1;
    if (first) {
        first = 0;
        follow_program_profilers();
    }
    set_profile(profile, NULL);
    mfx_guard = saved;
}

/* Tracking stops (main thread): the program's own profile function, if any, stays. */
void mfx_profile_uninstall(void) {
    int saved = mfx_guard;
    mfx_guard = 1;
    set_profile(chained_func, chained_func ? chained_obj : NULL);
    if (chained_obj) {
        py_DecRef(chained_obj);
    }
    chained_func = NULL;
    chained_obj = NULL;
    mfx_guard = saved;
}
