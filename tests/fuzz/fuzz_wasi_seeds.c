/* fuzz_wasi_seeds.c: writes fuzz_wasi's seed inputs (call sequences in fuzz_wasi.h's format) into a directory. */
#include "fuzz_wasi.h"
#include "wasi_internal.h" /* WASI_FUNCTIONS: the opcode of each function */

#include <stdarg.h>
#include <stdio.h>

#define INDEX(name, params, results) F_##name,
enum { WASI_FUNCTIONS(INDEX) F_COUNT };
#undef INDEX

static uint8_t seed[4096];
static size_t seed_size;

static void b(int count, ...)
{
    va_list list;
    va_start(list, count);
    for (int i = 0; i < count; i++) {
        if (seed_size < sizeof seed)
            seed[seed_size++] = (uint8_t)va_arg(list, int);
    }
    va_end(list);
}

/* Argument encodings (fuzz_wasi.h). */
static void fd_rw(void) { b(1, FW_FD_RW); }
static void fd_ro(void) { b(1, FW_FD_RO); }
static void fd_last(void) { b(1, FW_FD_LAST); }
static void fd_n(int n) { b(2, FW_FD_BYTE, n); }
static void out(int k) { b(2, FW_PTR_OUT, k); }
static void len(int n) { b(2, FW_LEN_BYTE, n); }
static void u64(int n) { b(2, FW_U64_BYTE, n); }
static void flags(int v) { b(2, FW_FLAGS_BYTE, v); }
static void rights(int selector) { b(1, selector); }
static void path(int index) { b(2, 0, index); }
static void iov(int data_block, int length) { b(5, FW_IOV_ONE, FW_BUF_DATA, data_block, FW_LEN_BYTE, length); }
static void poke(int offset, const char *text)
{
    int n = 0;
    while (text[n])
        n++;
    b(4, FW_OP_POKE, offset & 0xff, offset >> 8, n);
    for (int i = 0; i < n; i++)
        b(1, text[i]);
}

/* path_open(dir, follow, path, oflags, rights, inheriting, fdflags, out) */
static void open_path(void (*dir)(void), int follow, int index, int oflags, int base, int fdflags)
{
    b(1, F_path_open);
    dir();
    flags(follow);
    path(index);
    flags(oflags);
    rights(base);
    rights(FW_R_NONE);
    flags(fdflags);
    out(0);
}

static int failed;

