/* fuzz_calls.c: 50,000 WASI calls with random arguments (pointers inside and outside memory,
 * random descriptors, flags, rights and paths). The host must answer every one with an errno:
 * no crash, no hang, no sanitizer report, and (checked by the driver) nothing outside the sandbox
 * touched. The guest keeps its own memory intact by pointing valid pointers into an arena only.
 * Run with --dir SCRATCH/sandbox::/sandbox and stdin from /dev/null. */
#include <stdint.h>
#include <string.h>
#include <wasi/api.h>

#define WASI_IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
typedef int32_t i32;
typedef int64_t i64;
i32 w_args_get(i32, i32) WASI_IMPORT(args_get);
i32 w_args_sizes_get(i32, i32) WASI_IMPORT(args_sizes_get);
i32 w_environ_get(i32, i32) WASI_IMPORT(environ_get);
i32 w_environ_sizes_get(i32, i32) WASI_IMPORT(environ_sizes_get);
i32 w_clock_res_get(i32, i32) WASI_IMPORT(clock_res_get);
i32 w_clock_time_get(i32, i64, i32) WASI_IMPORT(clock_time_get);
i32 w_fd_advise(i32, i64, i64, i32) WASI_IMPORT(fd_advise);
i32 w_fd_allocate(i32, i64, i64) WASI_IMPORT(fd_allocate);
i32 w_fd_close(i32) WASI_IMPORT(fd_close);
i32 w_fd_datasync(i32) WASI_IMPORT(fd_datasync);
i32 w_fd_fdstat_get(i32, i32) WASI_IMPORT(fd_fdstat_get);
i32 w_fd_fdstat_set_flags(i32, i32) WASI_IMPORT(fd_fdstat_set_flags);
i32 w_fd_fdstat_set_rights(i32, i64, i64) WASI_IMPORT(fd_fdstat_set_rights);
i32 w_fd_filestat_get(i32, i32) WASI_IMPORT(fd_filestat_get);
i32 w_fd_filestat_set_size(i32, i64) WASI_IMPORT(fd_filestat_set_size);
i32 w_fd_filestat_set_times(i32, i64, i64, i32) WASI_IMPORT(fd_filestat_set_times);
i32 w_fd_pread(i32, i32, i32, i64, i32) WASI_IMPORT(fd_pread);
i32 w_fd_prestat_get(i32, i32) WASI_IMPORT(fd_prestat_get);
i32 w_fd_prestat_dir_name(i32, i32, i32) WASI_IMPORT(fd_prestat_dir_name);
i32 w_fd_pwrite(i32, i32, i32, i64, i32) WASI_IMPORT(fd_pwrite);
i32 w_fd_read(i32, i32, i32, i32) WASI_IMPORT(fd_read);
i32 w_fd_readdir(i32, i32, i32, i64, i32) WASI_IMPORT(fd_readdir);
i32 w_fd_renumber(i32, i32) WASI_IMPORT(fd_renumber);
i32 w_fd_seek(i32, i64, i32, i32) WASI_IMPORT(fd_seek);
i32 w_fd_sync(i32) WASI_IMPORT(fd_sync);
i32 w_fd_tell(i32, i32) WASI_IMPORT(fd_tell);
i32 w_fd_write(i32, i32, i32, i32) WASI_IMPORT(fd_write);
i32 w_path_create_directory(i32, i32, i32) WASI_IMPORT(path_create_directory);
i32 w_path_filestat_get(i32, i32, i32, i32, i32) WASI_IMPORT(path_filestat_get);
i32 w_path_filestat_set_times(i32, i32, i32, i32, i64, i64, i32) WASI_IMPORT(path_filestat_set_times);
i32 w_path_link(i32, i32, i32, i32, i32, i32, i32) WASI_IMPORT(path_link);
i32 w_path_open(i32, i32, i32, i32, i32, i64, i64, i32, i32) WASI_IMPORT(path_open);
i32 w_path_readlink(i32, i32, i32, i32, i32, i32) WASI_IMPORT(path_readlink);
i32 w_path_remove_directory(i32, i32, i32) WASI_IMPORT(path_remove_directory);
i32 w_path_rename(i32, i32, i32, i32, i32, i32) WASI_IMPORT(path_rename);
i32 w_path_symlink(i32, i32, i32, i32, i32) WASI_IMPORT(path_symlink);
i32 w_path_unlink_file(i32, i32, i32) WASI_IMPORT(path_unlink_file);
i32 w_poll_oneoff(i32, i32, i32, i32) WASI_IMPORT(poll_oneoff);
i32 w_proc_raise(i32) WASI_IMPORT(proc_raise);
i32 w_sched_yield(void) WASI_IMPORT(sched_yield);
i32 w_random_get(i32, i32) WASI_IMPORT(random_get);
i32 w_sock_accept(i32, i32, i32) WASI_IMPORT(sock_accept);
i32 w_sock_recv(i32, i32, i32, i32, i32, i32) WASI_IMPORT(sock_recv);
i32 w_sock_send(i32, i32, i32, i32, i32) WASI_IMPORT(sock_send);
i32 w_sock_shutdown(i32, i32) WASI_IMPORT(sock_shutdown);

