/* fuzz_wasi.c: libFuzzer target: random wasi_snapshot_preview1 calls with biased arguments against a scratch tree. */
#define _GNU_SOURCE
#include "fuzz_wasi.h"
#include "wasi_internal.h" /* the context's descriptor table, the spec's constants, WASI_FUNCTIONS */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Each input runs in a new context, store and instance of a module (made here) that imports every
 * WASI function and exports a one-page memory (growable to two). The context has the scratch tree
 * ROOT/rw as the read-write preopen 3 ("/sandbox") and ROOT/ro as the read-only preopen 4 ("/ro"),
 * stdin from a buffer and stdout/stderr to buffers capped at OUTPUT_CAP bytes. ROOT/outside holds
 * sentinels that symbolic links in both trees point at. Host functions are called through
 * eng_func_call as wasm calls them, with argument slots.
 *
 * Invariants, each checked with abort():
 *   - every call returns a valid WASI errno (0..76); proc_exit ends the input with an ENG_TRAP_EXIT
 *     trap, and no other function traps;
 *   - stdout and stderr never hold more than their cap;
 *   - every descriptor of the read-only tree has no write right and is open read-only on the host;
 *   - every guest descriptor's host file lies in its own tree (ROOT/rw or ROOT/ro, /proc/self/fd);
 *   - nothing outside ROOT/rw changes: ROOT holds only outside, ro and rw, and a checksum of the
 *     trees ROOT/outside and ROOT/ro (names, types, sizes, links, times but atime, contents) stays
 *     the same (checked after every input that made a call that can write, and every 256 inputs);
 *   - no host descriptor of the scratch tree outlives the context (wasi_free closes them all).
 * ROOT/rw is rebuilt after each input that made such a call, so that each input starts alike.
 * Writes are bounded by RLIMIT_FSIZE (EFBIG, SIGXFSZ ignored) and poll_oneoff's clocks are
 * clamped to 100 us before the call, so an input cannot fill the disk or sleep. */

#define OUTPUT_CAP 4096
#define FILE_SIZE_LIMIT (4u << 20)
#define MAX_SLEEP_NS 100000u

/* ---- the input ---- */

typedef struct reader {
    const uint8_t *data;
    size_t size, position;
} reader;

static uint8_t next8(reader *r) { return r->position < r->size ? r->data[r->position++] : 0; }
static uint16_t next16(reader *r) { return (uint16_t)(next8(r) | next8(r) << 8); }
static uint32_t next32(reader *r) { return (uint32_t)next16(r) | (uint32_t)next16(r) << 16; }
static uint64_t next64(reader *r) { return next32(r) | (uint64_t)next32(r) << 32; }

/* ---- the module: imports every WASI function, exports "memory" ---- */

typedef struct wasi_spec {
    const char *name, *params, *results;
} wasi_spec;
#define SPEC(name, params, results) {#name, params, results},
static const wasi_spec specs[] = {WASI_FUNCTIONS(SPEC)};
#undef SPEC
#define FUNCTION_COUNT (sizeof specs / sizeof specs[0])

/* How the harness picks each function's arguments, one letter per argument (two slots for s, v):
 * f fd, p out pointer (8 bytes), P out pointer (64 bytes), l length, U u64, R rights, s path
 * (pointer, length), v iovecs (pointer, count), x fdflags, k lookupflags, o oflags, t fstflags,
 * w whence, a advice, c clock id, i any u32, Q poll_oneoff's four arguments. */
static const char *const kinds[] = {
    "pp",  "pp", "pp",  "pp",   "cp",   "cUp",    "fUUa",  "fUU",      "f",     "f",     "fP",   "fx",
    "fRR", "fP", "fU",  "fUUt", "fvUp", "fp",     "fpl",   "fvUp",     "fvp",   "fplUp", "ff",   "fUwp",
    "f",   "fp", "fvp", "fs",   "fksP", "fksUUt", "fksfs", "fksoRRxp", "fsplp", "fs",    "fsfs", "sfs",
    "fs",  "Q",  "i",   "i",    "",     "pl",     "fxp",   "fvxpp",    "fvxp",  "fx",
};
_Static_assert(sizeof kinds / sizeof kinds[0] == FUNCTION_COUNT, "one kinds string per WASI function");

typedef struct bytes {
    uint8_t data[4096];
    size_t size;
} bytes;

