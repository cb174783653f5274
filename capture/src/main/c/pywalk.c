/* pywalk.c: Python stacks read from the interpreter's own frame chain, with no profile
 * function. A C profile function costs the program more than the agent does: measured
 * with callgrind on the allocation-heavy workload (CPython 3.11), enabling it more than
 * doubles the eval loop's instructions (200 M -> 421 M) because the specialized
 * instructions are skipped while profiling, against 90 M for all of the agent's work.
 *
 * At each allocation the thread's frame chain (tstate->cframe->current_frame, then
 * ->previous) is compared, from the bottom up, with the chain seen at the thread's last
 * allocation: frames whose (frame, code, instruction) are unchanged keep their cached
 * node, and only the frames above the first difference are looked up (line from the
 * instruction offset, then interned). A frame's own thread is the only writer of its
 * chain, and it is inside malloc, so the walk is safe with or without the GIL.
 *
 * The layout is CPython 3.11's (struct offsets read with gdb from a 3.11.7 build). It is
 * used only when every offset checks out against the public C-API at start
 * (mfx_walk_validate); any other interpreter gets the profile function (pystack.c). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>

#include "agent.h"

#define TSTATE_CFRAME 56
#define CFRAME_CURRENT_FRAME 8
#define IFRAME_CODE 32
#define IFRAME_PREVIOUS 48
#define IFRAME_PREV_INSTR 56
#define IFRAME_OWNER 69
#define CODE_FIRSTTRACEABLE 168
#define CODE_ADAPTIVE 184
#define CODE_FIRSTLINENO 72
#define CODE_FILENAME 112
#define CODE_NAME 120
#define STR_LENGTH 16
#define STR_STATE 32
#define STR_ASCII_DATA 48
#define STR_COMPACT_DATA 72
#define STR_LEGACY_DATA 72
#define OWNED_BY_GENERATOR 1

#define AT(type, base, offset) (*(type *)((char *)(base) + (offset)))

static void *(*py_GILStateGetThisThreadState)(void);
static int (*py_CodeAddr2Line)(void *, int);

/* One frame of a chain: what identifies it and the node of the chain up to it. */
struct walk_frame {
    void *iframe;
    void *code;
    void *instr;
    uint32_t node;
};

/* Per-thread chains, kept beside struct mfx_thread (allocated on first use). */
struct walk_state {
    struct walk_frame *seen;   /* bottom first, as of the last allocation */
    uint32_t seen_depth;
    struct walk_frame *now;    /* scratch: top first */
    uint32_t capacity;
};

static __thread struct walk_state *walk_self __attribute__((tls_model("initial-exec")));

/* The UTF-8 text of a str without calling CPython (which may allocate, and so run the
 * GC, in the middle of the allocation being recorded), written to out (NUL-terminated,
 * cut at a character boundary when it does not fit). Read from the canonical 1-, 2- or
 * 4-byte data, never from the cached UTF-8 copy: another thread may be filling that cache
 * while this one, without the GIL, reads. Surrogates (from undecodable file names) cannot
 * be UTF-8 and become U+FFFD. */
static size_t str_utf8(void *s, char *out, size_t size) {
    uint32_t state = AT(uint32_t, s, STR_STATE);
    unsigned kind = (state >> 2) & 7;
    int compact = (state >> 5) & 1;
    int ascii = (state >> 6) & 1;
    size_t length = (size_t)AT(intptr_t, s, STR_LENGTH);
    const unsigned char *data = ascii && compact ? (const unsigned char *)s + STR_ASCII_DATA
                                : compact       ? (const unsigned char *)s + STR_COMPACT_DATA
                                                : AT(const unsigned char *, s, STR_LEGACY_DATA);
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
    str_utf8(AT(void *, code, CODE_NAME), function, function_size);
    str_utf8(AT(void *, code, CODE_FILENAME), file, file_size);
    *first_line = AT(int, code, CODE_FIRSTLINENO);
}

/* What a code object's FRAME record says, by pointer: a code object whose address is
 * reused by another with the same three says the same FRAME. */
void mfx_walk_code_identity(void *code, void **name, void **file, int *first_line) {
    *name = AT(void *, code, CODE_NAME);
    *file = AT(void *, code, CODE_FILENAME);
    *first_line = AT(int, code, CODE_FIRSTLINENO);
}

static inline void *current_iframe(void) {
    void *tstate = py_GILStateGetThisThreadState();
    if (!tstate) {
        return NULL;
    }
    void *cframe = AT(void *, tstate, TSTATE_CFRAME);
    return cframe ? AT(void *, cframe, CFRAME_CURRENT_FRAME) : NULL;
}

/* A frame still setting itself up (before its first RESUME) has no line yet. */
static inline int complete(void *iframe, void *code) {
    if (AT(char, iframe, IFRAME_OWNER) == OWNED_BY_GENERATOR) {
        return 1;
    }
    char *first = (char *)code + CODE_ADAPTIVE + 2 * (size_t)AT(int, code, CODE_FIRSTTRACEABLE);
    return AT(char *, iframe, IFRAME_PREV_INSTR) >= first;
}

