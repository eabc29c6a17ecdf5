/* sock_misc.c: the socket functions (no sockets are ever given: ENOTSOCK or EBADF), and stdio
 * descriptors' attributes. */
#include "wasi_test.h"

int main(void)
{
    __wasi_fd_t fd;
    __wasi_size_t size;
    __wasi_roflags_t roflags;
    uint8_t buffer[8];
    __wasi_iovec_t iov = {buffer, sizeof buffer};
    __wasi_ciovec_t ciov = {buffer, sizeof buffer};
    CHECK_ERRNO(__wasi_sock_accept(0, 0, &fd), __WASI_ERRNO_NOTSOCK);
    CHECK_ERRNO(__wasi_sock_accept(42, 0, &fd), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_sock_recv(0, &iov, 1, 0, &size, &roflags), __WASI_ERRNO_NOTSOCK);
    CHECK_ERRNO(__wasi_sock_recv(42, &iov, 1, 0, &size, &roflags), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_sock_send(1, &ciov, 1, 0, &size), __WASI_ERRNO_NOTSOCK);
    CHECK_ERRNO(__wasi_sock_send(42, &ciov, 1, 0, &size), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_sock_shutdown(2, __WASI_SDFLAGS_RD), __WASI_ERRNO_NOTSOCK);
    CHECK_ERRNO(__wasi_sock_shutdown(42, __WASI_SDFLAGS_WR), __WASI_ERRNO_BADF);
    CHECK_OK(__wasi_sched_yield());

    /* stdio: readable stdin, writable stdout and stderr, not seekable when they are pipes. */
    __wasi_fdstat_t stat;
    CHECK_OK(__wasi_fd_fdstat_get(0, &stat));
    CHECK(stat.fs_rights_base & __WASI_RIGHTS_FD_READ);
    CHECK(!(stat.fs_rights_base & __WASI_RIGHTS_FD_WRITE));
    CHECK_OK(__wasi_fd_fdstat_get(2, &stat));
    CHECK(stat.fs_rights_base & __WASI_RIGHTS_FD_WRITE);
    CHECK(!(stat.fs_rights_base & __WASI_RIGHTS_FD_READ));
    __wasi_filestat_t st;
    CHECK_OK(__wasi_fd_filestat_get(1, &st));
    /* Moving stdout elsewhere and back. */
    CHECK_OK(__wasi_fd_renumber(1, 2)); /* stderr is now what stdout was */
    CHECK_ERRNO(__wasi_fd_fdstat_get(1, &stat), __WASI_ERRNO_BADF);
    const char *text = "to stdout through fd 2\n";
    CHECK_OK(__wasi_fd_write(2, &(__wasi_ciovec_t){(const uint8_t *)text, strlen(text)}, 1, &size));
    CHECK(size == strlen(text));
    printf("stdout is closed now\n");
    fflush(stdout);
    /* fd 2 is what stdout was: the summary goes there, not to the closed fd 1. */
    if (failures)
        return checks_done("sock_misc");
    fprintf(stderr, "sock_misc: all %d checks passed\n", atomic_load(&check_count));
    return 0;
}