static void put(bytes *b, uint8_t byte)
{
    if (b->size >= sizeof b->data)
        abort(); /* the module is built by this file: it fits */
    b->data[b->size++] = byte;
}
static void put_u32(bytes *b, uint32_t v) /* unsigned LEB128 */
{
    do {
        put(b, (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0)));
        v >>= 7;
    } while (v);
}
static void put_name(bytes *b, const char *name)
{
    put_u32(b, (uint32_t)strlen(name));
    for (const char *c = name; *c; c++)
        put(b, (uint8_t)*c);
}
static void put_section(bytes *b, uint8_t id, const bytes *content)
{
    put(b, id);
    put_u32(b, (uint32_t)content->size);
    for (size_t i = 0; i < content->size; i++)
        put(b, content->data[i]);
}

static void build_module(bytes *out)
{
    static bytes types, imports, memories, exports;
    put_u32(&types, FUNCTION_COUNT);
    put_u32(&imports, FUNCTION_COUNT);
    for (uint32_t i = 0; i < FUNCTION_COUNT; i++) {
        put(&types, 0x60);
        put_u32(&types, (uint32_t)strlen(specs[i].params));
        for (const char *c = specs[i].params; *c; c++)
            put(&types, *c == 'I' ? 0x7e : 0x7f);
        put_u32(&types, (uint32_t)strlen(specs[i].results));
        for (const char *c = specs[i].results; *c; c++)
            put(&types, 0x7f);
        put_name(&imports, WASI_MODULE_NAME);
        put_name(&imports, specs[i].name);
        put(&imports, 0x00);
        put_u32(&imports, i);
    }
    put_u32(&memories, 1);
    put(&memories, 0x01); /* min 1, max 2 pages */
    put_u32(&memories, 1);
    put_u32(&memories, 2);
    put_u32(&exports, 1);
    put_name(&exports, "memory");
    put(&exports, 0x02);
    put_u32(&exports, 0);
    static const uint8_t header[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
    for (size_t i = 0; i < sizeof header; i++)
        put(out, header[i]);
    put_section(out, 1, &types);
    put_section(out, 2, &imports);
    put_section(out, 5, &memories);
    put_section(out, 7, &exports);
}

/* ---- the scratch tree ---- */

static char root[64];    /* ROOT: /dev/shm/wasmhost-fuzz-wasi-XXXXXX (or under /tmp) */
static char rw_path[96]; /* ROOT/rw */
static char ro_path[96]; /* ROOT/ro */
static char long_path[4098], longer_path[4099], long_name[301];

static void must(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_wasi: setting up the scratch tree: %s: %s\n", what, strerror(errno));
        abort();
    }
}

static void write_file(int dir, const char *name, const char *text)
{
    int fd = openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    must(fd >= 0, name);
    must(write(fd, text, strlen(text)) == (ssize_t)strlen(text), name);
    close(fd);
}

/* The layout both preopens have (paths in fuzz_wasi.h's table name its entries). */
static void make_tree(const char *path)
{
    char target[160];
    int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    must(dir >= 0, path);
    write_file(dir, "file.txt", "hello from the sandbox, a file of some fifty bytes\n");
    write_file(dir, "empty", "");
    must(mkdirat(dir, "dir", 0755) == 0, "dir");
    must(mkdirat(dir, "dir/sub", 0755) == 0, "dir/sub");
    write_file(dir, "dir/sub/nested.txt", "nested\n");
    must(symlinkat("file.txt", dir, "link_in") == 0, "link_in");
    must(symlinkat("dir", dir, "link_dir") == 0, "link_dir");
    must(symlinkat("../outside/secret.txt", dir, "link_out") == 0, "link_out");
    must(symlinkat("../outside", dir, "link_out_dir") == 0, "link_out_dir");
    snprintf(target, sizeof target, "%s/outside/secret.txt", root);
    must(symlinkat(target, dir, "link_abs") == 0, "link_abs");
    snprintf(target, sizeof target, "%s/file.txt", path);
    must(symlinkat(target, dir, "link_abs_in") == 0, "link_abs_in");
    must(symlinkat("..", dir, "link_up") == 0, "link_up");
    must(symlinkat("link_loop", dir, "link_loop") == 0, "link_loop");
    must(symlinkat("nothing", dir, "dangling") == 0, "dangling");
    must(symlinkat("link_in", dir, "link_chain") == 0, "link_chain");
    must(symlinkat("../nowhere", dir, "link_dangling_out") == 0, "link_dangling_out");
    close(dir);
}