static inline int line_of(void *code, void *instr) {
    return py_CodeAddr2Line(code, (int)((char *)instr - ((char *)code + CODE_ADAPTIVE)));
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

uint32_t mfx_walk_node(void) {
    struct walk_state *w = state();
    if (!w) {
        return 0;
    }
    uint32_t depth = 0;
    for (void *f = current_iframe(); f; f = AT(void *, f, IFRAME_PREVIOUS)) {
        void *code = AT(void *, f, IFRAME_CODE);
        if (!complete(f, code)) {
            continue;
        }
        if (depth == w->capacity && grow(w) != 0) {
            break;
        }
        w->now[depth++] = (struct walk_frame){f, code, AT(void *, f, IFRAME_PREV_INSTR), 0};
    }
    /* The longest bottom part that is exactly as at the last allocation keeps its nodes. */
    uint32_t same = 0;
    while (same < depth && same < w->seen_depth) {
        struct walk_frame *a = &w->now[depth - 1 - same];
        struct walk_frame *b = &w->seen[same];
        if (a->iframe != b->iframe || a->code != b->code || a->instr != b->instr) {
            break;
        }
        same++;
    }
    uint32_t parent = same > 0 ? w->seen[same - 1].node : 0;
    for (uint32_t k = same; k < depth; k++) {
        struct walk_frame *f = &w->now[depth - 1 - k];
        uint32_t id = mfx_frame_id_of_code(f->code);
        if (!(id & MFX_HIDDEN_FRAME)) {
            parent = mfx_intern(parent, id, line_of(f->code, f->instr));
        }
        w->seen[k] = (struct walk_frame){f->iframe, f->code, f->instr, parent};
    }
    w->seen_depth = depth;
    return parent;
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

/* Every offset this file reads, checked against the C-API on the calling thread (which
 * runs Python code and holds the GIL). */
int mfx_walk_validate(const char *version) {
    if (strncmp(version, "3.11.", 5) != 0) {
        return -1;
    }
    py_GILStateGetThisThreadState = dlsym(RTLD_DEFAULT, "PyGILState_GetThisThreadState");
    py_CodeAddr2Line = dlsym(RTLD_DEFAULT, "PyCode_Addr2Line");
    void *(*get_frame)(void) = dlsym(RTLD_DEFAULT, "PyEval_GetFrame");
    void *(*frame_code)(void *) = dlsym(RTLD_DEFAULT, "PyFrame_GetCode");
    void *(*frame_back)(void *) = dlsym(RTLD_DEFAULT, "PyFrame_GetBack");
    int (*frame_line)(void *) = dlsym(RTLD_DEFAULT, "PyFrame_GetLineNumber");
    void *(*get_attr)(void *, const char *) = dlsym(RTLD_DEFAULT, "PyObject_GetAttrString");
    long (*as_long)(void *) = dlsym(RTLD_DEFAULT, "PyLong_AsLong");
    void (*decref)(void *) = dlsym(RTLD_DEFAULT, "Py_DecRef");
    if (!py_GILStateGetThisThreadState || !py_CodeAddr2Line || !get_frame || !frame_code || !frame_back
        || !frame_line || !get_attr || !as_long || !decref) {
        return -1;
    }
    /* Non-ASCII names are read from the 1-, 2- and 4-byte layouts: check each. */
    void *(*from_utf8)(const char *) = dlsym(RTLD_DEFAULT, "PyUnicode_FromString");
    static const char *const samples[] = {"caf\xc3\xa9", "\xe6\xbc\xa2\xe5\xad\x97.py", "f\xf0\x9f\x98\x80"};
    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
        void *sample = from_utf8 ? from_utf8(samples[i]) : NULL;
        int same = sample && same_text(sample, samples[i]);
        if (sample) {
            decref(sample);
        }
        if (!same) {
            return -1;
        }
    }
    void *frame = get_frame(); /* borrowed: the bootstrap's frame */
    void *iframe = current_iframe();
    if (!frame || !iframe) {
        return -1;
    }
    int ok = 1;
    for (int level = 0; level < 2 && frame && iframe && ok; level++) {
        void *code = frame_code(frame);
        ok = code == AT(void *, iframe, IFRAME_CODE) && complete(iframe, code)
             && line_of(code, AT(void *, iframe, IFRAME_PREV_INSTR)) == frame_line(frame);
        void *first = get_attr(code, "co_firstlineno");
        ok = ok && first && as_long(first) == AT(int, code, CODE_FIRSTLINENO);
        if (first) {
            decref(first);
        }
        /* The names are read from the str objects themselves: check both the pointers
         * and the text layout against what CPython says. */
        const char *(*as_utf8)(void *) = dlsym(RTLD_DEFAULT, "PyUnicode_AsUTF8");
        void *name = get_attr(code, "co_name");
        void *file = get_attr(code, "co_filename");
        ok = ok && as_utf8 && name == AT(void *, code, CODE_NAME) && file == AT(void *, code, CODE_FILENAME)
             && same_text(name, as_utf8(name)) && same_text(file, as_utf8(file));
        if (name) {
            decref(name);
        }
        if (file) {
            decref(file);
        }
        decref(code);
        void *back = frame_back(frame); /* new reference */
        if (back) {
            decref(back); /* still alive: it is on the stack */
        }
        frame = back;
        iframe = AT(void *, iframe, IFRAME_PREVIOUS);
        while (iframe && !complete(iframe, AT(void *, iframe, IFRAME_CODE))) {
            iframe = AT(void *, iframe, IFRAME_PREVIOUS);
        }
    }
    return ok ? 0 : -1;
}
