/* pywalk.c: Python stacks read from the interpreter's own frame chain, with no profile
 * function. A C profile function costs the program more than the agent does: measured
 * with callgrind on the allocation-heavy workload (CPython 3.11), enabling it more than
 * doubles the eval loop's instructions (200 M -> 421 M) because the specialized
 * instructions are skipped while profiling, against 90 M for all of the agent's work.
 *
 * At each allocation the thread's frame chain (its current frame, then ->previous) is
 * compared with the chain seen at the thread's last allocation: the bottom frames whose
 * (frame, code, instruction) are unchanged keep their cached node, and only the frames
 * above the first difference are looked up (line from the instruction
 * offset, then interned). A frame's own thread is the only writer of its chain, and it
 * is inside malloc, so the walk is safe with or without the GIL.
 *
 * The struct offsets are CPython 3.11's, 3.12's or 3.13's (pylayout.c). They are used only
 * when every one checks out against the public C-API at start (mfx_walk_validate); any
 * other interpreter gets the profile function (pystack.c). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>

#include "agent.h"
#include "pylayout.h"

#define OWNED_BY_GENERATOR 1
/* 3.12+: the entry frame _PyEval_EvalFrameDefault pushes for each C-to-Python call; not
 * the program's (its code is a trampoline in 3.12, None in 3.13). */
#define OWNED_BY_CSTACK 3

#define AT(type, base, offset) (*(type *)((char *)(base) + (offset)))

/* The running interpreter's offsets, copied once at start: read on every frame walked. */
static struct mfx_py_layout layout;
static void *(*py_GILStateGetThisThreadState)(void);
/* Safe inside malloc: on 3.11-3.13 it only decodes the line table (PyCode_Addr2Line ->
 * _PyCode_CheckLineNumber -> retreat, no other call; disassembled from each libpython). */
static int (*py_CodeAddr2Line)(void *, int);
static void *py_CodeType;

/* One frame of a chain: what identifies it and the node of the chain up to it. */
struct walk_frame {
    void *iframe;
    void *code;
    void *instr;
    uint32_t node;
};

/* What one (code object, instruction) came to last time: its FRAME id and line (asked of
 * PyCode_Addr2Line, which scans the code's line table), and its node above one parent. */
struct frame_memo {
    void *code;
    int offset;
    int line;
    uint32_t frame_id;
    uint32_t parent;
    uint32_t node;
};

#define FRAME_MEMOS 256 /* a power of two */

/* Per-thread chains, kept beside struct mfx_thread (allocated on first use). */
struct walk_state {
    struct walk_frame *seen;   /* every frame of the last allocation's chain, bottom first */
    uint32_t seen_depth;
    struct walk_frame *now;    /* scratch: top first */
    uint32_t capacity;
    /* The innermost frame moves on at nearly every allocation, and its id, line and node
     * were looked up anew each time: most of the walk's cost on a loop allocating at a few
     * lines (callgrind: 130 instructions an allocation). Only code objects the agent owns
     * (holds a reference to) are memoized: their address cannot be reused by another code
     * object while the capture runs. */
    struct frame_memo memos[FRAME_MEMOS];
};

static __thread struct walk_state *walk_self __attribute__((tls_model("initial-exec")));

/* The UTF-8 text of a str without calling CPython (which may allocate, and so run the
 * GC, in the middle of the allocation being recorded), written to out (NUL-terminated,
 * cut at a character boundary when it does not fit). Read from the canonical 1-, 2- or
 * 4-byte data, never from the cached UTF-8 copy: another thread may be filling that cache
 * while this one, without the GIL, reads. Surrogates (from undecodable file names) cannot
 * be UTF-8 and become U+FFFD. */