/* Removes everything beneath the open directory `dir` (which it closes). */
static void empty_dir(int dir)
{
    DIR *d = fdopendir(dir);
    must(d != NULL, "fdopendir");
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (unlinkat(dirfd(d), e->d_name, 0) == 0)
            continue;
        /* A directory (the guest cannot change permissions, so it can always be emptied). */
        int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        must(sub >= 0, e->d_name);
        empty_dir(sub);
        must(unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR) == 0, e->d_name);
    }
    closedir(d);
}

static void reset_rw(void)
{
    int dir = open(rw_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    must(dir >= 0, rw_path);
    empty_dir(dir);
    make_tree(rw_path);
}

static uint64_t fnv(uint64_t h, const void *data, size_t size)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < size; i++)
        h = (h ^ p[i]) * 0x100000001b3u;
    return h;
}

/* A checksum of everything beneath `dir` (closed here) but access times, in name order. */
static uint64_t tree_sum(int dir, uint64_t h)
{
    struct dirent **names;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", dir);
    int n = scandir(proc, &names, NULL, alphasort);
    must(n >= 0, "scandir");
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        struct stat st;
        h = fnv(h, name, strlen(name) + 1);
        if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0 && fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
            uint64_t fields[] = {st.st_ino,         st.st_mode,         st.st_nlink,       (uint64_t)st.st_size,
                                 st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_ctim.tv_sec, st.st_ctim.tv_nsec};
            h = fnv(h, fields, sizeof fields);
            char buffer[4096];
            if (S_ISLNK(st.st_mode)) {
                ssize_t length = readlinkat(dir, name, buffer, sizeof buffer);
                h = fnv(h, buffer, length > 0 ? (size_t)length : 0);
            } else if (S_ISREG(st.st_mode)) {
                int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME);
                if (fd < 0)
                    fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
                ssize_t got = fd >= 0 ? read(fd, buffer, sizeof buffer) : -1;
                h = fnv(h, buffer, got > 0 ? (size_t)got : 0);
                if (fd >= 0)
                    close(fd);
            } else if (S_ISDIR(st.st_mode)) {
                int sub = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub >= 0)
                    h = tree_sum(sub, h);
            }
        }
        free(names[i]);
    }
    free(names);
    close(dir);
    return h;
}

static uint64_t outside_checksum(void)
{
    /* ROOT itself: its names only (rw changes under it), then the two trees. */
    DIR *d = opendir(root);
    must(d != NULL, root);
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        count++;
        if (strcmp(e->d_name, "rw") != 0 && strcmp(e->d_name, "ro") != 0 && strcmp(e->d_name, "outside") != 0) {
            fprintf(stderr, "fuzz_wasi: %s/%s appeared outside the sandbox\n", root, e->d_name);
            abort(); /* invariant: nothing outside the preopens changes */
        }
    }
    closedir(d);
    char path[128];
    snprintf(path, sizeof path, "%s/outside", root);
    uint64_t h = tree_sum(open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), 0xcbf29ce484222325u);
    h = tree_sum(open(ro_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), h);
    return h ^ (uint64_t)count;
}

static uint64_t expected_checksum;
static eng_module *module;

static void remove_root(void)
{
    int dir = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        empty_dir(dir);
        rmdir(root);
    }
}

static void setup(void)
{
    /* On tmpfs when there is one: rebuilding the tree on a disk costs milliseconds. */
    strcpy(root, "/dev/shm/wasmhost-fuzz-wasi-XXXXXX");
    if (!mkdtemp(root)) {
        strcpy(root, "/tmp/wasmhost-fuzz-wasi-XXXXXX");
        must(mkdtemp(root) != NULL, "mkdtemp");
    }
    atexit(remove_root);
    snprintf(rw_path, sizeof rw_path, "%s/rw", root);
    snprintf(ro_path, sizeof ro_path, "%s/ro", root);
    char path[128];
    snprintf(path, sizeof path, "%s/outside", root);
    must(mkdir(path, 0755) == 0, path);
    snprintf(path, sizeof path, "%s/outside/sub", root);
    must(mkdir(path, 0755) == 0, path);
    int outside = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    write_file(outside, "../secret.txt", "the sentinel: guests never see or change this\n");
    write_file(outside, "deep.txt", "deep\n");
    close(outside);
    must(mkdir(rw_path, 0755) == 0, rw_path);
    must(mkdir(ro_path, 0755) == 0, ro_path);
    make_tree(rw_path);
    make_tree(ro_path);
    expected_checksum = outside_checksum();

    memset(long_path, 0, sizeof long_path);
    for (int i = 0; i < 4096; i++)
        long_path[i] = i % 2 ? '/' : 'd';
    memcpy(longer_path, long_path, 4096);
    longer_path[4096] = 'd';
    memset(long_name, 'n', 300);

    /* Writes past this size fail with EFBIG instead of filling the disk. */
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit limit = {FILE_SIZE_LIMIT, FILE_SIZE_LIMIT};
    must(setrlimit(RLIMIT_FSIZE, &limit) == 0, "setrlimit");

    for (size_t i = 0; i < FUNCTION_COUNT; i++) {
        /* The kinds above describe the same parameters as WASI_FUNCTIONS. */
        size_t slots = 0;
        for (const char *k = kinds[i]; *k; k++)
            slots += *k == 's' || *k == 'v' ? 2 : *k == 'Q' ? 4 : 1;
        if (slots != strlen(specs[i].params)) {
            fprintf(stderr, "fuzz_wasi: kinds of %s do not match its parameters\n", specs[i].name);
            abort();
        }
    }
    static bytes binary;
    build_module(&binary);
    eng_error *error = eng_module_load(binary.data, binary.size, &module);
    if (error) {
        fprintf(stderr, "fuzz_wasi: the module: %s\n", error->message);
        abort();
    }
}

