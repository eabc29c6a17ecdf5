/* fd_io.c: the fd_* functions on files: round trips, positions, flags, rights, attributes, and
 * their error paths. Run with --dir SCRATCH/sandbox::/sandbox. */
#include "wasi_test.h"

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

static __wasi_fd_t root;

static __wasi_errno_t write_all(__wasi_fd_t fd, const void *data, size_t size, __wasi_size_t *written)
{
    __wasi_ciovec_t iov = {data, size};
    return __wasi_fd_write(fd, &iov, 1, written);
}

static __wasi_errno_t read_some(__wasi_fd_t fd, void *data, size_t size, __wasi_size_t *got)
{
    __wasi_iovec_t iov = {data, size};
    return __wasi_fd_read(fd, &iov, 1, got);
}

static void round_trip(void)
{
    __wasi_fd_t fd;
    CHECK_OK(open_at(root, "data.bin", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, 0, &fd));
    /* 1 MiB of random bytes through three iovecs, read back through others. */
    size_t size = 1 << 20;
    uint8_t *data = malloc(size), *back = malloc(size);
    CHECK_OK(__wasi_random_get(data, size));
    __wasi_ciovec_t out[3] = {{data, 1000}, {data + 1000, 0}, {data + 1000, size - 1000}};
    __wasi_size_t done = 0, total = 0;
    while (total < size) {
        CHECK_OK(__wasi_fd_write(fd, out, 3, &done));
        CHECK(done == size); /* a regular file takes it all */
        total += done;
        if (done == 0)
            break;
    }
    __wasi_filesize_t position;
    CHECK_OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &position));
    CHECK(position == 0);
    __wasi_iovec_t in[2] = {{back, 12345}, {back + 12345, size - 12345}};
    total = 0;
    while (total < size) {
        __wasi_iovec_t rest[2] = {{back + total, size - total}, {back, 0}};
        CHECK_OK(__wasi_fd_read(fd, total ? rest : in, 2, &done));
        if (done == 0)
            break;
        total += done;
    }
    CHECK(total == size);
    CHECK(memcmp(data, back, size) == 0);
    CHECK_OK(read_some(fd, back, 10, &done));
    CHECK(done == 0); /* end of file */

    /* pread/pwrite do not move the position. */
    CHECK_OK(__wasi_fd_tell(fd, &position));
    CHECK(position == size);
    __wasi_ciovec_t patch = {(const uint8_t *)"PATCH", 5};
    CHECK_OK(__wasi_fd_pwrite(fd, &patch, 1, 100, &done));
    CHECK(done == 5);
    uint8_t five[5];
    __wasi_iovec_t five_iov = {five, 5};
    CHECK_OK(__wasi_fd_pread(fd, &five_iov, 1, 100, &done));
    CHECK(done == 5 && memcmp(five, "PATCH", 5) == 0);
    CHECK_OK(__wasi_fd_tell(fd, &position));
    CHECK(position == size);
    CHECK_OK(__wasi_fd_pread(fd, &five_iov, 1, size + 10, &done));
    CHECK(done == 0);

    /* Seeking. */
    CHECK_OK(__wasi_fd_seek(fd, -10, __WASI_WHENCE_END, &position));
    CHECK(position == size - 10);
    CHECK_OK(__wasi_fd_seek(fd, 4, __WASI_WHENCE_CUR, &position));
    CHECK(position == size - 6);
    CHECK_ERRNO(__wasi_fd_seek(fd, -1, __WASI_WHENCE_SET, &position), __WASI_ERRNO_INVAL);
    CHECK_ERRNO(__wasi_fd_seek(fd, 0, 3, &position), __WASI_ERRNO_INVAL);
    CHECK_OK(__wasi_fd_seek(fd, size + 100, __WASI_WHENCE_SET, &position)); /* past the end is allowed */

    /* Attributes. */
    __wasi_filestat_t st;
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK(st.filetype == __WASI_FILETYPE_REGULAR_FILE && st.size == size && st.nlink == 1);
    CHECK_OK(__wasi_fd_filestat_set_size(fd, 10));
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK(st.size == 10);
    CHECK_OK(__wasi_fd_filestat_set_size(fd, 5000));
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK(st.size == 5000);
    CHECK_OK(__wasi_fd_filestat_set_times(fd, 1000000000ull * 1000000, 2000000000ull * 1000000,
                                          __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK(st.atim == 1000000000ull * 1000000 && st.mtim == 2000000000ull * 1000000);
    CHECK_OK(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK(st.atim == 1000000000ull * 1000000 && st.mtim > 1600000000ull * 1000000000ull);
    CHECK_ERRNO(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
                __WASI_ERRNO_INVAL);
    CHECK_ERRNO(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW),
                __WASI_ERRNO_INVAL);

    /* Hints and synchronisation. */
    for (__wasi_advice_t advice = 0; advice <= __WASI_ADVICE_NOREUSE; advice++)
        CHECK_OK(__wasi_fd_advise(fd, 0, 100, advice));
    CHECK_ERRNO(__wasi_fd_advise(fd, 0, 100, 6), __WASI_ERRNO_INVAL);
    CHECK_OK(__wasi_fd_allocate(fd, 0, 65536));
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK(st.size == 65536);
    CHECK_OK(__wasi_fd_datasync(fd));
    CHECK_OK(__wasi_fd_sync(fd));
    CHECK_OK(__wasi_fd_close(fd));
    free(data);
    free(back);
}

static void append_and_flags(void)
{
    __wasi_fd_t fd;
    CHECK_OK(write_file_at(root, "append.txt", "one\n"));
    CHECK_OK(open_at(root, "append.txt", 0, __WASI_FDFLAGS_APPEND, &fd));
    __wasi_fdstat_t stat;
    CHECK_OK(__wasi_fd_fdstat_get(fd, &stat));
    CHECK(stat.fs_filetype == __WASI_FILETYPE_REGULAR_FILE);
    CHECK(stat.fs_flags == __WASI_FDFLAGS_APPEND);
    __wasi_size_t done;
    CHECK_OK(write_all(fd, "two\n", 4, &done));
    __wasi_filestat_t st;
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK(st.size == 8);
    /* Drop append: writes go at the position again. */
    CHECK_OK(__wasi_fd_fdstat_set_flags(fd, 0));
    CHECK_OK(__wasi_fd_fdstat_get(fd, &stat));
    CHECK(stat.fs_flags == 0);
    __wasi_filesize_t position;
    CHECK_OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &position));
    CHECK_OK(write_all(fd, "ONE\n", 4, &done));
    CHECK_OK(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_NONBLOCK));
    CHECK_OK(__wasi_fd_fdstat_get(fd, &stat));
    CHECK(stat.fs_flags == __WASI_FDFLAGS_NONBLOCK);
    CHECK_ERRNO(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC), __WASI_ERRNO_NOTSUP);
    CHECK_ERRNO(__wasi_fd_fdstat_set_flags(fd, 0x100), __WASI_ERRNO_INVAL);
    char text[16] = "";
    CHECK_OK(__wasi_fd_pread(fd, &(__wasi_iovec_t){(uint8_t *)text, sizeof text}, 1, 0, &done));
    CHECK(done == 8 && memcmp(text, "ONE\ntwo\n", 8) == 0);

    /* Dropping rights: what was dropped is refused, and cannot be taken back. */
    CHECK_OK(__wasi_fd_fdstat_set_rights(
        fd, stat.fs_rights_base & ~(__wasi_rights_t)(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_TELL),
        stat.fs_rights_inheriting));
    CHECK_ERRNO(write_all(fd, "x", 1, &done), __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERRNO(__wasi_fd_tell(fd, &position), __WASI_ERRNO_NOTCAPABLE);
    CHECK_OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_CUR, &position)); /* seek right still there */
    CHECK_ERRNO(__wasi_fd_fdstat_set_rights(fd, stat.fs_rights_base, stat.fs_rights_inheriting),
                __WASI_ERRNO_NOTCAPABLE);
    CHECK_OK(__wasi_fd_fdstat_set_rights(fd, 0, 0));
    CHECK_ERRNO(read_some(fd, text, 1, &done), __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERRNO(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &position), __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERRNO(__wasi_fd_filestat_get(fd, &st), __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERRNO(__wasi_fd_sync(fd), __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERRNO(__wasi_fd_advise(fd, 0, 0, 0), __WASI_ERRNO_NOTCAPABLE);
    CHECK_OK(__wasi_fd_close(fd));
}

static void descriptors(void)
{
    __wasi_fd_t a, b;
    CHECK_OK(write_file_at(root, "a.txt", "file a\n"));
    CHECK_OK(write_file_at(root, "b.txt", "file b\n"));
    CHECK_OK(open_at(root, "a.txt", 0, 0, &a));
    CHECK_OK(open_at(root, "b.txt", 0, 0, &b));
    CHECK_OK(__wasi_fd_renumber(a, b));
    char text[16] = "";
    __wasi_size_t done;
    CHECK_OK(read_some(b, text, sizeof text, &done));
    CHECK(done == 7 && memcmp(text, "file a\n", 7) == 0);
    CHECK_ERRNO(read_some(a, text, sizeof text, &done), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_fd_renumber(b, 999), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_fd_renumber(999, b), __WASI_ERRNO_BADF);
    CHECK_OK(__wasi_fd_renumber(b, b));
    CHECK_OK(__wasi_fd_close(b));
    CHECK_ERRNO(__wasi_fd_close(b), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_fd_close(12345), __WASI_ERRNO_BADF);
    __wasi_fdstat_t stat;
    CHECK_ERRNO(__wasi_fd_fdstat_get(b, &stat), __WASI_ERRNO_BADF);
    CHECK_ERRNO(write_all(b, "x", 1, &done), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_fd_sync(b), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_fd_seek(b, 0, 0, &(__wasi_filesize_t){0}), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_fd_filestat_set_size(b, 0), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_fd_allocate(b, 0, 1), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_fd_advise(b, 0, 1, 0), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_fd_datasync(b), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_fd_tell(b, &(__wasi_filesize_t){0}), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_fd_pread(b, &(__wasi_iovec_t){(uint8_t *)text, 1}, 1, 0, &done), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_fd_pwrite(b, &(__wasi_ciovec_t){(const uint8_t *)text, 1}, 1, 0, &done), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_fd_filestat_get(b, &(__wasi_filestat_t){0}), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_fd_filestat_set_times(b, 0, 0, 0), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_fd_fdstat_set_flags(b, 0), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_fd_fdstat_set_rights(b, 0, 0), __WASI_ERRNO_BADF);

    /* Operations that do not apply. */
    CHECK_ERRNO(read_some(root, text, 1, &done), __WASI_ERRNO_NOTCAPABLE); /* a directory has no read right */
    CHECK_ERRNO(write_all(0, "x", 1, &done), __WASI_ERRNO_NOTCAPABLE);     /* stdin is for reading */
    CHECK_ERRNO(read_some(1, text, 1, &done), __WASI_ERRNO_NOTCAPABLE);    /* stdout is for writing */
    CHECK_OK(open_at(root, "a.txt", 0, 0, &a));
    CHECK_ERRNO(__wasi_fd_readdir(a, (uint8_t *)text, sizeof text, 0, &done), __WASI_ERRNO_NOTCAPABLE);
    __wasi_prestat_t prestat;
    CHECK_ERRNO(__wasi_fd_prestat_get(a, &prestat), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_fd_prestat_get(0, &prestat), __WASI_ERRNO_BADF);
    CHECK_OK(__wasi_fd_close(a));

    /* The preopen's name. */
    CHECK_OK(__wasi_fd_prestat_get(root, &prestat));
    CHECK(prestat.tag == __WASI_PREOPENTYPE_DIR && prestat.u.dir.pr_name_len == 8);
    char name[16] = "";
    CHECK_ERRNO(__wasi_fd_prestat_dir_name(root, (uint8_t *)name, 7), __WASI_ERRNO_NAMETOOLONG);
    CHECK_OK(__wasi_fd_prestat_dir_name(root, (uint8_t *)name, 8));
    CHECK(memcmp(name, "/sandbox", 8) == 0);
    __wasi_fdstat_t root_stat;
    CHECK_OK(__wasi_fd_fdstat_get(root, &root_stat));
    CHECK(root_stat.fs_filetype == __WASI_FILETYPE_DIRECTORY);
    CHECK(root_stat.fs_rights_base & __WASI_RIGHTS_PATH_OPEN);
    CHECK(root_stat.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE);
    __wasi_filestat_t st;
    CHECK_OK(__wasi_fd_filestat_get(root, &st));
    CHECK(st.filetype == __WASI_FILETYPE_DIRECTORY);

    /* Too many descriptors: EMFILE, not unbounded growth. */
    __wasi_fd_t fds[1100];
    int opened = 0;
    __wasi_errno_t error = 0;
    while (opened < 1100 && (error = open_at(root, "a.txt", 0, 0, &fds[opened])) == 0)
        opened++;
    CHECK(error == __WASI_ERRNO_MFILE);
    CHECK(opened > 1000 && opened < 1100);
    for (int i = 0; i < opened; i++)
        __wasi_fd_close(fds[i]);
    CHECK_OK(open_at(root, "a.txt", 0, 0, &a));
    CHECK_OK(__wasi_fd_close(a));
}

int main(void)
{
    root = (__wasi_fd_t)preopen_fd("/sandbox");
    CHECK((int)root >= 3);
    round_trip();
    append_and_flags();
    descriptors();
    /* Closing a preopen is allowed; it is then gone. */
    CHECK_OK(__wasi_fd_close(root));
    __wasi_prestat_t prestat;
    CHECK_ERRNO(__wasi_fd_prestat_get(root, &prestat), __WASI_ERRNO_BADF);
    return checks_done("fd_io");
}
