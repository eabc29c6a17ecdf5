/* paths.c: the path_* functions inside a preopened directory: every oflag and fdflag of
 * path_open, directories (never opened for writing), links, renames, attributes, and the error
 * paths (ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY, EBADF, ENOTCAPABLE, ELOOP, ENAMETOOLONG).
 * Run with --dir SCRATCH/sandbox::/sandbox. */
#include "wasi_test.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

static __wasi_fd_t root;

static __wasi_errno_t open_flags(const char *path, __wasi_lookupflags_t lookup, __wasi_oflags_t oflags,
                                 __wasi_fdflags_t fdflags, __wasi_fd_t *fd)
{
    __wasi_rights_t rights = inheriting_rights(root);
    /* A directory is opened without the rights for writing (see directory_for_writing). */
    __wasi_rights_t base = (oflags & __WASI_OFLAGS_DIRECTORY) ? rights & ~(__wasi_rights_t)OPEN_WRITE_RIGHTS : rights;
    return __wasi_path_open(root, lookup, path, oflags, base, rights, fdflags, fd);
}

static __wasi_errno_t try_open(const char *path, __wasi_lookupflags_t lookup, __wasi_oflags_t oflags)
{
    __wasi_fd_t fd;
    __wasi_errno_t error = open_flags(path, lookup, oflags, 0, &fd);
    if (error == 0)
        __wasi_fd_close(fd);
    return error;
}

static __wasi_filestat_t stat_of(const char *path, __wasi_lookupflags_t lookup)
{
    __wasi_filestat_t st;
    memset(&st, 0, sizeof st);
    CHECK_OK(__wasi_path_filestat_get(root, lookup, path, &st));
    return st;
}

