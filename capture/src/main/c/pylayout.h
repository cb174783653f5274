/* pylayout.h: where a CPython keeps what the frame walk (pywalk.c) reads. */
#ifndef MEMFLUX_PYLAYOUT_H
#define MEMFLUX_PYLAYOUT_H

#include <stddef.h>

#pragma GCC visibility push(hidden)

/* Byte offsets into CPython's own structs. 3.11 and 3.12 reach a thread's current frame
 * through its _PyCFrame (tstate->cframe->current_frame); 3.13 keeps it in the thread
 * state itself. 3.11/3.12 frames point at the last instruction started (prev_instr),
 * 3.13's at the one running (instr_ptr): both lead to the same line by the same
 * arithmetic, as PyFrame_GetLineNumber does on each. */
struct mfx_py_layout {
    int through_cframe;          /* 1: tstate_frame is tstate->cframe, then cframe_current */
    size_t tstate_frame;
    size_t cframe_current;
    size_t frame_code;           /* f_code (3.11, 3.12), f_executable (3.13) */
    size_t frame_previous;
    size_t frame_instr;          /* prev_instr (3.11, 3.12), instr_ptr (3.13) */
    size_t frame_owner;
    size_t code_firsttraceable;  /* index of the first RESUME: a frame before it is not started */
    size_t code_adaptive;        /* the instructions, 2 bytes each */
    size_t code_firstlineno;
    size_t code_filename;
    size_t code_name;
    size_t object_type;          /* ob_type, to tell a code object from the None of 3.13's entry frames */
    size_t str_length;
    size_t str_state;
    size_t str_ascii_data;       /* compact ASCII: right after PyASCIIObject */
    size_t str_compact_data;     /* compact non-ASCII: right after PyCompactUnicodeObject */
    size_t str_legacy_data;      /* not compact: a pointer to the data */
};

/* The layout of the running interpreter (version: Py_GetVersion()), or NULL when memflux
 * does not know it. Every offset still has to pass mfx_walk_validate. */
const struct mfx_py_layout *mfx_py_layout_of(const char *version);

#pragma GCC visibility pop

#endif