#define ARENA_SIZE 65536
static uint8_t arena[ARENA_SIZE] __attribute__((aligned(8)));
static uint64_t state = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static uint32_t below(uint32_t n) { return (uint32_t)(next() % n); }

static uint32_t memory_end(void) { return (uint32_t)__builtin_wasm_memory_size(0) * 65536u; }

/* A (pointer, length) pair: usually inside the arena, sometimes straddling or past the end of
 * memory, or absurd. Never inside memory outside the arena (the host would write there). */
static void buffer(i32 *ptr, i32 *len, uint32_t max_len)
{
    uint32_t arena_start = (uint32_t)(uintptr_t)arena;
    switch (below(8)) {
    case 0:
        *ptr = (i32)(memory_end() - below(16));
        *len = (i32)(below(64) + 17);
        break;
    case 1:
        *ptr = (i32)(memory_end() + below(100000));
        *len = (i32)below(64);
        break;
    case 2:
        *ptr = (i32)next();
        *len = (i32)next();
        if ((uint32_t)*ptr < memory_end())
            *ptr = -1;
        break;
    default: {
        uint32_t length = below(max_len + 1);
        if (length > ARENA_SIZE)
            length = ARENA_SIZE;
        *ptr = (i32)(arena_start + below(ARENA_SIZE - length + 1));
        *len = (i32)length;
    }
    }
}

/* A pointer to `size` bytes in the arena (or a bad one, sometimes). */
static i32 out_ptr(uint32_t size)
{
    i32 ptr, len;
    buffer(&ptr, &len, size);
    if ((uint32_t)ptr >= (uint32_t)(uintptr_t)arena && (uint32_t)ptr < (uint32_t)(uintptr_t)arena + ARENA_SIZE) {
        uint32_t offset = below(ARENA_SIZE - size);
        return (i32)((uint32_t)(uintptr_t)arena + offset);
    }
    return ptr;
}

/* An iovec array in the arena whose buffers are themselves arena buffers or bad ones. */
static void iovecs(i32 *ptr, i32 *count)
{
    uint32_t n = below(6);
    uint32_t *array = (uint32_t *)(arena + 8 * below(64));
    for (uint32_t i = 0; i < n; i++) {
        i32 p, l;
        buffer(&p, &l, 4096);
        array[2 * i] = (uint32_t)p;
        array[2 * i + 1] = (uint32_t)l;
    }
    *ptr = (i32)(uintptr_t)array;
    *count = (i32)n;
    if (below(20) == 0)
        *count = (i32)next();
}

