/* bounds.c: pointers and lengths from the guest are untrusted: anything outside linear memory is
 * EFAULT, oversized counts are refused, and nothing crashes the host. Run with
 * --dir SCRATCH/sandbox::/sandbox. */
#include "wasi_test.h"

/* Raw imports, to pass lengths wasi-libc would compute itself. */
#define WASI_IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len, int32_t oflags, int64_t base,
                      int64_t inheriting, int32_t fdflags, int32_t fd_out) WASI_IMPORT(path_open);
int32_t raw_path_create_directory(int32_t fd, int32_t path, int32_t path_len) WASI_IMPORT(path_create_directory);
int32_t raw_path_symlink(int32_t old_path, int32_t old_len, int32_t fd, int32_t new_path, int32_t new_len)
    WASI_IMPORT(path_symlink);
int32_t raw_fd_write(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t nwritten) WASI_IMPORT(fd_write);
int32_t raw_fd_read(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t nread) WASI_IMPORT(fd_read);
int32_t raw_args_get(int32_t argv, int32_t buf) WASI_IMPORT(args_get);
int32_t raw_args_sizes_get(int32_t count, int32_t size) WASI_IMPORT(args_sizes_get);
int32_t raw_environ_get(int32_t environ, int32_t buf) WASI_IMPORT(environ_get);
int32_t raw_fd_prestat_dir_name(int32_t fd, int32_t path, int32_t len) WASI_IMPORT(fd_prestat_dir_name);
int32_t raw_fd_fdstat_get(int32_t fd, int32_t stat) WASI_IMPORT(fd_fdstat_get);
int32_t raw_fd_filestat_get(int32_t fd, int32_t stat) WASI_IMPORT(fd_filestat_get);
int32_t raw_path_filestat_get(int32_t fd, int32_t flags, int32_t path, int32_t len, int32_t stat)
    WASI_IMPORT(path_filestat_get);
int32_t raw_random_get(int32_t buf, int32_t len) WASI_IMPORT(random_get);

#define FAULT __WASI_ERRNO_FAULT

/* The first byte past linear memory (read each time: malloc may grow the memory). */
static uint32_t mem_end(void) { return (uint32_t)__builtin_wasm_memory_size(0) * 65536u; }

