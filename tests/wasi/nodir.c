/* nodir.c: a guest given no --dir sees no files at all. */
#include "wasi_test.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    __wasi_prestat_t prestat;
    for (__wasi_fd_t fd = 3; fd < 16; fd++)
        CHECK_ERRNO(__wasi_fd_prestat_get(fd, &prestat), __WASI_ERRNO_BADF);
    __wasi_fdstat_t fdstat;
    CHECK_ERRNO(__wasi_fd_fdstat_get(3, &fdstat), __WASI_ERRNO_BADF);

    CHECK(fopen("/etc/passwd", "r") == NULL);
    CHECK(fopen("file.txt", "w") == NULL);
    CHECK(fopen("/", "r") == NULL);
    CHECK(opendir(".") == NULL);
    CHECK(opendir("/") == NULL);
    CHECK(mkdir("/tmp/wasmhost-nodir", 0777) < 0);
    struct stat st;
    CHECK(stat("/", &st) < 0);

    /* stdio are not directories: no path can be opened through them. */
    __wasi_fd_t fd;
    for (__wasi_fd_t std = 0; std < 3; std++)
        CHECK_ERRNO(__wasi_path_open(std, 0, "etc/passwd", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOTDIR);
    CHECK_ERRNO(__wasi_path_open(3, 0, "etc/passwd", 0, 0, 0, 0, &fd), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_path_create_directory(3, "x"), __WASI_ERRNO_BADF);

    __wasi_size_t count, size;
    CHECK_OK(__wasi_environ_sizes_get(&count, &size));
    CHECK(count == 0 && size == 0);
    CHECK_OK(__wasi_args_sizes_get(&count, &size));
    CHECK(count == 1);
    return checks_done("nodir");
}
