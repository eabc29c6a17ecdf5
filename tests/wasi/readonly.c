/* readonly.c: a --dir-ro tree can be read but never changed.
 * Run with --dir-ro SCRATCH/ro::/ro --dir SCRATCH/sandbox::/sandbox; the fixture fills ro/ with
 * data.txt, sub/inner.txt and link -> data.txt, and the driver checks that ro/ is unchanged
 * (names, contents, modification times) after the run. */
#include "wasi_test.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

/* A refused change reports one of these (the spec allows any of them for a read-only tree). */
static int refused(__wasi_errno_t error)
{
    return error == __WASI_ERRNO_NOTCAPABLE || error == __WASI_ERRNO_ROFS || error == __WASI_ERRNO_PERM ||
           error == __WASI_ERRNO_ACCES;
}

static int refused_errno(void)
{
    return errno == ENOTCAPABLE || errno == EROFS || errno == EPERM || errno == EACCES || errno == EBADF;
}

#define CHECK_REFUSED(call)                                                                                        \
    do {                                                                                                           \
        __wasi_errno_t wasi_returned = (call);                                                                     \
        CHECK(refused(wasi_returned), "%s returned errno %u, expected a refusal", #call, (unsigned)wasi_returned); \
    } while (0)

static void reading_works(void)
{
    FILE *file = fopen("/ro/data.txt", "r");
    CHECK(file != NULL);
    char line[64] = "";
    if (file) {
        CHECK(fgets(line, sizeof line, file) != NULL);
        fclose(file);
    }
    CHECK(strcmp(line, "read only data\n") == 0);
    DIR *dir = opendir("/ro");
    CHECK(dir != NULL);
    int entries = 0;
    if (dir) {
        for (struct dirent *entry; (entry = readdir(dir)) != NULL;)
            entries++;
        closedir(dir);
    }
    CHECK(entries == 5); /* . .. data.txt sub link */
    struct stat st;
    CHECK(stat("/ro/sub/inner.txt", &st) == 0 && st.st_size == 6);
    char target[64];
    ssize_t n = readlink("/ro/link", target, sizeof target);
    CHECK(n == 8 && memcmp(target, "data.txt", 8) == 0);
}

static void libc_writes_refused(void)
{
    errno = 0;
    CHECK(fopen("/ro/new.txt", "w") == NULL && refused_errno());
    CHECK(fopen("/ro/data.txt", "w") == NULL && refused_errno());
    CHECK(fopen("/ro/data.txt", "a") == NULL && refused_errno());
    CHECK(open("/ro/data.txt", O_WRONLY | O_TRUNC) < 0 && refused_errno());
    CHECK(open("/ro/new.txt", O_WRONLY | O_CREAT, 0644) < 0 && refused_errno());
    /* Opening for writing is refused by path_open itself, not by the first write. */
    errno = 0;
    CHECK(open("/ro/data.txt", O_RDWR) < 0 && errno == ENOTCAPABLE);
    CHECK(open("/ro/data.txt", O_WRONLY) < 0 && errno == ENOTCAPABLE);
    CHECK(open("/ro/data.txt", O_WRONLY | O_APPEND) < 0 && errno == ENOTCAPABLE);
    CHECK(fopen("/ro/data.txt", "r+") == NULL && errno == ENOTCAPABLE);
    CHECK(open("/ro/sub", O_RDWR | O_DIRECTORY) < 0 && errno == ENOTCAPABLE);
    /* And through a directory opened inside the tree, where reading still works. */
    int dir = open("/ro/sub", O_RDONLY | O_DIRECTORY);
    CHECK(dir >= 0);
    CHECK(openat(dir, "inner.txt", O_RDWR) < 0 && errno == ENOTCAPABLE);
    CHECK(openat(dir, "inner.txt", O_WRONLY) < 0 && errno == ENOTCAPABLE);
    int fd = openat(dir, "inner.txt", O_RDONLY);
    char text[16] = "";
    CHECK(fd >= 0 && read(fd, text, sizeof text) == 6 && memcmp(text, "inner\n", 6) == 0);
    close(fd);
    close(dir);
    fd = open("/ro/data.txt", O_RDONLY);
    CHECK(fd >= 0);
    CHECK(write(fd, "X", 1) < 0);
    CHECK(ftruncate(fd, 0) < 0);
    struct timespec times[2] = {{0, 0}, {0, 0}};
    CHECK(futimens(fd, times) < 0);
    close(fd);
    CHECK(mkdir("/ro/newdir", 0777) < 0 && refused_errno());
    CHECK(rmdir("/ro/sub") < 0);
    CHECK(unlink("/ro/data.txt") < 0 && refused_errno());
    CHECK(unlink("/ro/link") < 0 && refused_errno());
    CHECK(rename("/ro/data.txt", "/ro/renamed.txt") < 0 && refused_errno());
    CHECK(rename("/ro/data.txt", "/sandbox/taken.txt") < 0);
    CHECK(rename("/sandbox/file.txt", "/ro/planted.txt") < 0);
    CHECK(link("/ro/data.txt", "/ro/hard") < 0 && refused_errno());
    CHECK(link("/ro/data.txt", "/sandbox/hard") < 0); /* would make a writable name for it */
    CHECK(link("/sandbox/file.txt", "/ro/hard") < 0);
    CHECK(symlink("data.txt", "/ro/newlink") < 0 && refused_errno());
    CHECK(truncate("/ro/data.txt", 0) < 0);
    CHECK(utimensat(AT_FDCWD, "/ro/data.txt", times, 0) < 0);
    CHECK(utimensat(AT_FDCWD, "/ro/link", times, AT_SYMLINK_NOFOLLOW) < 0);
}

static void raw_writes_refused(void)
{
    __wasi_fd_t ro = (__wasi_fd_t)preopen_fd("/ro");
    CHECK((int)ro >= 3);
    __wasi_fdstat_t stat;
    CHECK_OK(__wasi_fd_fdstat_get(ro, &stat));
    const __wasi_rights_t write_rights = __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_PATH_CREATE_FILE |
                                         __WASI_RIGHTS_PATH_CREATE_DIRECTORY | __WASI_RIGHTS_PATH_UNLINK_FILE |
                                         __WASI_RIGHTS_PATH_RENAME_SOURCE | __WASI_RIGHTS_PATH_LINK_SOURCE |
                                         __WASI_RIGHTS_PATH_SYMLINK | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE;
    CHECK((stat.fs_rights_base & write_rights) == 0);
    /* The rights for writing are passed on only so that wasi-libc's O_WRONLY and O_RDWR ask for
     * them, and path_open refuses them; no other write right is. */
    CHECK((stat.fs_rights_inheriting & OPEN_WRITE_RIGHTS) == OPEN_WRITE_RIGHTS);
    CHECK((stat.fs_rights_inheriting & write_rights & ~(__wasi_rights_t)OPEN_WRITE_RIGHTS) == 0);
    CHECK(stat.fs_rights_base & __WASI_RIGHTS_PATH_OPEN);
    /* Rights cannot be gained back. */
    CHECK_ERRNO(__wasi_fd_fdstat_set_rights(ro, stat.fs_rights_base | __WASI_RIGHTS_PATH_CREATE_FILE,
                                            stat.fs_rights_inheriting),
                __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERRNO(__wasi_fd_fdstat_set_rights(ro, stat.fs_rights_base, stat.fs_rights_inheriting | __WASI_RIGHTS_FD_SYNC),
                __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERRNO(
        __wasi_fd_fdstat_set_rights(ro, stat.fs_rights_base | __WASI_RIGHTS_FD_WRITE, stat.fs_rights_inheriting),
        __WASI_ERRNO_NOTCAPABLE);

    __wasi_fd_t fd;
    CHECK_REFUSED(__wasi_path_open(ro, FOLLOW, "data.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd));
    CHECK_REFUSED(__wasi_path_open(ro, FOLLOW, "data.txt", 0, __WASI_RIGHTS_FD_READ, 0, __WASI_FDFLAGS_APPEND, &fd));
    CHECK_REFUSED(__wasi_path_open(ro, FOLLOW, "data.txt", __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
    CHECK_REFUSED(__wasi_path_open(ro, FOLLOW, "new.txt", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
    CHECK_REFUSED(__wasi_path_open(ro, FOLLOW, "link", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, 0, 0, 0, &fd));
    CHECK_REFUSED(__wasi_path_create_directory(ro, "newdir"));
    CHECK_REFUSED(__wasi_path_remove_directory(ro, "sub"));
    CHECK_REFUSED(__wasi_path_unlink_file(ro, "data.txt"));
    CHECK_REFUSED(__wasi_path_rename(ro, "data.txt", ro, "x.txt"));
    CHECK_REFUSED(__wasi_path_link(ro, 0, "data.txt", ro, "hard"));
    CHECK_REFUSED(__wasi_path_symlink("data.txt", ro, "newlink"));
    CHECK_REFUSED(__wasi_path_filestat_set_times(ro, FOLLOW, "data.txt", 0, 0, __WASI_FSTFLAGS_MTIM));
    CHECK_REFUSED(__wasi_path_filestat_set_times(ro, 0, "link", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    CHECK_REFUSED(__wasi_fd_filestat_set_times(ro, 0, 0, __WASI_FSTFLAGS_MTIM));

    /* Every write right in fs_rights_base is refused by path_open with ENOTCAPABLE, alone or as
     * wasi-libc asks for O_RDWR (everything passed on) and O_WRONLY (all but FD_READ and
     * FD_READDIR); a directory too. */
    static const __wasi_rights_t write_base[] = {__WASI_RIGHTS_FD_WRITE,
                                                 __WASI_RIGHTS_FD_DATASYNC,
                                                 __WASI_RIGHTS_FD_ALLOCATE,
                                                 __WASI_RIGHTS_FD_FILESTAT_SET_SIZE,
                                                 __WASI_RIGHTS_FD_FILESTAT_SET_TIMES,
                                                 __WASI_RIGHTS_FD_SYNC};
    for (size_t i = 0; i < sizeof write_base / sizeof write_base[0]; i++) {
        CHECK_ERRNO(__wasi_path_open(ro, FOLLOW, "data.txt", 0, write_base[i], 0, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
        CHECK_ERRNO(__wasi_path_open(ro, FOLLOW, "data.txt", 0, __WASI_RIGHTS_FD_READ | write_base[i], 0, 0, &fd),
                    __WASI_ERRNO_NOTCAPABLE);
    }
    const __wasi_rights_t passed = stat.fs_rights_inheriting;
    const __wasi_rights_t reading = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_READDIR;
    CHECK_ERRNO(__wasi_path_open(ro, FOLLOW, "data.txt", 0, passed, passed, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERRNO(__wasi_path_open(ro, FOLLOW, "data.txt", 0, passed & ~reading, passed, 0, &fd),
                __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERRNO(__wasi_path_open(ro, FOLLOW, "sub", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd),
                __WASI_ERRNO_NOTCAPABLE);

    /* A file opened for reading, as wasi-libc asks for O_RDONLY: no write-like operation on it. */
    CHECK_OK(__wasi_path_open(ro, FOLLOW, "data.txt", 0, passed & ~(__wasi_rights_t)OPEN_WRITE_RIGHTS, passed, 0, &fd));
    __wasi_fdstat_t file_stat;
    CHECK_OK(__wasi_fd_fdstat_get(fd, &file_stat));
    CHECK((file_stat.fs_rights_base & write_rights) == 0);
    __wasi_ciovec_t iov = {(const uint8_t *)"X", 1};
    __wasi_size_t written;
    CHECK_REFUSED(__wasi_fd_write(fd, &iov, 1, &written));
    CHECK_REFUSED(__wasi_fd_pwrite(fd, &iov, 1, 0, &written));
    CHECK_REFUSED(__wasi_fd_filestat_set_size(fd, 0));
    CHECK_REFUSED(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    CHECK_REFUSED(__wasi_fd_allocate(fd, 0, 4096));
    CHECK_REFUSED(__wasi_fd_datasync(fd));
    char buffer[32];
    __wasi_iovec_t read_iov = {(uint8_t *)buffer, sizeof buffer};
    __wasi_size_t got;
    CHECK_OK(__wasi_fd_read(fd, &read_iov, 1, &got));
    CHECK(got == 15);
    __wasi_fd_close(fd);

    /* Directories opened inside the tree are read-only too. */
    __wasi_fd_t sub;
    CHECK_OK(open_dir_at(ro, "sub", &sub));
    __wasi_fdstat_t sub_stat;
    CHECK_OK(__wasi_fd_fdstat_get(sub, &sub_stat));
    CHECK((sub_stat.fs_rights_base & write_rights) == 0);
    CHECK(sub_stat.fs_rights_inheriting == passed);
    CHECK_ERRNO(__wasi_path_open(sub, FOLLOW, "inner.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd),
                __WASI_ERRNO_NOTCAPABLE);
    CHECK_REFUSED(__wasi_path_create_directory(sub, "x"));
    CHECK_REFUSED(__wasi_path_unlink_file(sub, "inner.txt"));
    CHECK_REFUSED(__wasi_path_open(sub, FOLLOW, "inner.txt", __WASI_OFLAGS_TRUNC, 0, 0, 0, &fd));
    __wasi_fd_close(sub);

    /* Across trees: nothing leaves or enters the read-only one. */
    __wasi_fd_t sandbox = (__wasi_fd_t)preopen_fd("/sandbox");
    CHECK_REFUSED(__wasi_path_rename(ro, "data.txt", sandbox, "taken.txt"));
    CHECK_REFUSED(__wasi_path_rename(sandbox, "file.txt", ro, "planted.txt"));
    CHECK_REFUSED(__wasi_path_link(ro, 0, "data.txt", sandbox, "hard"));
    CHECK_REFUSED(__wasi_path_link(sandbox, 0, "file.txt", ro, "hard"));
    /* The writable tree still works. */
    CHECK_OK(write_file_at(sandbox, "written.txt", "ok\n"));
}

int main(void)
{
    reading_works();
    libc_writes_refused();
    raw_writes_refused();
    reading_works();
    return checks_done("readonly");
}