int main(void)
{
    __wasi_fd_t root = (__wasi_fd_t)preopen_fd("/sandbox");
    CHECK((int)root >= 3);
    static char path[] = "file.txt";
    static char text[] = "hello\n";
    int32_t p = (int32_t)(uintptr_t)path, t = (int32_t)(uintptr_t)text;
    __wasi_rights_t rights = inheriting_rights(root);

    /* Paths: outside memory, running past its end, absurd lengths, embedded NUL. */
    static int32_t fd_out;
    int32_t out = (int32_t)(uintptr_t)&fd_out;
    CHECK_ERRNO(raw_path_open(root, 0, (int32_t)mem_end(), 4, 0, (int64_t)rights, (int64_t)rights, 0, out), FAULT);
    CHECK_ERRNO(raw_path_open(root, 0, (int32_t)(mem_end() - 2), 4, 0, (int64_t)rights, (int64_t)rights, 0, out),
                FAULT);
    CHECK_ERRNO(raw_path_open(root, 0, p, -1, 0, (int64_t)rights, (int64_t)rights, 0, out), FAULT);
    CHECK_ERRNO(raw_path_open(root, 0, p, 8, 0, (int64_t)rights, (int64_t)rights, 0, (int32_t)mem_end()), FAULT);
    CHECK_ERRNO(raw_path_open(root, 0, p, 8, 0, (int64_t)rights, (int64_t)rights, 0, (int32_t)(mem_end() - 3)), FAULT);
    CHECK_ERRNO(raw_path_open(root, 0, p, 8, 0, (int64_t)rights, (int64_t)rights, 0, out), 0);
    static char with_nul[] = "file.txt\0../../etc/passwd";
    CHECK_ERRNO(raw_path_open(root, 0, (int32_t)(uintptr_t)with_nul, sizeof with_nul - 1, 0, 0, 0, 0, out),
                __WASI_ERRNO_INVAL);
    CHECK_ERRNO(raw_path_create_directory(root, (int32_t)0xffffff00, 0x1000), FAULT);
    CHECK_ERRNO(raw_path_create_directory(root, p, 0), __WASI_ERRNO_NOENT); /* empty path */
    CHECK_ERRNO(raw_path_symlink((int32_t)mem_end(), 1, root, p, 8), FAULT);
    CHECK_ERRNO(raw_path_filestat_get(root, 0, p, 8, (int32_t)(mem_end() - 63)), FAULT);
    CHECK_ERRNO(raw_path_filestat_get(root, 0, p, 8, (int32_t)(mem_end() - 64)), 0); /* exactly fits */

    /* iovecs: the array and every buffer are checked; counts are bounded. */
    static __wasi_ciovec_t iov[2];
    static int32_t written;
    int32_t w = (int32_t)(uintptr_t)&written, v = (int32_t)(uintptr_t)iov;
    iov[0].buf = (const uint8_t *)text;
    iov[0].buf_len = 6;
    CHECK_ERRNO(raw_fd_write(1, v, 1, w), 0);
    CHECK(written == 6);
    CHECK_ERRNO(raw_fd_write(1, (int32_t)mem_end(), 1, w), FAULT);
    CHECK_ERRNO(raw_fd_write(1, (int32_t)(mem_end() - 4), 1, w), FAULT);
    CHECK_ERRNO(raw_fd_write(1, v, 0x20000000, w), __WASI_ERRNO_INVAL); /* 4 GiB of iovecs */
    CHECK_ERRNO(raw_fd_write(1, v, 1025, w), __WASI_ERRNO_INVAL);       /* more than IOV_MAX */
    CHECK_ERRNO(raw_fd_write(1, v, 1, (int32_t)mem_end()), FAULT);
    iov[0].buf = (const uint8_t *)(uintptr_t)(mem_end() - 3);
    CHECK_ERRNO(raw_fd_write(1, v, 1, w), FAULT);
    iov[0].buf_len = 3;
    iov[1].buf = (const uint8_t *)(uintptr_t)0xfffffff0u;
    iov[1].buf_len = 0x20;
    CHECK_ERRNO(raw_fd_write(1, v, 2, w), FAULT); /* nothing is written when any buffer is bad */
    iov[0].buf = (const uint8_t *)(uintptr_t)mem_end();
    iov[0].buf_len = 0;
    CHECK_ERRNO(raw_fd_write(1, v, 1, w), 0); /* empty buffer right at the end: fine */
    CHECK(written == 0);
    __wasi_fd_t file;
    CHECK_OK(open_at(root, "file.txt", 0, 0, &file));
    iov[0].buf = (const uint8_t *)(uintptr_t)(mem_end() - 4);
    iov[0].buf_len = 8;
    CHECK_ERRNO(raw_fd_read(file, v, 1, w), FAULT);
    iov[0].buf_len = 4;
    CHECK_ERRNO(raw_fd_read(file, v, 1, w), 0); /* the last 4 bytes of memory */
    CHECK(written == 4);
    CHECK_ERRNO(raw_fd_read(file, v, 1, (int32_t)0xfffffffe), FAULT);

    /* Memory grows: what was outside becomes valid. */
    uint32_t old_end = mem_end();
    CHECK(__builtin_wasm_memory_grow(0, 1) != (size_t)-1);
    iov[0].buf = (const uint8_t *)(uintptr_t)old_end;
    iov[0].buf_len = 100;
    memcpy((void *)(uintptr_t)old_end, "grown memory\n", 13);
    iov[0].buf_len = 13;
    CHECK_ERRNO(raw_fd_write(1, v, 1, w), 0);
    CHECK(written == 13);

    /* Results written through bad pointers. */
    CHECK_ERRNO(raw_args_sizes_get((int32_t)0xfffffffc, w), FAULT);
    CHECK_ERRNO(raw_args_sizes_get(w, (int32_t)0xfffffffd), FAULT);
    CHECK_ERRNO(raw_args_get((int32_t)0xfffffff0, t), FAULT);
    CHECK_ERRNO(raw_args_get(w, (int32_t)0xfffffffa), FAULT);
    /* Even an empty range must lie inside memory (as for memory.fill of 0 bytes). */
    CHECK_ERRNO(raw_environ_get((int32_t)0xfffffff0, t), FAULT);
    CHECK_ERRNO(raw_fd_prestat_dir_name(root, (int32_t)0xfffffffc, 8), FAULT);
    CHECK_ERRNO(raw_fd_fdstat_get(1, (int32_t)0xfffffff0), FAULT);
    CHECK_ERRNO(raw_fd_filestat_get(file, -8), FAULT);
    CHECK_ERRNO(raw_random_get(-1, 2), FAULT);
    CHECK_ERRNO(raw_random_get(0, -1), FAULT);
    CHECK_ERRNO(raw_random_get(16, 16), 0); /* low addresses are memory too */
    __wasi_fd_close(file);
    return checks_done("bounds");
}