/* ---- one input ---- */

typedef struct run {
    reader in;
    wasi_context *wasi;
    eng_memory *memory;
    uint32_t build; /* next free byte of the build area */
    uint32_t last_fd;
} run;

static uint32_t memory_size(const run *x) { return (uint32_t)x->memory->size; }

/* Copies bytes into guest memory, as much as fits from `ptr` on. */
static void place(run *x, uint32_t ptr, const void *data, size_t size)
{
    if (ptr >= memory_size(x))
        return;
    size_t room = memory_size(x) - ptr;
    memcpy(x->memory->base + ptr, data, size < room ? size : room);
}

/* Room in the build area; wraps around when full (what was built earlier may be overwritten). */
static uint32_t build_alloc(run *x, uint32_t size)
{
    if (x->build + size > FW_OUT_AREA)
        x->build = FW_BUILD_AREA;
    uint32_t ptr = x->build;
    x->build += size;
    return ptr;
}

static uint32_t pick_fd(run *x)
{
    uint8_t s = next8(&x->in);
    switch (s % 8) {
    case FW_FD_NTH: {
        uint32_t open = 0, k = next8(&x->in);
        for (uint32_t i = 0; i < x->wasi->fd_capacity; i++)
            open += x->wasi->fds[i].open;
        if (open == 0)
            return 0;
        k %= open;
        for (uint32_t i = 0; i < x->wasi->fd_capacity; i++) {
            if (x->wasi->fds[i].open && k-- == 0)
                return i;
        }
        return 0;
    }
    case FW_FD_RW: return 3;
    case FW_FD_RO: return 4;
    case FW_FD_LAST: return x->last_fd;
    case FW_FD_BYTE: return next8(&x->in);
    case FW_FD_RAW: return next32(&x->in);
    case FW_FD_MAX: return UINT32_MAX;
    default: return x->wasi->fd_capacity + next8(&x->in) % 4;
    }
}

static uint32_t pick_ptr(run *x, uint32_t size)
{
    uint8_t s = next8(&x->in);
    switch (s % 8) {
    case FW_PTR_OUT: return FW_OUT_AREA + 8u * next8(&x->in);
    case FW_PTR_U16: return next16(&x->in);
    case FW_PTR_END: return memory_size(x) - size;
    case FW_PTR_STRADDLE: return memory_size(x) - size + 1 + next8(&x->in) % size;
    case FW_PTR_SIZE: return memory_size(x);
    case FW_PTR_RAW: return next32(&x->in);
    case FW_PTR_ZERO: return 0;
    default: return UINT32_MAX - next8(&x->in);
    }
}

static uint32_t pick_len(run *x)
{
    uint8_t s = next8(&x->in);
    switch (s % 8) {
    case FW_LEN_ZERO: return 0;
    case FW_LEN_SMALL: return 1 + next8(&x->in) % 16;
    case FW_LEN_BYTE: return next8(&x->in);
    case FW_LEN_U16: return next16(&x->in);
    case FW_LEN_MEMORY: return memory_size(x) - next8(&x->in) % 4;
    case FW_LEN_RAW: return next32(&x->in);
    case FW_LEN_MAX: return UINT32_MAX;
    default: return 4096 + next8(&x->in) % 2;
    }
}