static void save(const char *dir, const char *name)
{
    char file[1024];
    snprintf(file, sizeof file, "%s/%s", dir, name);
    FILE *f = fopen(file, "wb");
    if (!f || fwrite(seed, 1, seed_size, f) != seed_size || fclose(f) != 0) {
        perror(file);
        failed = 1;
    }
    seed_size = 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fuzz_wasi_seeds DIR\n");
        return 2;
    }
    const char *dir = argv[1];

    /* Reading a file: open, read, seek, tell, stat, advise, close. */
    b(1, 0);
    open_path(fd_rw, 1, FW_P_FILE, 0, FW_R_FILE, 0);
    b(1, F_fd_read), fd_last(), iov(0, 16), out(1);
    b(1, F_fd_seek), fd_last(), u64(3), flags(0), out(1);
    b(1, F_fd_tell), fd_last(), out(1);
    b(1, F_fd_pread), fd_last(), iov(1, 32), u64(4), out(1);
    b(1, F_fd_filestat_get), fd_last(), out(2);
    b(1, F_fd_fdstat_get), fd_last(), out(2);
    b(1, F_fd_advise), fd_last(), u64(0), u64(10), flags(1);
    b(1, F_fd_close), fd_last();
    save(dir, "read_file");

    /* Writing a new file: create, write, pwrite, resize, allocate, times, sync, renumber. */
    b(1, 0);
    poke(FW_DATA_AREA, "written by a seed\n");
    open_path(fd_rw, 0, FW_P_NEW, WASI_OFLAG_CREAT | WASI_OFLAG_TRUNC, FW_R_FILE, 0);
    b(1, F_fd_write), fd_last(), iov(0, 18), out(1);
    b(1, F_fd_pwrite), fd_last(), iov(0, 7), u64(100), out(1);
    b(1, F_fd_filestat_set_size), fd_last(), u64(50);
    b(1, F_fd_allocate), fd_last(), u64(0), u64(200);
    b(1, F_fd_filestat_set_times), fd_last(), u64(1), u64(2), flags(WASI_FSTFLAG_ATIM | WASI_FSTFLAG_MTIM_NOW);
    b(1, F_fd_fdstat_set_flags), fd_last(), flags(WASI_FDFLAG_APPEND);
    b(1, F_fd_datasync), fd_last();
    b(1, F_fd_sync), fd_last();
    b(1, F_fd_fdstat_set_rights), fd_last(), rights(FW_R_READ), rights(FW_R_NONE);
    b(1, F_fd_renumber), fd_last(), fd_n(9);
    b(1, F_fd_write), fd_n(1), iov(0, 18), out(1);
    b(1, F_fd_write), fd_n(2), iov(0, 18), out(1);
    save(dir, "write_file");

    /* Directories: readdir on both preopens and an opened one, create, rename, remove. */
    b(1, 0);
    b(1, F_fd_readdir), fd_rw(), out(0), len(255), u64(0), out(255);
    b(1, F_fd_readdir), fd_ro(), out(0), len(200), u64(2), out(255);
    open_path(fd_rw, 1, FW_P_DIR, WASI_OFLAG_DIRECTORY, FW_R_DIR, 0);
    b(1, F_fd_readdir), fd_last(), out(0), len(100), u64(0), out(255);
    b(1, F_path_create_directory), fd_rw(), path(FW_P_NEW);
    b(1, F_path_rename), fd_rw(), path(FW_P_NEW), fd_rw(), path(FW_P_NEW2);
    b(1, F_path_remove_directory), fd_rw(), path(FW_P_NEW2);
    b(1, F_path_filestat_get), fd_rw(), flags(1), path(FW_P_NESTED), out(2);
    b(1, F_path_filestat_set_times), fd_rw(), flags(0), path(FW_P_DIR), u64(5), u64(6),
        flags(WASI_FSTFLAG_ATIM | WASI_FSTFLAG_MTIM);
    save(dir, "directories");

    /* Links: symlink, readlink, link, unlink. */
    b(1, 0);
    b(1, F_path_symlink), path(FW_P_FILE), fd_rw(), path(FW_P_NEW);
    b(1, F_path_readlink), fd_rw(), path(FW_P_NEW), out(0), len(64), out(255);
    b(1, F_path_readlink), fd_ro(), path(FW_P_LINK_IN), out(0), len(3), out(255);
    b(1, F_path_link), fd_rw(), flags(0), path(FW_P_FILE), fd_rw(), path(FW_P_NEW2);
    b(1, F_path_unlink_file), fd_rw(), path(FW_P_NEW);
    b(1, F_path_unlink_file), fd_rw(), path(FW_P_NEW2);
    save(dir, "links");

    /* Escapes and the read-only tree, in both path resolutions. */
    for (int portable = 0; portable <= 1; portable++) {
        b(1, portable);
        for (int index = 0; index < (int)FW_PATH_COUNT; index += 3) {
            open_path(index % 2 ? fd_rw : fd_ro, index % 4 == 0, index, index % 5 == 0 ? WASI_OFLAG_CREAT : 0,
                      index % 3 ? FW_R_FILE : FW_R_READ, 0);
        }
        b(1, F_path_create_directory), fd_ro(), path(FW_P_NEW);
        b(1, F_path_unlink_file), fd_ro(), path(FW_P_FILE);
        b(1, F_path_rename), fd_ro(), path(FW_P_FILE), fd_rw(), path(FW_P_NEW);
        b(1, F_path_symlink), path(29), fd_rw(), path(FW_P_NEW);
        open_path(fd_rw, 1, FW_P_NEW, WASI_OFLAG_CREAT, FW_R_FILE, 0);
        save(dir, portable ? "escapes_portable" : "escapes");
    }

    /* Everything else: args, environ, clocks, random, prestat, poll, sockets, yield, exit. */
    b(1, 0);
    b(1, F_args_sizes_get), out(0), out(1);
    b(1, F_args_get), out(2), b(2, FW_PTR_U16, 0), b(1, 0x10);
    b(1, F_environ_sizes_get), out(0), out(1);
    b(1, F_environ_get), out(2), b(2, FW_PTR_U16, 0), b(1, 0x10);
    b(1, F_clock_res_get), flags(1), out(0);
    b(1, F_clock_time_get), flags(0), u64(1), out(0);
    b(1, F_random_get), out(0), len(32);
    b(1, F_fd_prestat_get), fd_rw(), out(0);
    b(1, F_fd_prestat_dir_name), fd_ro(), out(1), len(3);
    /* Two subscriptions: a 10 us monotonic clock, stdin readable. */
    b(1, F_poll_oneoff), b(2, 1, 1), b(8, 0, 0, 0, 0, 0, 0, 0, 0), b(4, WASI_EVENT_CLOCK, 1, 10, 0);
    b(8, 1, 0, 0, 0, 0, 0, 0, 0), b(1, WASI_EVENT_FD_READ), fd_n(0), out(255);
    b(1, F_sched_yield);
    b(1, F_sock_send), fd_n(1), iov(0, 1), flags(0), out(0);
    b(1, F_sock_shutdown), fd_n(100), flags(0);
    b(1, F_proc_raise), b(4, 9, 0, 0, 0);
    b(1, F_proc_exit), b(4, 3, 0, 0, 0);
    save(dir, "misc");
    return failed;
}
