/* wasi_test.h: shared by the WASI test programs (wasm32-wasi): CHECK_ERRNO, CHECK_OK, preopens, path_open helpers. */
#ifndef WASI_TEST_H
#define WASI_TEST_H

/* Most checks of these programs follow a libc call: each failure also shows errno. */
#define CHECK_PRINT_ERRNO
#include "check.h" /* tests/check.h: CHECK and checks_done */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

/* A __wasi_* call must return exactly `expected` (a __WASI_ERRNO_* value). */
#define CHECK_ERRNO(call, expected)                                                            \
    do {                                                                                       \
        __wasi_errno_t wasi_returned = (call), wasi_expected = (expected);                     \
        CHECK(wasi_returned == wasi_expected, "%s returned errno %u, expected %u (%s)", #call, \
              (unsigned)wasi_returned, (unsigned)wasi_expected, #expected);                    \
    } while (0)

#define CHECK_OK(call) CHECK_ERRNO(call, __WASI_ERRNO_SUCCESS)

/* The descriptor of the preopened directory named `name`, or -1. */
static inline int preopen_fd(const char *name)
{
    for (__wasi_fd_t fd = 3; fd < 64; fd++) {
        __wasi_prestat_t prestat;
        if (__wasi_fd_prestat_get(fd, &prestat) != __WASI_ERRNO_SUCCESS)
            continue;
        char buffer[256];
        size_t length = prestat.u.dir.pr_name_len;
        if (length >= sizeof buffer || __wasi_fd_prestat_dir_name(fd, (uint8_t *)buffer, length) != 0)
            continue;
        buffer[length] = '\0';
        if (strcmp(buffer, name) == 0)
            return (int)fd;
    }
    return -1;
}

/* Rights a test asks for when opening through a directory: everything the directory passes on. */
static inline __wasi_rights_t inheriting_rights(__wasi_fd_t dir)
{
    __wasi_fdstat_t stat;
    if (__wasi_fd_fdstat_get(dir, &stat) != 0)
        return 0;
    return stat.fs_rights_inheriting;
}

/* path_open with follow, all inherited rights (for files: a directory needs open_dir_at). */
static inline __wasi_errno_t open_at(__wasi_fd_t dir, const char *path, __wasi_oflags_t oflags,
                                     __wasi_fdflags_t fdflags, __wasi_fd_t *fd)
{
    __wasi_rights_t rights = inheriting_rights(dir);
    return __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, rights, rights, fdflags, fd);
}

/* The rights wasi-libc asks for when it opens for writing (O_WRONLY, O_RDWR) and leaves out for
 * O_RDONLY. path_open refuses a directory with any of them in fs_rights_base (EISDIR), and a
 * read-only tree any open that asks for one (ENOTCAPABLE). */
#define OPEN_WRITE_RIGHTS                                                             \
    (__WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ALLOCATE | \
     __WASI_RIGHTS_FD_FILESTAT_SET_SIZE)

/* path_open of a directory with follow, as wasi-libc's opendir does it: all inherited rights but
 * those for writing, and all of them to pass on. */
static inline __wasi_errno_t open_dir_at(__wasi_fd_t dir, const char *path, __wasi_fd_t *fd)
{
    __wasi_rights_t rights = inheriting_rights(dir);
    return __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, __WASI_OFLAGS_DIRECTORY,
                            rights & ~(__wasi_rights_t)OPEN_WRITE_RIGHTS, rights, 0, fd);
}

/* Writes a whole string to a new file `path` beneath dir. */
static inline __wasi_errno_t write_file_at(__wasi_fd_t dir, const char *path, const char *text)
{
    __wasi_fd_t fd;
    __wasi_errno_t error = open_at(dir, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, 0, &fd);
    if (error)
        return error;
    __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
    __wasi_size_t written;
    error = __wasi_fd_write(fd, &iov, 1, &written);
    __wasi_errno_t close_error = __wasi_fd_close(fd);
    return error ? error : close_error;
}

#endif
