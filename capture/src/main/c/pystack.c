/* pystack.c: the Python stack of every allocation, without Python headers.
 *
 * A C profile function on every tracked thread keeps a shadow stack of the frames being
 * run (PyTrace_CALL pushes, PyTrace_RETURN pops). Stacks are interned as a trie of nodes
 * (parent node, frame, line; trie.c), written lazily: only when an allocation needs a
 * node is it computed, and a NODE record is written the first time a node is seen. The
 * line of each frame is the line executing at the allocation: the top frame's is read at
 * each allocation; a caller's cannot change while it waits in a call, so its node is
 * cached until a new call is pushed above it. A repeated allocation at the same line
 * therefore costs one line lookup and no hashing.
 *
 * Frame ids come from pyframe.c; the choice between this and the frame walk (pywalk.c)
 * is made once, by mfx_stack_source_choose. */
#include "agent.h"

#define PY_TRACE_CALL 0
#define PY_TRACE_RETURN 3

/* ---- stack nodes (touched under the stream lock) ---- */

static void emit_node(uint32_t parent, uint64_t key) {
    mfx_emit_node(parent, (uint32_t)(key >> 32), (int32_t)(uint32_t)key);
}

static struct mfx_trie nodes = {.first_capacity = 4096, .emit = emit_node};

uint32_t mfx_intern(uint32_t parent, uint32_t frame_id, int32_t line) {
    uint32_t node = mfx_trie_id(&nodes, parent, (uint64_t)frame_id << 32 | (uint32_t)line);
    return node ? node : parent;
}

/* Frame walk (pywalk.c) where the interpreter's layout is known and no profile function
 * is forced; otherwise the profile function keeps a shadow stack per thread. */
static int frame_walk;

int mfx_stack_source_choose(int force_profile) {
    frame_walk = !force_profile && mfx_walk_validate(mfx_python_version()) == 0;
    return frame_walk;
}

int mfx_stack_source_walks(void) {
    return frame_walk;
}

/* Kept out of mfx_current_node, whose frame-walk case is then a jump, not a function
 * that first saves five registers it does not use (callgrind: 20 instructions an event). */
static __attribute__((noinline)) uint32_t shadow_stack_node(struct mfx_thread *t) {
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
            parent = mfx_intern(parent, e->frame_id, mfx_py_frame_line(e->frame));
        }
        e->node = parent;
        e->valid = 1;
    }
    struct mfx_entry *e = &t->stack[top];
    if (e->hidden) {
        return parent;
    }
    int32_t line = mfx_py_frame_line(e->frame);
    if (e->top_node && e->top_line == line && e->top_parent == parent) {
        return e->top_node;
    }
    e->top_node = mfx_intern(parent, e->frame_id, line);
    e->top_line = line;
    e->top_parent = parent;
    return e->top_node;
}

uint32_t mfx_current_node(struct mfx_thread *t) {
    return frame_walk ? mfx_walk_node() : shadow_stack_node(t);
}

/* ---- the profile function ---- */

void mfx_profile_push(void *frame) {
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
    uint32_t id = mfx_frame_id_of_frame(frame);
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

int mfx_profile(void *obj, void *frame, int what, void *arg) {
    (void)obj;
    (void)arg;
    if (MFX_UNLIKELY(!mfx_tracking)) {
        return 0;
    }
    if (what == PY_TRACE_CALL) {
        int g = mfx_enter();
        mfx_profile_push(frame);
        mfx_leave(g);
    } else if (what == PY_TRACE_RETURN) {
        struct mfx_thread *t = mfx_self;
        /* Frames already running when tracking began return without a push. */
        if (t && t->depth > 0 && t->stack[t->depth - 1].frame == frame) {
            t->depth--;
        }
    }
    return 0;
}