static size_t str_utf8(void *s, char *out, size_t size) {
    uint32_t state = AT(uint32_t, s, layout.str_state);
    unsigned kind = (state >> 2) & 7;
    int compact = (state >> 5) & 1;
    int ascii = (state >> 6) & 1;
    size_t length = (size_t)AT(intptr_t, s, layout.str_length);
    const unsigned char *data = ascii && compact ? (const unsigned char *)s + layout.str_ascii_data
                                : compact       ? (const unsigned char *)s + layout.str_compact_data
                                                : AT(const unsigned char *, s, layout.str_legacy_data);
    size_t n = 0;
    if (!data || (kind != 1 && kind != 2 && kind != 4)) {
        length = 0;
    }
    for (size_t i = 0; i < length; i++) {
        uint32_t c = kind == 1 ? data[i] : kind == 2 ? ((const uint16_t *)data)[i] : ((const uint32_t *)data)[i];
        if (c >= 0xD800 && c <= 0xDFFF) {
            c = 0xFFFD;
        }
        unsigned char bytes[4];
        size_t k;
        if (c < 0x80) {
            bytes[0] = (unsigned char)c;
            k = 1;
        } else if (c < 0x800) {
            bytes[0] = (unsigned char)(0xC0 | c >> 6);
            bytes[1] = (unsigned char)(0x80 | (c & 0x3F));
            k = 2;
        } else if (c < 0x10000) {
            bytes[0] = (unsigned char)(0xE0 | c >> 12);
            bytes[1] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
            bytes[2] = (unsigned char)(0x80 | (c & 0x3F));
            k = 3;
        } else {
            bytes[0] = (unsigned char)(0xF0 | c >> 18);
            bytes[1] = (unsigned char)(0x80 | (c >> 12 & 0x3F));
            bytes[2] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
            bytes[3] = (unsigned char)(0x80 | (c & 0x3F));
            k = 4;
        }
        if (n + k >= size) {
            break;
        }
        memcpy(out + n, bytes, k);
        n += k;
    }
    out[n] = 0;
    return n;
}

static int same_text(void *s, const char *expected) {
    char text[4096];
    size_t n = str_utf8(s, text, sizeof text);
    return expected && n == strlen(expected) && memcmp(text, expected, n) == 0;
}

void mfx_walk_code_names(void *code, char *function, size_t function_size, char *file, size_t file_size,
                         long *first_line) {
    str_utf8(AT(void *, code, layout.code_name), function, function_size);
    str_utf8(AT(void *, code, layout.code_filename), file, file_size);
    *first_line = AT(int, code, layout.code_firstlineno);
}

/* What a code object's FRAME record says, by pointer: a code object whose address is
 * reused by another with the same three says the same FRAME. */
void mfx_walk_code_identity(void *code, void **name, void **file, int *first_line) {
    *name = AT(void *, code, layout.code_name);
    *file = AT(void *, code, layout.code_filename);
    *first_line = AT(int, code, layout.code_firstlineno);
}

static inline void *current_iframe(void) {
    void *tstate = py_GILStateGetThisThreadState();
    if (!tstate) {
        return NULL;
    }
    if (!layout.through_cframe) {
        return AT(void *, tstate, layout.tstate_frame);
    }
    void *cframe = AT(void *, tstate, layout.tstate_frame);
    return cframe ? AT(void *, cframe, layout.cframe_current) : NULL;
}

/* The program's code object of a frame; NULL for an entry frame. Only an entry frame
 * holds something else than a code object (3.13: None), so its type is not read here:
 * that would be one more cache line per frame of every stack (checked at start). */
static inline void *code_of(void *iframe) {
    return AT(char, iframe, layout.frame_owner) == OWNED_BY_CSTACK ? NULL : AT(void *, iframe, layout.frame_code);
}

/* A frame still setting itself up (before its first RESUME: copying free variables,
 * making cells, creating its generator) has no line yet, and the profile function has
 * not seen it called. */
static inline int complete(void *iframe, void *code) {
    if (AT(char, iframe, layout.frame_owner) == OWNED_BY_GENERATOR) {
        return 1;
    }
    char *first = (char *)code + layout.code_adaptive + 2 * (size_t)AT(int, code, layout.code_firsttraceable);
    return AT(char *, iframe, layout.frame_instr) >= first;
}

static inline int line_of(void *code, void *instr) {
    return py_CodeAddr2Line(code, (int)((char *)instr - ((char *)code + layout.code_adaptive)));
}

/* The node of a frame running code at instr, above parent. */
static inline uint32_t node_above(struct walk_state *w, uint32_t parent, void *code, void *instr) {
    int offset = (int)((char *)instr - ((char *)code + layout.code_adaptive));
    struct frame_memo *m = &w->memos[(((uintptr_t)code >> 4) ^ ((uint32_t)offset * 0x9e3779b1u)) & (FRAME_MEMOS - 1)];
    if (MFX_LIKELY(m->code == code && m->offset == offset)) {
        if (m->parent != parent) {
            m->parent = parent;
            m->node = mfx_intern(parent, m->frame_id, m->line);
        }
        return m->node;
    }
    int owned;
    uint32_t id = mfx_frame_id_of_code(code, &owned);
    if (id & MFX_HIDDEN_FRAME) {
        return parent; /* memflux's own frames: left out, and never memoized */
    }
    int line = py_CodeAddr2Line(code, offset);
    uint32_t node = mfx_intern(parent, id, line);
    if (owned) {
        *m = (struct frame_memo){code, offset, line, id, parent, node};
    }
    return node;
}

