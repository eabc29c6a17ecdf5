/* race.c: path resolution racing renames. While swap_racer.sh keeps swapping the link "swap"
 * between target_dir (inside) and ../outside, every resolution through it either reaches the
 * inside file or is refused: never the outside one. Run with --dir SCRATCH/sandbox::/sandbox. */
#include "wasi_test.h"

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

static __wasi_timestamp_t now(void)
{
    __wasi_timestamp_t t = 0;
    (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
    return t;
}

int main(void)
{
    __wasi_fd_t root = (__wasi_fd_t)preopen_fd("/sandbox");
    CHECK((int)root >= 3);
    CHECK_OK(__wasi_path_create_directory(root, "target_dir"));
    CHECK_OK(write_file_at(root, "target_dir/secret.txt", "inside\n"));
    __wasi_filestat_t inside;
    CHECK_OK(__wasi_path_filestat_get(root, 0, "target_dir/secret.txt", &inside));

    long reached = 0, refused = 0, other = 0, leaked = 0;
    __wasi_timestamp_t start = now();
    /* At least 2 s, and until both outcomes were seen (10 s at most). */
    while (now() - start < 2000000000ull || ((reached == 0 || refused == 0) && now() - start < 10000000000ull)) {
        __wasi_fd_t fd;
        __wasi_errno_t error = open_at(root, "swap/secret.txt", 0, 0, &fd);
        if (error == 0) {
            char text[16] = "";
            __wasi_size_t got = 0;
            __wasi_iovec_t iov = {(uint8_t *)text, sizeof text - 1};
            (void)__wasi_fd_read(fd, &iov, 1, &got);
            if (strcmp(text, "inside\n") == 0)
                reached++;
            else
                leaked++;
            (void)__wasi_fd_close(fd);
        } else if (error == __WASI_ERRNO_NOTCAPABLE || error == __WASI_ERRNO_NOENT) {
            refused++; /* ENOENT: the link was between renames */
        } else {
            other++;
        }
        __wasi_filestat_t st;
        error = __wasi_path_filestat_get(root, FOLLOW, "swap/secret.txt", &st);
        if (error == 0 && st.ino != inside.ino)
            leaked++;
        /* Changes through the link: if one ever went outside, the driver would see it. */
        if (__wasi_path_create_directory(root, "swap/made") == 0)
            (void)__wasi_path_remove_directory(root, "target_dir/made");
        (void)__wasi_path_filestat_set_times(root, FOLLOW, "swap/secret.txt", 0, 0, __WASI_FSTFLAGS_MTIM);
    }
    CHECK_OK(write_file_at(root, "done", ""));
    printf("reached %ld, refused %ld, other %ld, leaked %ld\n", reached, refused, other, leaked);
    CHECK(leaked == 0);
    CHECK(other == 0);
    CHECK(reached > 0 && refused > 0);
    return checks_done("race");
}