static uint64_t pick_u64(run *x)
{
    uint8_t s = next8(&x->in);
    switch (s % 8) {
    case FW_U64_ZERO: return 0;
    case FW_U64_BYTE: return next8(&x->in);
    case FW_U64_RAW: return next64(&x->in);
    case FW_U64_MAX: return UINT64_MAX;
    case FW_U64_SMAX: return INT64_MAX;
    case FW_U64_SMIN: return UINT64_C(1) << 63;
    case FW_U64_U32: return next32(&x->in);
    default: return (uint64_t) - (int64_t)next8(&x->in);
    }
}

static uint32_t pick_flags(run *x, uint32_t mask)
{
    uint8_t s = next8(&x->in);
    switch (s % 4) {
    case FW_FLAGS_ZERO: return 0;
    case FW_FLAGS_BYTE: return next8(&x->in) & mask;
    case FW_FLAGS_RAW: return next32(&x->in);
    default: return mask;
    }
}

static uint64_t pick_rights(run *x)
{
    uint8_t s = next8(&x->in);
    switch (s % 8) {
    case FW_R_NONE: return 0;
    case FW_R_ALL: return WASI_RIGHTS_ALL;
    case FW_R_FILE: return WASI_RIGHTS_FILE;
    case FW_R_DIR: return WASI_RIGHTS_DIRECTORY;
    case FW_R_RAW_VALID: return next64(&x->in) & WASI_RIGHTS_ALL;
    case FW_R_RAW: return next64(&x->in);
    case FW_R_READ: return WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL | WASI_RIGHT_FD_READDIR;
    default: return WASI_RIGHTS_DIRECTORY | WASI_RIGHTS_FILE;
    }
}

/* A path in guest memory: (pointer, length) in a[0], a[1]. */
static void pick_path(run *x, eng_slot *a)
{
    uint8_t s = next8(&x->in);
    const char *text;
    size_t length;
    uint8_t raw[256];
    if ((s & 3) == FW_PATH_RAW) {
        length = next8(&x->in);
        for (size_t i = 0; i < length; i++)
            raw[i] = next8(&x->in);
        text = (const char *)raw;
    } else {
        const fw_path *p = &fw_paths[next8(&x->in) % FW_PATH_COUNT];
        text = p->text;
        length = p->length;
        if (strcmp(text, "@long") == 0 || strcmp(text, "@longer") == 0 || strcmp(text, "@longname") == 0) {
            text = text[5] == 'n' ? long_name : text[5] == 'e' ? longer_path : long_path;
            length = strlen(text);
        }
    }
    uint32_t ptr;
    switch ((s >> 2) & 3) {
    case 0: ptr = build_alloc(x, (uint32_t)length + 1); break;
    case 1: ptr = memory_size(x) - (uint32_t)length; break;
    case 2: ptr = memory_size(x) - (uint32_t)length + 1; break;
    default: ptr = next32(&x->in); break;
    }
    place(x, ptr, text, length);
    place(x, ptr + (uint32_t)length, "", 1);
    uint32_t len;
    switch ((s >> 4) & 3) {
    case 0: len = (uint32_t)length; break;
    case 1: len = (uint32_t)length + 1; break;
    case 2: len = next32(&x->in); break;
    default: len = 0; break;
    }
    a[0].u32 = ptr;
    a[1].u32 = len;
}

/* An iovec array in guest memory: (pointer, count) in a[0], a[1]. */
static void pick_iovecs(run *x, eng_slot *a)
{
    uint8_t s = next8(&x->in);
    uint32_t count, built;
    switch (s % 8) {
    case FW_IOV_NONE: count = 0; break;
    case FW_IOV_ONE: count = 1; break;
    case FW_IOV_TWO: count = 2; break;
    case FW_IOV_SMALL: count = 1 + next8(&x->in) % 16; break;
    case FW_IOV_1024: count = 1024; break;
    case FW_IOV_1025: count = 1025; break;
    case FW_IOV_RAW: count = next32(&x->in); break;
    default: count = 1; break;
    }
    built = count > 1025 ? 1 : count;
    uint32_t ptr = s % 8 == FW_IOV_AT_END ? memory_size(x) - WASI_IOVEC_SIZE : build_alloc(x, built * WASI_IOVEC_SIZE);
    /* Up to 16 distinct iovecs; longer arrays repeat the last one. */
    uint8_t iovec[WASI_IOVEC_SIZE] = {0};
    for (uint32_t i = 0; i < built; i++) {
        if (i < 16) {
            uint8_t b = next8(&x->in);
            uint32_t buffer;
            switch (b % 4) {
            case FW_BUF_DATA: buffer = FW_DATA_AREA + 64u * next8(&x->in); break;
            case FW_BUF_END: buffer = memory_size(x) - next8(&x->in); break;
            case FW_BUF_RAW: buffer = next32(&x->in); break;
            default: buffer = FW_OUT_AREA; break;
            }
            wasi_put32(iovec, buffer);
            wasi_put32(iovec + 4, pick_len(x));
        }
        place(x, ptr + i * WASI_IOVEC_SIZE, iovec, sizeof iovec);
    }
    a[0].u32 = ptr;
    a[1].u32 = count;
}

