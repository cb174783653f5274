/* pyframe.c: code objects -> FRAME ids and records, without Python headers.
 *
 * Each code object a stack meets gets a FRAME record (function, file, first line) and a
 * small id, once. Its entry is found through the interning trie (trie.c) by address.
 * memflux's own bootstrap and the interpreter's runpy are marked hidden, left out of
 * stacks. The C-API functions come from dlsym(RTLD_DEFAULT), so one build serves every
 * CPython 3.8+, with a shared libpython or a static one (Debian's /usr/bin/python3). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>

#include "agent.h"

typedef int (*py_tracefunc)(void *obj, void *frame, int what, void *arg);

static void (*py_SetProfile)(py_tracefunc, void *);
static void *(*py_FrameGetCode)(void *);
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

/* Shared: pystack.c reads the line of the top frame at every allocation (profile mode). */
int (*mfx_py_frame_line)(void *);

static const char *utf8_attribute(void *object, const char *name, char *out, size_t size);

int mfx_python_resolve(void) {
    py_SetProfile = dlsym(RTLD_DEFAULT, "PyEval_SetProfile");
    py_FrameGetCode = dlsym(RTLD_DEFAULT, "PyFrame_GetCode"); /* 3.9+; else f_code */
    mfx_py_frame_line = dlsym(RTLD_DEFAULT, "PyFrame_GetLineNumber");
    py_GetAttrString = dlsym(RTLD_DEFAULT, "PyObject_GetAttrString");
    py_UnicodeAsUTF8 = dlsym(RTLD_DEFAULT, "PyUnicode_AsUTF8");
    py_LongAsLong = dlsym(RTLD_DEFAULT, "PyLong_AsLong");
    py_DecRef = dlsym(RTLD_DEFAULT, "Py_DecRef");
    py_IncRef = dlsym(RTLD_DEFAULT, "Py_IncRef");
    py_GILStateCheck = dlsym(RTLD_DEFAULT, "PyGILState_Check");
    py_ErrClear = dlsym(RTLD_DEFAULT, "PyErr_Clear");
    py_GetVersion = dlsym(RTLD_DEFAULT, "Py_GetVersion");
    return py_SetProfile && mfx_py_frame_line && py_GetAttrString && py_UnicodeAsUTF8 && py_LongAsLong
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

/* What the agent knows of a code object. It keeps a reference to it (owned), so its
 * address is never reused while the capture runs; one first met by a thread without the
 * GIL cannot be referenced then (reference counts belong to the GIL holder), so until a
 * thread with the GIL meets it, its entry is checked against the code at that address. */
struct code_info {
    uint32_t id; /* FRAME id; 0 = not registered yet */
    uint8_t owned;
    int first_line;
    void *name;
    void *file;
};

/* Code address -> index into infos, in the same trie as stack nodes (parent 0). */
static struct mfx_trie code_index = {.first_capacity = 1024};
static struct code_info *infos; /* infos[index - 1] */
static uint32_t info_capacity;
static uint32_t next_frame_id = 1;

static __attribute__((noinline)) int infos_grow(void) {
    uint32_t capacity = info_capacity ? info_capacity * 2 : 1024;
    struct code_info *grown = mfx_real_realloc(infos, capacity * sizeof *grown);
    if (!grown) {
        return -1;
    }
    memset(grown + info_capacity, 0, (capacity - info_capacity) * sizeof *grown);
    infos = grown;
    info_capacity = capacity;
    return 0;
}

/* The entry of a code object, a zeroed one when new; NULL when out of memory. Forced
 * inline: the frame walk looks a code object up for every frame that changed since the
 * thread's last allocation, and the call alone cost a third of the lookup (callgrind). */
static inline __attribute__((always_inline)) struct code_info *code_info(void *code) {
    uint32_t index = mfx_trie_id(&code_index, 0, (uintptr_t)code);
    if (MFX_UNLIKELY(index > info_capacity) && infos_grow() != 0) {
        return NULL;
    }
    return index ? &infos[index - 1] : NULL;
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

/* Writes the FRAME of a code object into its entry (new, or stale: its address reused).
 * Inside malloc (frame walk) no C-API call that may allocate is allowed: an allocation
 * can run the GC, in the middle of the allocation being recorded. So there the names
 * are read from the objects' memory and the reference count is bumped by hand, and only
 * when this thread holds the GIL. */
static uint32_t frame_id_checked(struct code_info *slot, void *code);

static uint32_t register_code(struct code_info *slot, void *code, int inside_malloc) {
    static char function[1024];
    static char file[4096];
    long first_line = 0;
    int owned = 1;
    if (inside_malloc) {
        mfx_walk_code_names(code, function, sizeof function, file, sizeof file, &first_line);
        mfx_walk_code_identity(code, &slot->name, &slot->file, &slot->first_line);
        owned = slot->owned || py_GILStateCheck();
        if (owned && !slot->owned) {
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
        if (!slot->owned) {
            py_IncRef(code);
        }
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
    slot->id = id;
    slot->owned = (uint8_t)owned;
    return id;
}

/* Frame-walk mode, inside malloc, with or without the GIL; the lock guards the table. */
uint32_t mfx_frame_id_of_code(void *code, int *owned) {
    struct code_info *slot = code_info(code);
    if (MFX_UNLIKELY(!slot)) {
        *owned = 0;
        return MFX_HIDDEN_FRAME;
    }
    if (MFX_LIKELY(slot->owned && slot->id)) {
        *owned = 1;
        return slot->id;
    }
    uint32_t id = frame_id_checked(slot, code);
    *owned = slot->owned;
    return id;
}

/* A code object the agent does not own yet: registered, or checked to still be itself. */
static uint32_t frame_id_checked(struct code_info *slot, void *code) {
    if (!slot->id) {
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
uint32_t mfx_frame_id_of_frame(void *frame) {
    void *code = py_FrameGetCode ? py_FrameGetCode(frame) : py_GetAttrString(frame, "f_code");
    if (!code) {
        py_ErrClear();
        return MFX_HIDDEN_FRAME;
    }
    struct code_info *slot = code_info(code);
    uint32_t id = !slot ? MFX_HIDDEN_FRAME : slot->id ? slot->id : register_code(slot, code, 0);
    py_DecRef(code);
    return id;
}
