/* unwind.c: native stacks for --native, and the modules that give them meaning.
 *
 * The unwinder is libunwind's unw_backtrace, loaded privately (dlopen RTLD_LOCAL): linked
 * normally, libunwind would replace _Unwind_* and backtrace for the whole process. It
 * costs about 220 ns at depth 30, against about 5 us for glibc's backtrace(), which is
 * the fallback when libunwind is absent. The stack is unwound before the stream lock is
 * taken, so threads do not wait on each other's unwinding.
 *
 * Native stacks are interned like Python ones, in trie.c, as (parent, instruction
 * pointer); a thread's previous stack is kept, so only the frames that changed since its
 * last allocation are looked up. Symbolization is the JVM's job: the agent only says
 * which objects are loaded where (MODULE records), at start and after every dlopen. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <execinfo.h>
#include <link.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "records.h"

static int (*unwind_fn)(void **, int);
static uintptr_t self_start;
static uintptr_t self_end;
static void *(*real_dlopen)(const char *, int);

static int glibc_backtrace(void **ips, int size) {
    return backtrace(ips, size);
}

static int find_self(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    uintptr_t anchor = (uintptr_t)data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t start = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD && anchor >= start && anchor < start + ph->p_memsz) {
            self_start = info->dlpi_addr;
            self_end = start + ph->p_memsz;
            return 1;
        }
    }
    return 0;
}

int mfx_unwind_init(int force_glibc) {
    void *lib = force_glibc ? NULL : dlopen("libunwind.so.8", RTLD_NOW | RTLD_LOCAL);
    unwind_fn = lib ? (int (*)(void **, int))dlsym(lib, "unw_backtrace") : NULL;
    if (!unwind_fn) {
        unwind_fn = glibc_backtrace;
    }
    void *warm[4];
    unwind_fn(warm, 4); /* the first call loads and allocates what it needs */
    dl_iterate_phdr(find_self, (void *)(uintptr_t)&mfx_unwind_init);
    return 0;
}

int mfx_unwind(struct mfx_thread *t) {
    int n = unwind_fn(t->ips, MFX_MAX_NATIVE);
    int skip = 0;
    while (skip < n && (uintptr_t)t->ips[skip] >= self_start && (uintptr_t)t->ips[skip] < self_end) {
        skip++; /* the agent's own frames */
    }
    if (skip > 0) {
        memmove(t->ips, t->ips + skip, (size_t)(n - skip) * sizeof *t->ips);
    }
    return n - skip;
}

/* ---- native stack nodes (under the stream lock) ---- */

static void emit_native_node(uint32_t parent, uint64_t ip) {
    mfx_emit_native_node(parent, (uintptr_t)ip);
}

static struct mfx_trie nodes = {.first_capacity = 8192, .emit = emit_native_node};

static inline uint32_t intern(uint32_t parent, uintptr_t ip) {
    uint32_t node = mfx_trie_id(&nodes, parent, ip);
    return node ? node : parent;
}

uint32_t mfx_native_node(struct mfx_thread *t, int n) {
    /* ips[0] is the innermost frame; compare from the outermost end with the last stack. */
    int same = 0;
    while (same < n && same < t->last_native_depth
           && t->ips[n - 1 - same] == t->last_ips[t->last_native_depth - 1 - same]) {
        same++;
    }
    uint32_t parent = same > 0 ? t->last_nodes[t->last_native_depth - same] : 0;
    uint32_t nodes[MFX_MAX_NATIVE];
    for (int k = same; k < n; k++) {
        parent = intern(parent, (uintptr_t)t->ips[n - 1 - k]);
        nodes[n - 1 - k] = parent;
    }
    /* Keep this stack (innermost first) for the next allocation. */
    for (int k = 0; k < same; k++) {
        nodes[n - 1 - k] = t->last_nodes[t->last_native_depth - 1 - k];
    }
    memcpy(t->last_ips, t->ips, (size_t)n * sizeof *t->ips);
    memcpy(t->last_nodes, nodes, (size_t)n * sizeof *nodes);
    t->last_native_depth = n;
    return n > 0 ? nodes[0] : 0;
}

/* ---- modules ---- */

#define MAX_MODULES 4096
#define MAX_SEGMENTS 16

struct module {
    char path[1024];
    char build_id[80];
    uintptr_t bias;
    int segments;
    uintptr_t start[MAX_SEGMENTS];
    uintptr_t length[MAX_SEGMENTS];
};