static struct walk_state *state(void) {
    struct walk_state *w = walk_self;
    if (MFX_LIKELY(w != NULL)) {
        return w;
    }
    w = mfx_real_malloc(sizeof *w);
    if (!w) {
        return NULL;
    }
    memset(w->memos, 0, sizeof w->memos);
    w->capacity = 64;
    w->seen_depth = 0;
    w->seen = mfx_real_malloc(w->capacity * sizeof *w->seen);
    w->now = mfx_real_malloc(w->capacity * sizeof *w->now);
    if (!w->seen || !w->now) {
        return NULL;
    }
    walk_self = w;
    return w;
}

static int grow(struct walk_state *w) {
    uint32_t capacity = w->capacity * 2;
    struct walk_frame *seen = mfx_real_realloc(w->seen, capacity * sizeof *seen);
    if (seen) {
        w->seen = seen;
    }
    struct walk_frame *now = mfx_real_realloc(w->now, capacity * sizeof *now);
    if (now) {
        w->now = now;
    }
    if (!seen || !now) {
        return -1;
    }
    w->capacity = capacity;
    return 0;
}

static inline void *previous_of(void *iframe) {
    return AT(void *, iframe, layout.frame_previous);
}

/* A frame as it is now, unfiltered: entry and unstarted frames are kept in the chains too,
 * so that a chain can be compared with the last one frame for frame. */
static inline struct walk_frame raw_frame(void *iframe) {
    return (struct walk_frame){iframe, AT(void *, iframe, layout.frame_code), AT(void *, iframe, layout.frame_instr), 0};
}

static inline int unchanged(void *iframe, const struct walk_frame *seen) {
    return iframe == seen->iframe && AT(void *, iframe, layout.frame_code) == seen->code
           && AT(void *, iframe, layout.frame_instr) == seen->instr;
}

/* Where frame f was in the last chain, when it was one of its top RECENT frames; -1 if not.
 * A frame is on a chain once at most, so the first hit is the one. */
#define RECENT 8

static inline int32_t recent_index(const struct walk_state *w, void *f) {
    uint32_t low = w->seen_depth > RECENT ? w->seen_depth - RECENT : 0;
    for (uint32_t k = w->seen_depth; k-- > low;) {
        if (w->seen[k].iframe == f) {
            return (int32_t)k;
        }
    }
    return -1;
}

/* The chain below seen[k] (a frame on the chain now) is, frame for frame, as it was.
 * Checked down to the bottom: a frame popped and another pushed at its address, with the
 * same code and instruction, can sit on a different chain (a caller of the same size in
 * between). Each frame is read at the address seen[] gives, not at the one the frame
 * above holds: the reads do not wait for one another (following ->previous from frame to
 * frame made each wait for the last), and each one is taken only once the frame above
 * was found to point at it. */
static inline int below_unchanged(const struct walk_state *w, uint32_t k) {
    const struct walk_frame *s = &w->seen[k];
    for (; k > 0; k--, s--) {
        if (previous_of(s->iframe) != s[-1].iframe || !unchanged(s[-1].iframe, &s[-1])) {
            return 0;
        }
    }
    return previous_of(s->iframe) == NULL;
}

static inline int add_fresh(struct walk_state *w, uint32_t *fresh, void *f) {
    if (*fresh == w->capacity && grow(w) != 0) {
        return -1;
    }
    w->now[(*fresh)++] = raw_frame(f);
    return 0;
}

/* How many frames at the bottom of now[0, depth) (top first) are as in the last chain. */
static uint32_t common_bottom(const struct walk_state *w, uint32_t depth) {
    uint32_t same = 0;
    while (same < depth && same < w->seen_depth) {
        const struct walk_frame *a = &w->now[depth - 1 - same];
        const struct walk_frame *b = &w->seen[same];
        if (a->iframe != b->iframe || a->code != b->code || a->instr != b->instr) {
            break;
        }
        same++;
    }
    return same;
}

/* Between two allocations a thread mostly moves its top frame on, or calls or returns a
 * level or two: the frames that changed are the top few. They are collected from the top
 * down until one of the last chain's top frames is met; the rest of the chain is only
 * compared with the last one, not copied. Anything else (a deep return, a generator
 * resumed elsewhere) collects the whole chain and keeps its common bottom, as always. */