static const char *const paths[] = {"a",
                                    "b",
                                    "a/b",
                                    "b/../a",
                                    "..",
                                    "../x",
                                    "/etc/passwd",
                                    "",
                                    ".",
                                    "abs_link",
                                    "abs_dir/secret.txt",
                                    "rel_out",
                                    "a/",
                                    "file.txt",
                                    "l",
                                    "l/x",
                                    "d/e/f",
                                    "x\0y",
                                    "./a/./b/",
                                    "a//b"};

/* A path: one from the list copied into the arena, or a bad pointer. */
static void path(i32 *ptr, i32 *len)
{
    if (below(10) == 0) {
        buffer(ptr, len, 300);
        return;
    }
    const char *text = paths[below(sizeof paths / sizeof paths[0])];
    size_t length = strlen(text);
    if (text[0] == 'x')
        length = 3;
    uint8_t *where = arena + 60000 + 300 * below(4);
    memcpy(where, text, length);
    *ptr = (i32)(uintptr_t)where;
    *len = (i32)length;
}

static i32 fd(void) { return below(10) == 0 ? (i32)next() : below(3) == 0 ? 3 : (i32)below(12); }
/* A descriptor to close, renumber onto or drop rights from: never the preopen (fd 3), which
 * every path call needs to reach the host's file system at all. */
static i32 fd_not_root(void)
{
    i32 n = fd();
    return n == 3 ? 4 : n;
}
static i64 rights(void) { return below(3) ? (i64)(next() & ((1ull << 30) - 1)) : (i64)next(); }