static uintptr_t announced_bias[MAX_MODULES];
static uint32_t announced_hash[MAX_MODULES];
static int announced;

static uint32_t hash_string(const char *s) {
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h = (h ^ (uint8_t)*s) * 16777619u;
    }
    return h;
}

static void read_build_id(struct dl_phdr_info *info, char *out, size_t size) {
    out[0] = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE) {
            continue;
        }
        const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr);
        const char *end = p + ph->p_memsz;
        while (p + sizeof(ElfW(Nhdr)) <= end) {
            const ElfW(Nhdr) *note = (const ElfW(Nhdr) *)p;
            const char *name = p + sizeof *note;
            const uint8_t *desc = (const uint8_t *)(name + ((note->n_namesz + 3) & ~3u));
            if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 && memcmp(name, "GNU", 4) == 0) {
                size_t at = 0;
                for (uint32_t k = 0; k < note->n_descsz && at + 2 < size; k++) {
                    static const char hex[] = "0123456789abcdef";
                    out[at++] = hex[desc[k] >> 4];
                    out[at++] = hex[desc[k] & 15];
                }
                out[at] = 0;
                return;
            }
            p = (const char *)desc + ((note->n_descsz + 3) & ~3u);
        }
    }
}

struct collect {
    struct module *modules;
    int count;
    int capacity;
    int visited;
};

static int collect_module(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct collect *c = data;
    const char *name = info->dlpi_name;
    char exe[1024];
    if (name && name[0]) {
        c->visited++;
    } else {
        if (c->visited++ > 0) {
            return 0; /* the vdso and other nameless objects: nothing to read on disk */
        }
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n <= 0) {
            return 0;
        }
        exe[n] = 0;
        name = exe;
    }
    uint32_t h = hash_string(name);
    for (int i = 0; i < announced; i++) {
        if (announced_bias[i] == info->dlpi_addr && announced_hash[i] == h) {
            return 0;
        }
    }
    if (c->count == c->capacity || announced + c->count >= MAX_MODULES) {
        return 0;
    }
    struct module *m = &c->modules[c->count++];
    strncpy(m->path, name, sizeof m->path - 1);
    m->path[sizeof m->path - 1] = 0;
    m->bias = info->dlpi_addr;
    m->segments = 0;
    for (int i = 0; i < info->dlpi_phnum && m->segments < MAX_SEGMENTS; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
            m->start[m->segments] = info->dlpi_addr + ph->p_vaddr;
            m->length[m->segments] = ph->p_memsz;
            m->segments++;
        }
    }
    read_build_id(info, m->build_id, sizeof m->build_id);
    return 0;
}

/* Announces the objects loaded since the last call. The loader's lock is taken by
 * dl_iterate_phdr, so the list is collected first and written under the stream lock
 * after: a thread inside dlopen may be waiting for the stream lock in malloc. */
void mfx_modules_announce(void) {
    struct collect c = {mfx_real_malloc(256 * sizeof(struct module)), 0, 256, 0};
    if (!c.modules) {
        return;
    }
    dl_iterate_phdr(collect_module, &c);
    mfx_lock();
    for (int i = 0; i < c.count && announced < MAX_MODULES; i++) {
        struct module *m = &c.modules[i];
        uint32_t h = hash_string(m->path);
        int seen = 0;
        for (int k = 0; k < announced; k++) {
            seen |= announced_bias[k] == m->bias && announced_hash[k] == h;
        }
        if (seen || m->segments == 0) {
            continue;
        }
        announced_bias[announced] = m->bias;
        announced_hash[announced] = h;
        announced++;
        mfx_emit_module(m->path, m->build_id, m->bias, m->segments, m->start, m->length);
    }
    mfx_unlock();
    mfx_real_free(c.modules);
}

/* dlopen: a library loaded while tracking is announced before its code can allocate. */
MFX_EXPORT void *dlopen(const char *file, int mode) {
    if (!real_dlopen) {
        real_dlopen = dlsym(RTLD_NEXT, "dlopen");
    }
    void *handle = real_dlopen(file, mode);
    if (handle && mfx_native && mfx_tracking && !mfx_guard) {
        int g = mfx_enter();
        mfx_modules_announce();
        mfx_leave(g);
    }
    return handle;
}