static void open_flags_test(void)
{
    __wasi_fd_t fd;
    CHECK_ERRNO(try_open("missing.txt", FOLLOW, 0), __WASI_ERRNO_NOENT);
    CHECK_OK(try_open("new.txt", FOLLOW, __WASI_OFLAGS_CREAT));
    CHECK_OK(try_open("new.txt", FOLLOW, __WASI_OFLAGS_CREAT)); /* exists: fine without EXCL */
    CHECK_ERRNO(try_open("new.txt", FOLLOW, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL), __WASI_ERRNO_EXIST);
    CHECK_OK(try_open("excl.txt", FOLLOW, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL));
    CHECK_OK(write_file_at(root, "trunc.txt", "some text\n"));
    CHECK_OK(try_open("trunc.txt", FOLLOW, __WASI_OFLAGS_TRUNC));
    CHECK(stat_of("trunc.txt", 0).size == 0);
    CHECK_ERRNO(try_open("new.txt", FOLLOW, __WASI_OFLAGS_DIRECTORY), __WASI_ERRNO_NOTDIR);
    CHECK_OK(__wasi_path_create_directory(root, "dir"));
    CHECK_OK(try_open("dir", FOLLOW, __WASI_OFLAGS_DIRECTORY));
    CHECK_OK(try_open(".", FOLLOW, __WASI_OFLAGS_DIRECTORY));
    CHECK_OK(try_open("dir/..", FOLLOW, __WASI_OFLAGS_DIRECTORY));
    CHECK_ERRNO(try_open("dir", FOLLOW, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_DIRECTORY), __WASI_ERRNO_INVAL);
    CHECK_ERRNO(try_open("x", FOLLOW, 0x10), __WASI_ERRNO_INVAL);
    CHECK_ERRNO(try_open("new.txt/x", FOLLOW, 0), __WASI_ERRNO_NOTDIR);
    CHECK_ERRNO(try_open("new.txt/", FOLLOW, 0), __WASI_ERRNO_NOTDIR);
    CHECK_ERRNO(try_open("", FOLLOW, 0), __WASI_ERRNO_NOENT);
    CHECK_ERRNO(try_open("missing_dir/x", FOLLOW, __WASI_OFLAGS_CREAT), __WASI_ERRNO_NOENT);
    /* Opening a directory for writing. */
    __wasi_fd_t dir_fd;
    CHECK_ERRNO(__wasi_path_open(root, 0, "dir", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &dir_fd), __WASI_ERRNO_ISDIR);

    /* Every fdflag. */
    static const __wasi_fdflags_t fdflags[] = {__WASI_FDFLAGS_APPEND, __WASI_FDFLAGS_DSYNC, __WASI_FDFLAGS_NONBLOCK,
                                               __WASI_FDFLAGS_RSYNC, __WASI_FDFLAGS_SYNC};
    for (size_t i = 0; i < sizeof fdflags / sizeof fdflags[0]; i++) {
        CHECK_OK(open_flags("new.txt", FOLLOW, 0, fdflags[i], &fd));
        __wasi_fdstat_t stat;
        CHECK_OK(__wasi_fd_fdstat_get(fd, &stat));
        CHECK(stat.fs_flags == fdflags[i]);
        __wasi_size_t done;
        CHECK_OK(__wasi_fd_write(fd, &(__wasi_ciovec_t){(const uint8_t *)"ab", 2}, 1, &done));
        CHECK_OK(__wasi_fd_close(fd));
    }
    CHECK(stat_of("new.txt", 0).size == 2); /* only APPEND's write went to the end... */
    CHECK_ERRNO(open_flags("new.txt", FOLLOW, 0, 0x20, &fd), __WASI_ERRNO_INVAL);

    /* Rights of the new descriptor: only what was asked, and never more than the directory passes on. */
    CHECK_OK(__wasi_path_open(root, 0, "new.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
    __wasi_fdstat_t stat;
    CHECK_OK(__wasi_fd_fdstat_get(fd, &stat));
    CHECK(stat.fs_rights_base == __WASI_RIGHTS_FD_READ);
    __wasi_size_t done;
    CHECK_ERRNO(__wasi_fd_write(fd, &(__wasi_ciovec_t){(const uint8_t *)"x", 1}, 1, &done), __WASI_ERRNO_NOTCAPABLE);
    CHECK_OK(__wasi_fd_close(fd));
    CHECK_ERRNO(__wasi_path_open(root, 0, "new.txt", 0, (__wasi_rights_t)1 << 40, 0, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
    /* A directory opened without PATH_CREATE_FILE cannot create through it. */
    __wasi_rights_t limited = inheriting_rights(root) & ~(__wasi_rights_t)__WASI_RIGHTS_PATH_CREATE_FILE;
    CHECK_OK(__wasi_path_open(root, 0, "dir", __WASI_OFLAGS_DIRECTORY, limited & ~(__wasi_rights_t)OPEN_WRITE_RIGHTS,
                              limited, 0, &dir_fd));
    CHECK_ERRNO(__wasi_path_open(dir_fd, 0, "f", __WASI_OFLAGS_CREAT, 0, 0, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERRNO(__wasi_path_open(dir_fd, 0, "f", 0, __WASI_RIGHTS_PATH_CREATE_FILE, 0, 0, &fd),
                __WASI_ERRNO_NOTCAPABLE);
    CHECK_OK(__wasi_fd_close(dir_fd));

    /* Bad directory descriptors. */
    CHECK_ERRNO(__wasi_path_open(99, 0, "new.txt", 0, 0, 0, 0, &fd), __WASI_ERRNO_BADF);
    CHECK_OK(open_flags("new.txt", 0, 0, 0, &fd));
    CHECK_ERRNO(__wasi_path_open(fd, 0, "x", 0, 0, 0, 0, &dir_fd), __WASI_ERRNO_NOTDIR);
    CHECK_ERRNO(__wasi_path_create_directory(fd, "x"), __WASI_ERRNO_NOTDIR);
    CHECK_OK(__wasi_fd_close(fd));
    /* Too long. */
    static char long_path[5000];
    memset(long_path, 'a', sizeof long_path - 1);
    CHECK_ERRNO(try_open(long_path, FOLLOW, 0), __WASI_ERRNO_NAMETOOLONG);
    CHECK_ERRNO(__wasi_path_create_directory(root, long_path), __WASI_ERRNO_NAMETOOLONG);
    long_path[300] = '\0';
    CHECK_ERRNO(try_open(long_path, FOLLOW, __WASI_OFLAGS_CREAT), __WASI_ERRNO_NAMETOOLONG); /* NAME_MAX */
}

static void directories(void)
{
    CHECK_OK(__wasi_path_create_directory(root, "d"));
    CHECK_ERRNO(__wasi_path_create_directory(root, "d"), __WASI_ERRNO_EXIST);
    CHECK_ERRNO(__wasi_path_create_directory(root, "new.txt"), __WASI_ERRNO_EXIST);
    CHECK_ERRNO(__wasi_path_create_directory(root, "nope/d"), __WASI_ERRNO_NOENT);
    CHECK_OK(__wasi_path_create_directory(root, "d/e/"));
    CHECK(stat_of("d/e", 0).filetype == __WASI_FILETYPE_DIRECTORY);
    CHECK_OK(write_file_at(root, "d/f", "f\n"));
    CHECK_ERRNO(__wasi_path_remove_directory(root, "d"), __WASI_ERRNO_NOTEMPTY);
    CHECK_ERRNO(__wasi_path_remove_directory(root, "d/f"), __WASI_ERRNO_NOTDIR);
    CHECK_ERRNO(__wasi_path_unlink_file(root, "d"), __WASI_ERRNO_ISDIR);
    CHECK_ERRNO(__wasi_path_unlink_file(root, "d/f/"), __WASI_ERRNO_NOTDIR);
    CHECK_ERRNO(__wasi_path_unlink_file(root, "d/missing"), __WASI_ERRNO_NOENT);
    CHECK_ERRNO(__wasi_path_remove_directory(root, "d/missing"), __WASI_ERRNO_NOENT);
    CHECK_ERRNO(__wasi_path_remove_directory(root, "."), __WASI_ERRNO_INVAL);
    CHECK_OK(__wasi_path_remove_directory(root, "d/e/"));
    CHECK_OK(__wasi_path_unlink_file(root, "d/f"));
    CHECK_OK(__wasi_path_remove_directory(root, "d"));
    CHECK_ERRNO(__wasi_path_remove_directory(root, "d"), __WASI_ERRNO_NOENT);
    __wasi_filestat_t st;
    CHECK_ERRNO(__wasi_path_filestat_get(root, 0, "d", &st), __WASI_ERRNO_NOENT);
    CHECK_ERRNO(__wasi_path_filestat_get(root, 0, "new.txt/", &st), __WASI_ERRNO_NOTDIR);
}

/* A directory asked for with a right for writing (FD_WRITE, FD_DATASYNC, FD_ALLOCATE,
 * FD_FILESTAT_SET_SIZE) or APPEND fails with EISDIR, with OFLAGS_DIRECTORY or without, as in the
 * WASI testsuite's path_open_preopen; without them it opens, as wasi-libc's opendir and
 * open(O_RDONLY | O_DIRECTORY) ask. */
static void directory_for_writing(void)
{
    __wasi_fdstat_t preopen;
    CHECK_OK(__wasi_fd_fdstat_get(root, &preopen));
    __wasi_rights_t all = preopen.fs_rights_inheriting;
    CHECK((all & OPEN_WRITE_RIGHTS) == OPEN_WRITE_RIGHTS);
    __wasi_fd_t fd;
    /* path_open_preopen, step by step. */
    CHECK_OK(__wasi_path_open(root, 0, ".", 0, preopen.fs_rights_base, preopen.fs_rights_inheriting, 0, &fd));
    CHECK_OK(__wasi_fd_close(fd));
    CHECK_OK(__wasi_path_open(root, 0, ".", 0, 0, 0, 0, &fd));
    CHECK_OK(__wasi_fd_close(fd));
    CHECK_OK(__wasi_path_open(root, 0, ".", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd));
    CHECK_OK(__wasi_fd_close(fd));
    CHECK_OK(__wasi_path_open(root, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
    CHECK_OK(__wasi_fd_close(fd));
    CHECK_ERRNO(__wasi_path_open(root, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE,
                                 0, 0, &fd),
                __WASI_ERRNO_ISDIR);

    /* Each right for writing, alone or with everything else the directory passes on. */
    CHECK_OK(__wasi_path_create_directory(root, "wdir"));
    static const __wasi_rights_t writing[] = {__WASI_RIGHTS_FD_WRITE, __WASI_RIGHTS_FD_DATASYNC,
                                              __WASI_RIGHTS_FD_ALLOCATE, __WASI_RIGHTS_FD_FILESTAT_SET_SIZE};
    static const __wasi_oflags_t oflags[] = {0, __WASI_OFLAGS_DIRECTORY};
    for (size_t i = 0; i < sizeof writing / sizeof writing[0]; i++) {
        for (size_t j = 0; j < 2; j++) {
            CHECK_ERRNO(__wasi_path_open(root, FOLLOW, "wdir", oflags[j], writing[i], 0, 0, &fd), __WASI_ERRNO_ISDIR);
            __wasi_rights_t base = (all & ~(__wasi_rights_t)OPEN_WRITE_RIGHTS) | writing[i];
            CHECK_ERRNO(__wasi_path_open(root, FOLLOW, "wdir", oflags[j], base, all, 0, &fd), __WASI_ERRNO_ISDIR);
        }
    }
    CHECK_ERRNO(__wasi_path_open(root, FOLLOW, "wdir", __WASI_OFLAGS_DIRECTORY, all, all, 0, &fd), __WASI_ERRNO_ISDIR);
    CHECK_ERRNO(__wasi_path_open(root, FOLLOW, "wdir", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0,
                                 __WASI_FDFLAGS_APPEND, &fd),
                __WASI_ERRNO_ISDIR);
    /* A file asked for as a directory is ENOTDIR, rights for writing or not. */
    CHECK_ERRNO(__wasi_path_open(root, FOLLOW, "new.txt", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd),
                __WASI_ERRNO_NOTDIR);

    /* Everything else: the rights a directory cannot use (FD_READ, FD_SEEK, ...) are dropped, the
     * inheriting ones kept, so that files beneath it can still be opened for writing. */
    CHECK_OK(__wasi_path_open(root, FOLLOW, "wdir", __WASI_OFLAGS_DIRECTORY, all & ~(__wasi_rights_t)OPEN_WRITE_RIGHTS,
                              all, 0, &fd));
    __wasi_fdstat_t stat;
    CHECK_OK(__wasi_fd_fdstat_get(fd, &stat));
    CHECK(stat.fs_filetype == __WASI_FILETYPE_DIRECTORY);
    CHECK((stat.fs_rights_base & (OPEN_WRITE_RIGHTS | __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK)) == 0);
    CHECK(stat.fs_rights_base & __WASI_RIGHTS_FD_READDIR);
    CHECK(stat.fs_rights_inheriting == all);
    CHECK_OK(write_file_at(fd, "inner.txt", "inner\n"));
    CHECK_OK(__wasi_fd_close(fd));

    /* The same through wasi-libc. */
    int dir = open("/sandbox/wdir", O_RDONLY | O_DIRECTORY);
    CHECK(dir >= 0);
    int file = openat(dir, "inner.txt", O_WRONLY | O_APPEND);
    CHECK(file >= 0 && write(file, "more\n", 5) == 5);
    close(file);
    close(dir);
    dir = open("/sandbox/wdir", O_RDONLY);
    CHECK(dir >= 0);
    close(dir);
    DIR *stream = opendir("/sandbox/wdir");
    CHECK(stream != NULL);
    if (stream)
        closedir(stream);
    errno = 0;
    CHECK(open("/sandbox/wdir", O_RDWR | O_DIRECTORY) < 0 && errno == EISDIR);
    CHECK(open("/sandbox/wdir", O_WRONLY) < 0 && errno == EISDIR);
    CHECK(fopen("/sandbox/wdir", "r+") == NULL && errno == EISDIR);
    CHECK(stat_of("wdir/inner.txt", 0).size == 11);
    CHECK_OK(__wasi_path_unlink_file(root, "wdir/inner.txt"));
    CHECK_OK(__wasi_path_remove_directory(root, "wdir"));
}

static void links_and_renames(void)
{
    __wasi_filestat_t st;
    CHECK_OK(write_file_at(root, "orig.txt", "original\n"));
    /* Hard links. */
    CHECK_OK(__wasi_path_link(root, 0, "orig.txt", root, "hard.txt"));
    CHECK(stat_of("orig.txt", 0).nlink == 2);
    CHECK(stat_of("hard.txt", 0).ino == stat_of("orig.txt", 0).ino);
    CHECK_ERRNO(__wasi_path_link(root, 0, "orig.txt", root, "hard.txt"), __WASI_ERRNO_EXIST);
    CHECK_ERRNO(__wasi_path_link(root, 0, "missing", root, "hard2.txt"), __WASI_ERRNO_NOENT);
    CHECK_ERRNO(__wasi_path_link(root, 0, "dir", root, "dirlink"), __WASI_ERRNO_PERM);
    CHECK_ERRNO(__wasi_path_link(root, 0, "orig.txt", root, "newname/"), __WASI_ERRNO_NOENT);
    CHECK_ERRNO(__wasi_path_link(99, 0, "orig.txt", root, "x"), __WASI_ERRNO_BADF);

    /* Symbolic links. */
    CHECK_OK(__wasi_path_symlink("orig.txt", root, "sym"));
    CHECK_ERRNO(__wasi_path_symlink("orig.txt", root, "sym"), __WASI_ERRNO_EXIST);
    CHECK_ERRNO(__wasi_path_symlink("orig.txt", root, "newsym/"), __WASI_ERRNO_NOENT);
    CHECK_ERRNO(__wasi_path_symlink("orig.txt", root, "orig.txt/"), __WASI_ERRNO_EXIST);
    CHECK_ERRNO(__wasi_path_symlink("", root, "empty"), __WASI_ERRNO_NOENT);
    uint8_t buf[64];
    __wasi_size_t used;
    CHECK_OK(__wasi_path_readlink(root, "sym", buf, sizeof buf, &used));
    CHECK(used == 8 && memcmp(buf, "orig.txt", 8) == 0);
    CHECK_OK(__wasi_path_readlink(root, "sym", buf, 4, &used)); /* cut to the buffer */
    CHECK(used == 4 && memcmp(buf, "orig", 4) == 0);
    CHECK_ERRNO(__wasi_path_readlink(root, "orig.txt", buf, sizeof buf, &used), __WASI_ERRNO_INVAL);
    CHECK_ERRNO(__wasi_path_readlink(root, "missing", buf, sizeof buf, &used), __WASI_ERRNO_NOENT);
    CHECK(stat_of("sym", 0).filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
    CHECK(stat_of("sym", FOLLOW).filetype == __WASI_FILETYPE_REGULAR_FILE);
    CHECK(stat_of("sym", FOLLOW).ino == stat_of("orig.txt", 0).ino);
    CHECK_OK(try_open("sym", FOLLOW, 0));
    CHECK_ERRNO(try_open("sym", 0, 0), __WASI_ERRNO_LOOP);
    /* Following a dangling link with CREAT creates its target (inside). */
    CHECK_OK(__wasi_path_symlink("created_through_link.txt", root, "dangling"));
    CHECK_OK(try_open("dangling", FOLLOW, __WASI_OFLAGS_CREAT));
    CHECK(stat_of("created_through_link.txt", 0).filetype == __WASI_FILETYPE_REGULAR_FILE);
    /* A link to a directory works as a path component; link with follow links the target. */
    CHECK_OK(__wasi_path_symlink("dir", root, "dirsym"));
    CHECK_OK(write_file_at(root, "dirsym/through.txt", "x\n"));
    CHECK(stat_of("dir/through.txt", 0).size == 2);
    CHECK_ERRNO(__wasi_path_remove_directory(root, "dirsym/"), __WASI_ERRNO_NOTDIR);
    CHECK_OK(__wasi_path_link(root, FOLLOW, "sym", root, "hard_followed.txt"));
    CHECK(stat_of("hard_followed.txt", 0).ino == stat_of("orig.txt", 0).ino);
    CHECK_OK(__wasi_path_link(root, 0, "sym", root, "hard_to_link"));
    CHECK(stat_of("hard_to_link", 0).filetype == __WASI_FILETYPE_SYMBOLIC_LINK);

    /* Renames. */
    CHECK_OK(__wasi_path_rename(root, "hard.txt", root, "renamed.txt"));
    CHECK_ERRNO(__wasi_path_filestat_get(root, 0, "hard.txt", &st), __WASI_ERRNO_NOENT);
    CHECK_OK(write_file_at(root, "victim.txt", "victim\n"));
    CHECK_OK(__wasi_path_rename(root, "renamed.txt", root, "victim.txt")); /* replaces */
    CHECK(stat_of("victim.txt", 0).size == 9);
    CHECK_ERRNO(__wasi_path_rename(root, "missing", root, "x"), __WASI_ERRNO_NOENT);
    CHECK_ERRNO(__wasi_path_rename(root, "victim.txt", root, "dir"), __WASI_ERRNO_ISDIR);
    CHECK_ERRNO(__wasi_path_rename(root, "victim.txt", root, "other/"), __WASI_ERRNO_NOTDIR);
    CHECK_ERRNO(__wasi_path_rename(root, "victim.txt/", root, "other"), __WASI_ERRNO_NOTDIR);
    CHECK_OK(__wasi_path_create_directory(root, "full"));
    CHECK_OK(write_file_at(root, "full/x", "x\n"));
    CHECK_OK(__wasi_path_create_directory(root, "empty_dir"));
    CHECK_ERRNO(__wasi_path_rename(root, "empty_dir", root, "full"), __WASI_ERRNO_NOTEMPTY);
    CHECK_OK(__wasi_path_rename(root, "empty_dir", root, "moved_dir/"));
    CHECK_ERRNO(__wasi_path_rename(root, "dir", root, "dir/inside"), __WASI_ERRNO_INVAL);

    /* Times by path, following or not. */
    CHECK_OK(__wasi_path_filestat_set_times(root, 0, "orig.txt", 5000000000ull, 7000000000ull,
                                            __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    st = stat_of("orig.txt", 0);
    CHECK(st.atim == 5000000000ull && st.mtim == 7000000000ull);
    CHECK_OK(__wasi_path_filestat_set_times(root, FOLLOW, "sym", 0, 9000000000ull, __WASI_FSTFLAGS_MTIM));
    CHECK(stat_of("orig.txt", 0).mtim == 9000000000ull);
    CHECK_OK(__wasi_path_filestat_set_times(root, 0, "sym", 0, 3000000000ull, __WASI_FSTFLAGS_MTIM));
    CHECK(stat_of("sym", 0).mtim == 3000000000ull);
    CHECK(stat_of("orig.txt", 0).mtim == 9000000000ull);
    CHECK_ERRNO(
        __wasi_path_filestat_set_times(root, 0, "orig.txt", 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
        __WASI_ERRNO_INVAL);
    CHECK_ERRNO(__wasi_path_filestat_set_times(root, 0, "missing", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_NOENT);
    CHECK_OK(__wasi_path_filestat_set_times(root, 0, "dir", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    CHECK_OK(__wasi_path_filestat_set_times(root, 0, ".", 0, 0, __WASI_FSTFLAGS_ATIM_NOW));

    /* Unlinking a link removes the link only. */
    CHECK_OK(__wasi_path_unlink_file(root, "sym"));
    CHECK(stat_of("orig.txt", 0).filetype == __WASI_FILETYPE_REGULAR_FILE);
}

static void libc_layer(void)
{
    /* wasi-libc's POSIX functions on top of the same calls. */
    FILE *file = fopen("/sandbox/libc.txt", "w+");
    CHECK(file != NULL);
    if (file) {
        CHECK(fprintf(file, "line %d\n", 42) == 8);
        rewind(file);
        char line[32] = "";
        CHECK(fgets(line, sizeof line, file) && strcmp(line, "line 42\n") == 0);
        fclose(file);
    }
    CHECK(rename("/sandbox/libc.txt", "/sandbox/libc2.txt") == 0);
    CHECK(remove("/sandbox/libc2.txt") == 0);
    CHECK(fopen("/sandbox/libc2.txt", "r") == NULL && errno == ENOENT);
}

int main(void)
{
    root = (__wasi_fd_t)preopen_fd("/sandbox");
    CHECK((int)root >= 3);
    open_flags_test();
    directories();
    directory_for_writing();
    links_and_renames();
    libc_layer();
    return checks_done("paths");
}