uint32_t mfx_walk_node(void) {
    struct walk_state *w = state();
    if (!w) {
        return 0;
    }
    uint32_t fresh = 0; /* frames in now[], top first */
    uint32_t same = 0;  /* bottom frames of seen[] still on the chain, unchanged */
    int met = 0;
    int32_t k = -1;
    void *f = current_iframe();
    for (; f; f = previous_of(f)) {
        k = recent_index(w, f);
        if (k >= 0) {
            met = below_unchanged(w, (uint32_t)k);
            break;
        }
        if (add_fresh(w, &fresh, f) != 0) {
            goto out_of_memory;
        }
    }
    if (met) {
        same = (uint32_t)k;
        if (unchanged(f, &w->seen[same])) {
            same++;
        } else if (add_fresh(w, &fresh, f) != 0) {
            goto out_of_memory;
        }
    } else {
        for (; f; f = previous_of(f)) {
            if (add_fresh(w, &fresh, f) != 0) {
                goto out_of_memory;
            }
        }
        same = common_bottom(w, fresh);
        fresh -= same;
    }
    while (same + fresh > w->capacity) {
        if (grow(w) != 0) {
            goto out_of_memory;
        }
    }
    uint32_t parent = same > 0 ? w->seen[same - 1].node : 0;
    for (uint32_t i = fresh; i-- > 0;) {
        struct walk_frame *n = &w->now[i];
        void *code = code_of(n->iframe);
        if (code && complete(n->iframe, code)) {
            parent = node_above(w, parent, code, n->instr);
        }
        n->node = parent;
        w->seen[same++] = *n;
    }
    w->seen_depth = same;
    return parent;

out_of_memory:
    w->seen_depth = 0;
    return 0;
}

void mfx_walk_forget_thread(void) {
    struct walk_state *w = walk_self;
    if (w) {
        walk_self = NULL;
        mfx_real_free(w->seen);
        mfx_real_free(w->now);
        mfx_real_free(w);
    }
}

/* ---- the check at start: every offset above against the C-API, GIL held ---- */

/* The C-API functions the check calls (not on any allocation's path). */
static struct {
    void *(*get_frame)(void);
    void *(*frame_code)(void *);
    void *(*frame_back)(void *);
    int (*frame_line)(void *);
    void *(*get_attr)(void *, const char *);
    long (*as_long)(void *);
    const char *(*as_utf8)(void *);
    void *(*from_utf8)(const char *);
    void *(*compile)(const char *, const char *, int);
    void *(*tuple_item)(void *, long);
    char *(*bytes_data)(void *);
    long (*bytes_size)(void *);
    void (*decref)(void *);
    void (*clear_error)(void);
} api;

#define PY_FILE_INPUT 257

static int resolve_api(void) {
    py_GILStateGetThisThreadState = dlsym(RTLD_DEFAULT, "PyGILState_GetThisThreadState");
    py_CodeAddr2Line = dlsym(RTLD_DEFAULT, "PyCode_Addr2Line");
    py_CodeType = dlsym(RTLD_DEFAULT, "PyCode_Type");
    api.get_frame = dlsym(RTLD_DEFAULT, "PyEval_GetFrame");
    api.frame_code = dlsym(RTLD_DEFAULT, "PyFrame_GetCode");
    api.frame_back = dlsym(RTLD_DEFAULT, "PyFrame_GetBack");
    api.frame_line = dlsym(RTLD_DEFAULT, "PyFrame_GetLineNumber");
    api.get_attr = dlsym(RTLD_DEFAULT, "PyObject_GetAttrString");
    api.as_long = dlsym(RTLD_DEFAULT, "PyLong_AsLong");
    api.as_utf8 = dlsym(RTLD_DEFAULT, "PyUnicode_AsUTF8");
    api.from_utf8 = dlsym(RTLD_DEFAULT, "PyUnicode_FromString");
    api.compile = dlsym(RTLD_DEFAULT, "Py_CompileString");
    api.tuple_item = dlsym(RTLD_DEFAULT, "PyTuple_GetItem");
    api.bytes_data = dlsym(RTLD_DEFAULT, "PyBytes_AsString");
    api.bytes_size = dlsym(RTLD_DEFAULT, "PyBytes_Size");
    api.decref = dlsym(RTLD_DEFAULT, "Py_DecRef");
    api.clear_error = dlsym(RTLD_DEFAULT, "PyErr_Clear");
    return py_GILStateGetThisThreadState && py_CodeAddr2Line && py_CodeType && api.get_frame && api.frame_code
                   && api.frame_back && api.frame_line && api.get_attr && api.as_long && api.as_utf8
                   && api.from_utf8 && api.compile && api.tuple_item && api.bytes_data && api.bytes_size
                   && api.decref && api.clear_error
               ? 0
               : -1;
}

