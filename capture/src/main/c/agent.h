/* Shared internals of the memflux agent (libmemflux-agent.so). The agent records every
 * allocation of the process it is preloaded into and writes one ordered record stream
 * (docs/FORMAT.md) to the memflux JVM. Split by job: hooks.c interposes the allocator,
 * real.c finds the real one, lock.c orders the threads' records, thread.c keeps
 * per-thread state, trie.c interns stack nodes, pyframe.c names code objects, pystack.c /
 * pywalk.c (pylayout.c) / pychain.c follow Python frames, unwind.c native ones, stream.c
 * encodes, buffers and writes, exec.c and fdguard.c keep the stream whole across exec
 * and the program's descriptor calls, sigstate.c restores signal state, pyalloc.c wraps
 * Python's own allocators (--trace-python-allocators), sample.c keeps a sample of
 * allocations (--sample-rate), api.c is what the bootstrap calls. */
#ifndef MEMFLUX_AGENT_H
#define MEMFLUX_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "lock.h"
#include "real.h"
#include "thread.h"
#include "trie.h"

#define MFX_EXPORT __attribute__((visibility("default")))
/* Where the agent's socket lives: high enough to stay clear of the numbers programs are
 * handed (lowest free first) and close by hand (closerange(3, 256) is common), low
 * enough to fit the default limit of 1024 descriptors. */
#define MFX_FD_REFUGE 512

#define MFX_LIKELY(x) __builtin_expect(!!(x), 1)
#define MFX_UNLIKELY(x) __builtin_expect(!!(x), 0)
/* An event to record: tracking, and not the agent's own doing. */
#define MFX_TRACKING() (MFX_UNLIKELY(mfx_tracking) && !mfx_guard)

/* Everything below is the agent's own: no GOT hop to reach it from another file. */
#pragma GCC visibility push(hidden)

/* Set while tracking; read on every allocation. */
extern volatile int mfx_tracking;
/* Set with --native: every allocation carries its native stack too. */
extern int mfx_native;

/* hooks.c: the slow half of a hook (guard entered, stream lock taken inside) */
void mfx_record_alloc(int kind, void *ptr, size_t size);
void mfx_record_free(void *ptr);
/* Stream lock held, right after a realloc of ptr returned p: FREE ptr when the call released
 * it, then the new block (when record_new: --sample-rate drew it), so no other thread's
 * event falls between the two. */
void mfx_emit_realloc(int kind, void *ptr, void *p, size_t size, int released, int record_new,
                      struct mfx_thread *t, int native_depth);

/* sample.c: --sample-rate (0: every allocation is recorded) */
extern uint64_t mfx_sample_rate;
int mfx_sample_init(uint64_t rate);  /* before tracking starts; -1 when out of memory */
int mfx_sample_take(size_t size);    /* no lock: 1 when this allocation is to be kept */
int mfx_sample_maybe_kept(void *ptr); /* no lock: 0 when ptr is surely not a kept block */
int mfx_sample_keep(void *ptr);      /* lock held: remember a kept block; 0 when out of memory */
int mfx_sample_forget(void *ptr);    /* lock held: 1 when ptr was a kept block (now forgotten) */

/* pyalloc.c: --trace-python-allocators, wrappers around the MEM and OBJ domains */
int mfx_pyalloc_install(void);   /* GIL held; 0, or -1 when this Python lacks the API */
void mfx_pyalloc_uninstall(void); /* GIL held; puts the wrapped allocators back */

/* stream.c */
int mfx_stream_open(const char *socket_path, const char *command_line, unsigned flags, const char *python_version);
void mfx_stream_close(int from_exit);
void mfx_emit_alloc(int kind, uintptr_t address, size_t size, uint32_t node, uint32_t native_node); /* lock held */
void mfx_emit_native_node(uint32_t parent, uintptr_t ip);           /* caller holds the lock */
void mfx_emit_module(const char *path, const char *build_id, uintptr_t bias, int segments,
                     const uintptr_t *start, const uintptr_t *length); /* caller holds the lock */
void mfx_emit_free(uintptr_t address);                              /* caller holds the lock */
void mfx_emit_munmap(uintptr_t address, size_t length);             /* caller holds the lock */
void mfx_emit_frame(const char *function, const char *file, long first_line); /* caller holds the lock */
void mfx_emit_node(uint32_t parent, uint32_t frame_id, int32_t line);          /* caller holds the lock */
int mfx_stream_is_owner(void);            /* this is the process that opened the stream (not a vfork child) */
int mfx_stream_fd(void);                  /* the stream's descriptor, -1 when none */
int mfx_stream_move(int fd, int lowest);  /* if fd is the stream's, moves it to >= lowest; returns fd, or -1 */
int mfx_stream_exec_begin(const char *path);       /* EXEC, flushed; 1: the lock is held until ... */
void mfx_stream_exec_failed(const char *path, int error); /* ... this says the exec failed */

/* fdguard.c: the program's close/dup2 family, kept off the stream's descriptor */
int mfx_real_close(int fd);

/* pyframe.c: the C-API functions, code objects -> FRAME ids */
#define MFX_HIDDEN_FRAME 0x80000000u /* in a frame id: memflux's own frame, left out of stacks */
int mfx_python_resolve(void);
const char *mfx_python_version(void);
void mfx_python_set_bootstrap(const char *path);
extern int (*mfx_py_frame_line)(void *frame);                        /* PyFrame_GetLineNumber */
/* Caller holds the lock. *owned: the agent holds a reference to the code object, so its
 * address means this code object for the whole capture. */
uint32_t mfx_frame_id_of_code(void *code, int *owned);
uint32_t mfx_frame_id_of_frame(void *frame);                         /* GIL held */

/* pystack.c: nodes, the stack-source choice, and the profile-function stack source */
int mfx_stack_source_choose(int force_profile); /* the one choice: 1 = frame walk, 0 = profile function */
int mfx_stack_source_walks(void);
uint32_t mfx_current_node(struct mfx_thread *t);                     /* caller holds the lock */
uint32_t mfx_intern(uint32_t parent, uint32_t frame_id, int32_t line); /* caller holds the lock */
int mfx_profile(void *obj, void *frame, int what, void *arg);       /* the profile function */
void mfx_profile_push(void *frame);                                  /* GIL held */

/* pychain.c: the profile function kept beside a program's own */
void mfx_profile_install(void);
void mfx_profile_uninstall(void);

/* unwind.c: native stacks and modules (--native) */
int mfx_unwind_init(int force_glibc);
int mfx_unwind(struct mfx_thread *t);                                /* fills t->ips; no lock needed */
uint32_t mfx_native_node(struct mfx_thread *t, int depth);           /* caller holds the lock */
void mfx_modules_announce(void);                                    /* takes the lock itself */

/* pywalk.c: the frame-walk stack source (CPython 3.11-3.13, offsets from pylayout.c) */
int mfx_walk_validate(const char *version);
uint32_t mfx_walk_node(void);                                       /* caller holds the lock */
void mfx_walk_code_names(void *code, char *function, size_t function_size, char *file, size_t file_size,
                         long *first_line);
void mfx_walk_code_identity(void *code, void **name, void **file, int *first_line);
void mfx_walk_forget_thread(void);

#pragma GCC visibility pop

#endif