static uint64_t clock_now(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* poll_oneoff's (in, out, nsubscriptions, nevents): builds up to 8 subscriptions, then clamps
 * every clock subscription the call will read (whatever the memory held) to MAX_SLEEP_NS. */
static void pick_poll(run *x, eng_slot *a)
{
    uint8_t s = next8(&x->in);
    uint32_t count = s % 4 == 0 ? 1 : s % 4 == 1 ? 1 + next8(&x->in) % 8 : s % 4 == 2 ? next32(&x->in) : 4097;
    uint32_t built = count > 8 ? 0 : count;
    uint32_t in = (s & 4) ? pick_ptr(x, WASI_SUBSCRIPTION_SIZE) : build_alloc(x, built * WASI_SUBSCRIPTION_SIZE);
    for (uint32_t i = 0; i < built; i++) {
        uint8_t sub[WASI_SUBSCRIPTION_SIZE] = {0};
        wasi_put64(sub, next64(&x->in));
        uint8_t tag = next8(&x->in);
        sub[8] = tag % 4 == 3 ? tag : tag % 3;
        if (sub[8] == WASI_EVENT_CLOCK) {
            wasi_put32(sub + 16, next8(&x->in) % 5);
            wasi_put64(sub + 24, (uint64_t)next8(&x->in) * 1000);
            wasi_put16(sub + 40, next8(&x->in) % 3);
        } else {
            wasi_put32(sub + 16, pick_fd(x));
        }
        place(x, in + i * WASI_SUBSCRIPTION_SIZE, sub, sizeof sub);
    }
    a[0].u32 = in;
    a[1].u32 = (s & 8) ? pick_ptr(x, WASI_EVENT_SIZE) : FW_OUT_AREA;
    a[2].u32 = count;
    a[3].u32 = pick_ptr(x, 4);
    uint8_t *subs = wasi_memory(x->wasi, in, (uint64_t)count * WASI_SUBSCRIPTION_SIZE);
    if (!subs || count > WASI_MAX_SUBSCRIPTIONS)
        return;
    for (uint32_t i = 0; i < count; i++) {
        uint8_t *p = subs + (size_t)i * WASI_SUBSCRIPTION_SIZE;
        if (p[8] != WASI_EVENT_CLOCK)
            continue;
        uint32_t id = wasi_get32(p + 16);
        uint64_t timeout = wasi_get64(p + 24);
        if (wasi_get16(p + 40) & WASI_SUBSCRIPTION_CLOCK_ABSTIME) {
            uint64_t now = clock_now(id == WASI_CLOCK_MONOTONIC ? CLOCK_MONOTONIC : CLOCK_REALTIME);
            if (timeout > now)
                wasi_put64(p + 24, now + timeout % MAX_SLEEP_NS);
        } else {
            wasi_put64(p + 24, timeout % MAX_SLEEP_NS);
        }
    }
}

/* The calls that can change files or the tree (ROOT/rw is rebuilt after them). */
static bool writes(const char *name, const eng_slot *a)
{
    if (strcmp(name, "path_open") == 0)
        return a[4].u32 & (WASI_OFLAG_CREAT | WASI_OFLAG_TRUNC);
    if (strcmp(name, "path_filestat_get") == 0 || strcmp(name, "path_readlink") == 0)
        return false;
    return strncmp(name, "path_", 5) == 0 || strcmp(name, "fd_write") == 0 || strcmp(name, "fd_pwrite") == 0 ||
           strcmp(name, "fd_allocate") == 0 || strncmp(name, "fd_filestat_set", 15) == 0;
}

/* Invariant: a guest descriptor's host file lies in its own tree. */
static void check_fd_place(const wasi_fd *entry, uint32_t fd)
{
    char proc[64], target[4200];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", entry->host_fd);
    ssize_t length = readlink(proc, target, sizeof target - 1);
    if (length < 0)
        return;
    target[length] = '\0';
    const char *tree = entry->read_only ? ro_path : rw_path;
    size_t n = strlen(tree);
    if (strncmp(target, tree, n) != 0 || (target[n] != '\0' && target[n] != '/')) {
        fprintf(stderr, "fuzz_wasi: guest fd %u is %s, outside %s\n", fd, target, tree);
        abort();
    }
}

/* Invariants on the descriptor table and the output buffers, after each call. */
static void check_table(run *x, bool places)
{
    wasi_context *wasi = x->wasi;
    for (uint32_t i = 0; i < wasi->fd_capacity; i++) {
        const wasi_fd *entry = &wasi->fds[i];
        if (!entry->open || entry->host_fd < 0)
            continue;
        if (entry->read_only) {
            /* Invariant: the read-only tree never gets a write right or a host descriptor open for writing. */
            int mode = fcntl(entry->host_fd, F_GETFL);
            if ((entry->rights_base & WASI_RIGHTS_WRITE) ||
                (entry->rights_inheriting & ~WASI_RIGHTS_READ_ONLY_INHERITING) ||
                (mode >= 0 && (mode & O_ACCMODE) != O_RDONLY)) {
                fprintf(stderr, "fuzz_wasi: read-only fd %u can write (rights %#llx/%#llx, host flags %#x)\n", i,
                        (unsigned long long)entry->rights_base, (unsigned long long)entry->rights_inheriting, mode);
                abort();
            }
        }
        if (places)
            check_fd_place(entry, i);
    }
    for (int fd = 1; fd <= 2; fd++) {
        size_t size;
        wasi_output(wasi, fd, &size);
        if (size > OUTPUT_CAP) {
            fprintf(stderr, "fuzz_wasi: fd %d collected %zu bytes, over its cap of %d\n", fd, size, OUTPUT_CAP);
            abort(); /* invariant: the output cap holds */
        }
    }
}

/* Makes one call; false when the input ends (proc_exit). */
static bool call(run *x, eng_store *store, eng_func *func, uint32_t index, bool *wrote)
{
    eng_slot a[16];
    memset(a, 0, sizeof a);
    uint32_t slot = 0;
    for (const char *k = kinds[index]; *k; k++) {
        switch (*k) {
        case 'f': a[slot++].u32 = pick_fd(x); break;
        case 'p': a[slot++].u32 = pick_ptr(x, 8); break;
        case 'P': a[slot++].u32 = pick_ptr(x, WASI_FILESTAT_SIZE); break;
        case 'l': a[slot++].u32 = pick_len(x); break;
        case 'U': a[slot++].u64 = pick_u64(x); break;
        case 'R': a[slot++].u64 = pick_rights(x); break;
        case 's': pick_path(x, &a[slot]), slot += 2; break;
        case 'v': pick_iovecs(x, &a[slot]), slot += 2; break;
        case 'x': a[slot++].u32 = pick_flags(x, WASI_FDFLAGS_ALL); break;
        case 'k': a[slot++].u32 = pick_flags(x, WASI_LOOKUP_SYMLINK_FOLLOW); break;
        case 'o': a[slot++].u32 = pick_flags(x, WASI_OFLAGS_ALL); break;
        case 't': a[slot++].u32 = pick_flags(x, 0xf); break;
        case 'w': a[slot++].u32 = pick_flags(x, 3); break;
        case 'a': a[slot++].u32 = pick_flags(x, 7); break;
        case 'c': a[slot++].u32 = pick_flags(x, 7); break;
        case 'i': a[slot++].u32 = next32(&x->in); break;
        case 'Q': pick_poll(x, &a[slot]), slot += 4; break;
        default: abort(); /* a letter this file does not know */
        }
    }
    const char *name = specs[index].name;
    *wrote |= writes(name, a);
    uint32_t fd_out = strcmp(name, "path_open") == 0 ? a[8].u32 : UINT32_MAX;
    eng_trap *trap = eng_func_call(store, func, a);
    if (trap) {
        /* Invariant: only proc_exit traps, and with ENG_TRAP_EXIT. */
        if (trap->kind != ENG_TRAP_EXIT || strcmp(name, "proc_exit") != 0) {
            fprintf(stderr, "fuzz_wasi: %s trapped: %s\n", name, trap->message);
            abort();
        }
        eng_trap_free(trap);
        return false;
    }
    if (strcmp(name, "proc_exit") == 0)
        abort(); /* invariant: proc_exit does not return */
    uint32_t errno_value = a[0].u32;
    if (errno_value > WASI_ENOTCAPABLE) {
        fprintf(stderr, "fuzz_wasi: %s returned %u, not a WASI errno\n", name, errno_value);
        abort(); /* invariant: every result is a valid errno */
    }
    if (fd_out != UINT32_MAX && errno_value == WASI_ESUCCESS) {
        const uint8_t *p = wasi_memory(x->wasi, fd_out, 4);
        x->last_fd = p ? wasi_get32(p) : 0;
        if (x->last_fd < x->wasi->fd_capacity && x->wasi->fds[x->last_fd].open && x->wasi->fds[x->last_fd].host_fd >= 0)
            check_fd_place(&x->wasi->fds[x->last_fd], x->last_fd);
    }
    check_table(x, false);
    return true;
}

/* Invariant: once the context is freed, the process holds no descriptor of the scratch tree. */
static void check_no_descriptor_left(void)
{
    DIR *d = opendir("/proc/self/fd");
    must(d != NULL, "/proc/self/fd");
    size_t n = strlen(root);
    struct dirent *e;
    while ((e = readdir(d))) {
        char proc[300], target[4200];
        snprintf(proc, sizeof proc, "/proc/self/fd/%s", e->d_name);
        ssize_t length = readlink(proc, target, sizeof target - 1);
        if (length <= 0)
            continue;
        target[length] = '\0';
        if (strncmp(target, root, n) == 0) {
            fprintf(stderr, "fuzz_wasi: host descriptor %s (%s) outlived its context\n", e->d_name, target);
            abort();
        }
    }
    closedir(d);
}

static void fail_on_error(eng_error *error, const char *what)
{
    if (error) {
        fprintf(stderr, "fuzz_wasi: %s: %s\n", what, error->message);
        abort(); /* setting up a context the same way each time cannot fail */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    static unsigned inputs;
    if (!ready) {
        setup();
        ready = true;
    }
    run x = {{data, size, 0}, NULL, NULL, FW_BUILD_AREA, 3};
    uint8_t config = next8(&x.in);

    wasi_context *wasi = wasi_new();
    if (!wasi)
        abort();
    x.wasi = wasi;
    wasi->portable_resolution = config & 1;
    const char *argv[] = {"fuzz", "arg one", ""};
    fail_on_error(wasi_set_args(wasi, 3, argv), "args");
    fail_on_error(wasi_add_env(wasi, "HOME", "/sandbox"), "env");
    fail_on_error(wasi_preopen_dir(wasi, rw_path, "/sandbox", false), "preopen");
    fail_on_error(wasi_preopen_dir(wasi, ro_path, "/ro", true), "preopen");
    fail_on_error(wasi_stdin_buffer(wasi, "some input\nfor the guest\n", 25), "stdin");
    for (int fd = 1; fd <= 2; fd++) {
        fail_on_error(wasi_output_buffer(wasi, fd), "output");
        fail_on_error(wasi_output_limit(wasi, fd, OUTPUT_CAP), "output cap");
    }

    eng_store *store = eng_store_new();
    if (!store)
        abort();
    eng_extern imports[FUNCTION_COUNT];
    for (uint32_t i = 0; i < FUNCTION_COUNT; i++)
        fail_on_error(wasi_import(wasi, store, module, i, &imports[i]), "import");
    eng_instance *instance;
    eng_trap *trap = NULL;
    fail_on_error(eng_instance_new(store, module, imports, FUNCTION_COUNT, &instance, &trap), "instantiate");
    if (trap)
        abort();
    fail_on_error(wasi_bind(wasi, instance), "bind");
    x.memory = wasi->memory;

    bool wrote = false;
    for (int calls = 0; calls < FW_MAX_CALLS && x.in.position < x.in.size;) {
        uint8_t op = next8(&x.in);
        if (op == FW_OP_POKE) {
            uint32_t offset = next16(&x.in);
            uint8_t n = next8(&x.in), buffer[256];
            for (int i = 0; i < n; i++)
                buffer[i] = next8(&x.in);
            place(&x, offset, buffer, n);
            continue;
        }
        if (op == FW_OP_GROW) {
            eng_memory_grow(x.memory, 1);
            continue;
        }
        uint32_t index = op % FUNCTION_COUNT;
        calls++;
        if (!call(&x, store, imports[index].func, index, &wrote))
            break;
    }
    check_table(&x, true);

    eng_store_free(store);
    wasi_free(wasi);
    check_no_descriptor_left();
    if (wrote || ++inputs % 256 == 0) {
        if (outside_checksum() != expected_checksum) {
            fprintf(stderr, "fuzz_wasi: something outside %s changed\n", rw_path);
            abort(); /* invariant: nothing outside the read-write tree changes */
        }
    }
    if (wrote)
        reset_rw();
    return 0;
}