int main(void)
{
    /* stdout and stderr would only collect noise. */
    w_fd_close(1);
    w_fd_close(2);
    for (int call = 0; call < 50000; call++) {
        i32 p1, l1, p2, l2;
        switch (below(46)) {
        case 0: w_args_get(out_ptr(64), out_ptr(64)); break;
        case 1: w_args_sizes_get(out_ptr(4), out_ptr(4)); break;
        case 2: w_environ_get(out_ptr(4), out_ptr(4)); break;
        case 3: w_environ_sizes_get(out_ptr(4), out_ptr(4)); break;
        case 4: w_clock_res_get((i32)below(6), out_ptr(8)); break;
        case 5: w_clock_time_get((i32)below(6), (i64)next(), out_ptr(8)); break;
        case 6: w_fd_advise(fd(), (i64)next(), (i64)next(), (i32)below(8)); break;
        case 7: w_fd_allocate(fd(), (i64)below(1 << 20), (i64)below(1 << 20)); break;
        case 8:
            if (below(4) == 0)
                w_fd_close(fd_not_root());
            break;
        case 9: w_fd_datasync(fd()); break;
        case 10: w_fd_fdstat_get(fd(), out_ptr(24)); break;
        case 11: w_fd_fdstat_set_flags(fd(), (i32)below(64)); break;
        case 12:
            if (below(4) == 0)
                w_fd_fdstat_set_rights(fd_not_root(), rights(), rights());
            break;
        case 13: w_fd_filestat_get(fd(), out_ptr(64)); break;
        case 14: w_fd_filestat_set_size(fd(), below(2) ? (i64)below(100000) : (i64)next()); break;
        case 15: w_fd_filestat_set_times(fd(), (i64)next(), (i64)next(), (i32)below(32)); break;
        case 16:
            iovecs(&p1, &l1);
            w_fd_pread(fd(), p1, l1, (i64)below(100000), out_ptr(4));
            break;
        case 17: w_fd_prestat_get(fd(), out_ptr(8)); break;
        case 18:
            buffer(&p1, &l1, 64);
            w_fd_prestat_dir_name(fd(), p1, l1);
            break;
        case 19:
            iovecs(&p1, &l1);
            w_fd_pwrite(fd(), p1, l1, below(2) ? (i64)below(100000) : (i64)next(), out_ptr(4));
            break;
        case 20:
            iovecs(&p1, &l1);
            w_fd_read(fd(), p1, l1, out_ptr(4));
            break;
        case 21:
            buffer(&p1, &l1, 4096);
            w_fd_readdir(fd(), p1, l1, below(2) ? 0 : (i64)next(), out_ptr(4));
            break;
        case 22:
            if (below(8) == 0)
                w_fd_renumber(fd_not_root(), fd_not_root());
            break;
        case 23: w_fd_seek(fd(), (i64)next(), (i32)below(4), out_ptr(8)); break;
        case 24: w_fd_sync(fd()); break;
        case 25: w_fd_tell(fd(), out_ptr(8)); break;
        case 26:
            iovecs(&p1, &l1);
            w_fd_write(fd(), p1, l1, out_ptr(4));
            break;
        case 27:
            path(&p1, &l1);
            w_path_create_directory(fd(), p1, l1);
            break;
        case 28:
            path(&p1, &l1);
            w_path_filestat_get(fd(), (i32)below(3), p1, l1, out_ptr(64));
            break;
        case 29:
            path(&p1, &l1);
            w_path_filestat_set_times(fd(), (i32)below(3), p1, l1, (i64)next(), (i64)next(), (i32)below(32));
            break;
        case 30:
            path(&p1, &l1);
            path(&p2, &l2);
            w_path_link(fd(), (i32)below(3), p1, l1, fd(), p2, l2);
            break;
        case 31: {
            path(&p1, &l1);
            i32 new_fd = out_ptr(4);
            i32 opened =
                w_path_open(fd(), (i32)below(3), p1, l1, (i32)below(32), rights(), rights(), (i32)below(64), new_fd);
            (void)opened;
            break;
        }
        case 32:
            path(&p1, &l1);
            buffer(&p2, &l2, 256);
            w_path_readlink(fd(), p1, l1, p2, l2, out_ptr(4));
            break;
        case 33:
            path(&p1, &l1);
            w_path_remove_directory(fd(), p1, l1);
            break;
        case 34:
            path(&p1, &l1);
            path(&p2, &l2);
            w_path_rename(fd(), p1, l1, fd(), p2, l2);
            break;
        case 35:
            path(&p1, &l1);
            path(&p2, &l2);
            w_path_symlink(p1, l1, fd(), p2, l2);
            break;
        case 36:
            path(&p1, &l1);
            w_path_unlink_file(fd(), p1, l1);
            break;
        case 37: {
            /* Subscriptions with random contents but short timeouts. */
            uint32_t n = below(4);
            uint8_t *subs = arena + 8 * below(1000);
            for (uint32_t i = 0; i < n; i++) {
                uint8_t *s = subs + 48 * i;
                for (int b = 0; b < 48; b++)
                    s[b] = (uint8_t)next();
                s[8] = (uint8_t)below(4);
                if (s[8] == 0) {
                    uint64_t timeout = below(100000);
                    memcpy(s + 24, &timeout, 8);
                } else {
                    uint32_t descriptor = below(12);
                    memcpy(s + 16, &descriptor, 4);
                }
            }
            i32 in = below(10) ? (i32)(uintptr_t)subs : out_ptr(48);
            w_poll_oneoff(in, out_ptr(32 * 4), below(20) ? (i32)n : (i32)next(), out_ptr(4));
            break;
        }
        case 38: w_proc_raise((i32)below(40)); break;
        case 39: w_sched_yield(); break;
        case 40:
            buffer(&p1, &l1, 1024);
            w_random_get(p1, l1);
            break;
        case 41: w_sock_accept(fd(), (i32)below(8), out_ptr(4)); break;
        case 42:
            iovecs(&p1, &l1);
            w_sock_recv(fd(), p1, l1, (i32)below(4), out_ptr(4), out_ptr(2));
            break;
        case 43:
            iovecs(&p1, &l1);
            w_sock_send(fd(), p1, l1, 0, out_ptr(4));
            break;
        case 44: w_sock_shutdown(fd(), (i32)below(4)); break;
        default: break;
        }
    }
    return 0;
}