/* Non-ASCII names are read from the 1-, 2- and 4-byte layouts: check each. */
static int strings_read_right(void) {
    static const char *const samples[] = {"caf\xc3\xa9", "\xe6\xbc\xa2\xe5\xad\x97.py", "f\xf0\x9f\x98\x80"};
    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
        void *sample = api.from_utf8(samples[i]);
        int same = sample && same_text(sample, samples[i]);
        if (sample) {
            api.decref(sample);
        }
        if (!same) {
            return 0;
        }
    }
    return 1;
}

/* Where a code object's first RESUME is, by its co_code (the instructions as compiled). */
static long first_resume(void *code, unsigned char resume) {
    void *bytes = api.get_attr(code, "co_code");
    const unsigned char *op = bytes ? (const unsigned char *)api.bytes_data(bytes) : NULL;
    long n = op ? api.bytes_size(bytes) / 2 : 0;
    long at = 0;
    while (at < n && op[2 * at] != resume) {
        at++;
    }
    if (bytes) {
        api.decref(bytes);
    }
    return at < n ? at : -1;
}

/* _co_firsttraceable is 0 in most code, so a wrong offset reading a zero would go
 * unseen: a generator's code starts past RETURN_GENERATOR and POP_TOP. The RESUME opcode
 * is the module code's first instruction on every version the walk knows. */
static int first_traceable_right(void) {
    void *module = api.compile("def g():\n    yield\n", "<memflux>", PY_FILE_INPUT);
    void *consts = module ? api.get_attr(module, "co_consts") : NULL;
    void *generator = consts ? api.tuple_item(consts, 0) : NULL; /* borrowed */
    void *module_code = module ? api.get_attr(module, "co_code") : NULL;
    int ok = 0;
    if (generator && module_code && api.bytes_size(module_code) >= 2) {
        unsigned char resume = (unsigned char)api.bytes_data(module_code)[0];
        long at = first_resume(generator, resume);
        ok = at > 0 && AT(int, generator, layout.code_firsttraceable) == at
             && AT(int, module, layout.code_firsttraceable) == 0
             && AT(void *, generator, layout.object_type) == py_CodeType;
    }
    if (module_code) {
        api.decref(module_code);
    }
    if (consts) {
        api.decref(consts);
    }
    if (module) {
        api.decref(module);
    }
    return ok;
}

/* A code object's first line and names, read as the walk reads them, are CPython's. */
static int code_reads_right(void *code) {
    void *first = api.get_attr(code, "co_firstlineno");
    int ok = first && api.as_long(first) == AT(int, code, layout.code_firstlineno);
    if (first) {
        api.decref(first);
    }
    void *name = api.get_attr(code, "co_name");
    void *file = api.get_attr(code, "co_filename");
    ok = ok && name == AT(void *, code, layout.code_name) && file == AT(void *, code, layout.code_filename)
         && same_text(name, api.as_utf8(name)) && same_text(file, api.as_utf8(file));
    if (name) {
        api.decref(name);
    }
    if (file) {
        api.decref(file);
    }
    return ok;
}

/* The caller's two innermost frames, walked as at an allocation, are the frames,
 * code objects and lines the C-API gives. */
static int frames_read_right(void) {
    void *frame = api.get_frame(); /* borrowed: the bootstrap's frame */
    void *iframe = current_iframe();
    if (!frame || !iframe) {
        return 0;
    }
    int ok = 1;
    for (int level = 0; level < 2 && frame && iframe && ok; level++) {
        void *code = api.frame_code(frame); /* new reference */
        ok = code == code_of(iframe) && AT(void *, code, layout.object_type) == py_CodeType && complete(iframe, code)
             && line_of(code, AT(void *, iframe, layout.frame_instr)) == api.frame_line(frame)
             && code_reads_right(code);
        api.decref(code);
        void *back = api.frame_back(frame); /* new reference */
        if (back) {
            api.decref(back); /* still alive: it is on the stack */
        }
        frame = back;
        do {
            iframe = AT(void *, iframe, layout.frame_previous);
        } while (iframe && (!code_of(iframe) || !complete(iframe, code_of(iframe))));
    }
    return ok;
}

int mfx_walk_validate(const char *version) {
    const struct mfx_py_layout *known = mfx_py_layout_of(version);
    if (!known || resolve_api() != 0) {
        return -1;
    }
    layout = *known;
    int ok = strings_read_right() && first_traceable_right() && frames_read_right();
    /* A check that failed in the C-API left its exception set: the bootstrap's ctypes
     * call would raise it instead of falling back. */
    api.clear_error();
    return ok ? 0 : -1;
}
