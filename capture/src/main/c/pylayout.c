/* pylayout.c: the struct offsets of each CPython the frame walk knows.
 *
 * 3.11 and 3.12 publish nothing: their offsets are written here, taken with offsetof
 * from each version's internal headers (Py_BUILD_CORE) of 3.11.7 and 3.12.1. 3.13
 * publishes its own for out-of-process tools in _PyRuntime.debug_offsets (cookie
 * "xdebugpy"), read at start; what it leaves out (_co_firsttraceable, the str data) is
 * derived from what it gives. Whatever the source, pywalk.c checks every offset against
 * the C-API before using it, and a mismatch leaves the program to the profile function. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <string.h>

#include "pylayout.h"

static const struct mfx_py_layout layout_311 = {
    .through_cframe = 1,
    .tstate_frame = 56,
    .cframe_current = 8,
    .frame_code = 32,
    .frame_previous = 48,
    .frame_instr = 56,
    .frame_owner = 69,
    .code_firsttraceable = 168,
    .code_adaptive = 184,
    .code_firstlineno = 72,
    .code_filename = 112,
    .code_name = 120,
    .object_type = 8,
    .str_length = 16,
    .str_state = 32,
    .str_ascii_data = 48,
    .str_compact_data = 72,
    .str_legacy_data = 72,
};

/* 3.12 moved f_code and previous to the front of the frame, dropped the str's wstr
 * (PyASCIIObject 48 -> 40 bytes) and use_tracing from _PyCFrame. */
static const struct mfx_py_layout layout_312 = {
    .through_cframe = 1,
    .tstate_frame = 56,
    .cframe_current = 0,
    .frame_code = 0,
    .frame_previous = 8,
    .frame_instr = 56,
    .frame_owner = 70,
    .code_firsttraceable = 176,
    .code_adaptive = 192,
    .code_firstlineno = 68,
    .code_filename = 112,
    .code_name = 120,
    .object_type = 8,
    .str_length = 16,
    .str_state = 32,
    .str_ascii_data = 40,
    .str_compact_data = 56,
    .str_legacy_data = 56,
};

/* The part of 3.13's _Py_DebugOffsets read here, in its order: each section starts with
 * the size of the struct it describes, then offsets into that struct. */
struct debug_offsets_313 {
    char cookie[8];
    uint64_t version; /* PY_VERSION_HEX of the interpreter that wrote it */
    uint64_t free_threaded;
    uint64_t runtime_state[3];
    uint64_t interpreter_state[13];
    struct {
        uint64_t size, prev, next, interp, current_frame, thread_id, native_thread_id, datastack_chunk, status;
    } thread_state;
    struct {
        uint64_t size, previous, executable, instr_ptr, localsplus, owner;
    } interpreter_frame;
    struct {
        uint64_t size, filename, name, qualname, linetable, firstlineno, argcount, localsplusnames,
            localspluskinds, co_code_adaptive;
    } code_object;
    struct {
        uint64_t size, ob_type;
    } pyobject;
    /* type, tuple, list, dict, float, long and bytes objects */
    uint64_t unread[4 + 3 + 3 + 3 + 2 + 3 + 3];
    struct {
        uint64_t size, state, length, asciiobject_size;
    } unicode_object;
};

static struct mfx_py_layout layout_313;

static const struct mfx_py_layout *from_debug_offsets(void) {
    const struct debug_offsets_313 *d = dlsym(RTLD_DEFAULT, "_PyRuntime");
    /* Another minor version lays the table out differently; a free-threaded build has
     * no GIL, and the walk's reads of code objects rely on one. */
    if (!d || memcmp(d->cookie, "xdebugpy", 8) != 0 || (d->version >> 16) != 0x030D || d->free_threaded) {
        return NULL;
    }
    struct mfx_py_layout *l = &layout_313;
    l->through_cframe = 0;
    l->tstate_frame = d->thread_state.current_frame;
    l->frame_code = d->interpreter_frame.executable;
    l->frame_previous = d->interpreter_frame.previous;
    l->frame_instr = d->interpreter_frame.instr_ptr;
    l->frame_owner = d->interpreter_frame.owner;
    l->code_adaptive = d->code_object.co_code_adaptive;
    /* Not published: the int two words before the instructions (then co_extra), as in
     * 3.12's struct; pywalk.c checks it on a generator's code, where it is not 0. */
    l->code_firsttraceable = d->code_object.co_code_adaptive - 16;
    l->code_firstlineno = d->code_object.firstlineno;
    l->code_filename = d->code_object.filename;
    l->code_name = d->code_object.name;
    l->object_type = d->pyobject.ob_type;
    l->str_length = d->unicode_object.length;
    l->str_state = d->unicode_object.state;
    l->str_ascii_data = d->unicode_object.asciiobject_size;
    /* PyCompactUnicodeObject adds utf8_length and utf8 to PyASCIIObject; a legacy str's
     * data pointer comes right after it. */
    l->str_compact_data = d->unicode_object.asciiobject_size + 16;
    l->str_legacy_data = l->str_compact_data;
    return l;
}

const struct mfx_py_layout *mfx_py_layout_of(const char *version) {
    if (strncmp(version, "3.11.", 5) == 0) {
        return &layout_311;
    }
    if (strncmp(version, "3.12.", 5) == 0) {
        return &layout_312;
    }
    if (strncmp(version, "3.13.", 5) == 0) {
        return from_debug_offsets();
    }
    return NULL;
}
