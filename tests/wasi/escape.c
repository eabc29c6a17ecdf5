/* escape.c: every way out of a preopened directory is refused with ENOTCAPABLE.
 * Run with --dir SCRATCH/sandbox::/sandbox; the fixture puts SCRATCH/outside/secret.txt next to
 * the sandbox and, inside it, abs_link -> SCRATCH/outside/secret.txt (absolute), abs_dir ->
 * SCRATCH/outside (absolute) and rel_out -> ../outside/secret.txt (relative). The test driver
 * checks afterwards that nothing outside the sandbox changed. */
#include "wasi_test.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define NOTCAP __WASI_ERRNO_NOTCAPABLE
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

static __wasi_fd_t root;

static __wasi_errno_t try_open(__wasi_fd_t dir, const char *path, __wasi_lookupflags_t lookup, __wasi_oflags_t oflags)
{
    __wasi_rights_t rights = inheriting_rights(dir);
    __wasi_rights_t base = (oflags & __WASI_OFLAGS_DIRECTORY) ? rights & ~(__wasi_rights_t)OPEN_WRITE_RIGHTS : rights;
    __wasi_fd_t fd;
    __wasi_errno_t error = __wasi_path_open(dir, lookup, path, oflags, base, rights, 0, &fd);
    if (error == 0)
        __wasi_fd_close(fd);
    return error;
}

static __wasi_errno_t try_stat(__wasi_fd_t dir, const char *path, __wasi_lookupflags_t lookup)
{
    __wasi_filestat_t st;
    return __wasi_path_filestat_get(dir, lookup, path, &st);
}

static void open_escapes(void)
{
    static const char *const paths[] = {
        "..",
        "../",
        "../outside",
        "../outside/secret.txt",
        "./../outside/secret.txt",
        "sub/../../outside/secret.txt",
        "sub/../..",
        "sub/deeper/../../../outside",
        "/etc/passwd",
        "/",
        "//etc",
        "abs_link",
        "abs_dir",
        "abs_dir/",
        "abs_dir/secret.txt",
        "rel_out",
        "chain1",
        "sub/uplink",
        "sub/uplink/secret.txt",
        "sub/uplink/../outside/secret.txt",
        "dotdot_link",
        "dotdot_link/outside/secret.txt",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        __wasi_errno_t error = try_open(root, paths[i], FOLLOW, 0);
        CHECK(error == NOTCAP, "open %s -> %u", paths[i], error);
        error = try_stat(root, paths[i], FOLLOW);
        CHECK(error == NOTCAP, "stat %s -> %u", paths[i], error);
        /* Creating through an escaping path is refused as well. */
        /* (O_CREAT of "name/" is EISDIR before any lookup, as POSIX says: nothing is reached.) */
        error = try_open(root, paths[i], FOLLOW, __WASI_OFLAGS_CREAT);
        size_t length = strlen(paths[i]);
        int refused = error == NOTCAP || (error == __WASI_ERRNO_ISDIR && paths[i][length - 1] == '/');
        CHECK(refused, "create %s -> %u", paths[i], error);
    }
    /* Without following, a final link is the link itself: opening it fails (ELOOP) and
     * stat describes the link, both without leaving the sandbox. */
    CHECK_ERRNO(try_open(root, "abs_link", 0, 0), __WASI_ERRNO_LOOP);
    __wasi_filestat_t st;
    CHECK_OK(__wasi_path_filestat_get(root, 0, "abs_link", &st));
    CHECK(st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
    /* Links that stay inside work, including ".." inside the tree. */
    CHECK_OK(try_open(root, "inner_link", FOLLOW, 0));
    CHECK_OK(try_open(root, "sub/../file.txt", FOLLOW, 0));
    CHECK_OK(try_open(root, "sub/up_inside", FOLLOW, 0));
    /* A loop is a loop, not an escape. */
    CHECK_ERRNO(try_open(root, "loop1", FOLLOW, 0), __WASI_ERRNO_LOOP);
}

static void namespace_escapes(void)
{
    __wasi_filestat_t st;
    CHECK_ERRNO(__wasi_path_create_directory(root, "../newdir"), NOTCAP);
    CHECK_ERRNO(__wasi_path_create_directory(root, "abs_dir/newdir"), NOTCAP);
    CHECK_ERRNO(__wasi_path_create_directory(root, "/tmp/newdir"), NOTCAP);
    CHECK_ERRNO(__wasi_path_unlink_file(root, "../outside/secret.txt"), NOTCAP);
    CHECK_ERRNO(__wasi_path_unlink_file(root, "abs_dir/secret.txt"), NOTCAP);
    CHECK_ERRNO(__wasi_path_unlink_file(root, "sub/uplink/secret.txt"), NOTCAP);
    CHECK_ERRNO(__wasi_path_remove_directory(root, ".."), NOTCAP);
    CHECK_ERRNO(__wasi_path_remove_directory(root, "../outside"), NOTCAP);
    CHECK_ERRNO(__wasi_path_remove_directory(root, "abs_dir/."), NOTCAP);
    CHECK_ERRNO(__wasi_path_rename(root, "file.txt", root, "../stolen.txt"), NOTCAP);
    CHECK_ERRNO(__wasi_path_rename(root, "../outside/secret.txt", root, "taken.txt"), NOTCAP);
    CHECK_ERRNO(__wasi_path_rename(root, "file.txt", root, "abs_dir/stolen.txt"), NOTCAP);
    CHECK_ERRNO(__wasi_path_link(root, 0, "../outside/secret.txt", root, "hard"), NOTCAP);
    CHECK_ERRNO(__wasi_path_link(root, FOLLOW, "abs_link", root, "hard"), NOTCAP);
    CHECK_ERRNO(__wasi_path_link(root, FOLLOW, "rel_out", root, "hard"), NOTCAP);
    CHECK_ERRNO(__wasi_path_link(root, 0, "file.txt", root, "../hard"), NOTCAP);
    CHECK_ERRNO(__wasi_path_link(root, 0, "file.txt", root, "abs_dir/hard"), NOTCAP);
    CHECK_ERRNO(__wasi_path_symlink("/etc/passwd", root, "new_abs_link"), NOTCAP);
    CHECK_ERRNO(__wasi_path_symlink("file.txt", root, "../outside/link"), NOTCAP);
    CHECK_ERRNO(__wasi_path_filestat_set_times(root, FOLLOW, "abs_link", 0, 0, __WASI_FSTFLAGS_MTIM), NOTCAP);
    CHECK_ERRNO(__wasi_path_filestat_set_times(root, FOLLOW, "rel_out", 0, 0, __WASI_FSTFLAGS_ATIM), NOTCAP);
    CHECK_ERRNO(__wasi_path_filestat_set_times(root, 0, "../outside/secret.txt", 0, 0, __WASI_FSTFLAGS_MTIM), NOTCAP);
    uint8_t buf[256];
    __wasi_size_t used;
    CHECK_ERRNO(__wasi_path_readlink(root, "abs_dir/x", buf, sizeof buf, &used), NOTCAP);
    CHECK_ERRNO(__wasi_path_readlink(root, "../outside/secret.txt", buf, sizeof buf, &used), NOTCAP);
    /* A relative link pointing out can be made (it is only text) but never followed. */
    CHECK_OK(__wasi_path_symlink("../../outside/secret.txt", root, "sub/made_out"));
    CHECK_ERRNO(try_open(root, "sub/made_out", FOLLOW, 0), NOTCAP);
    CHECK_ERRNO(__wasi_path_filestat_get(root, FOLLOW, "sub/made_out", &st), NOTCAP);
    CHECK_OK(__wasi_path_readlink(root, "sub/made_out", buf, sizeof buf, &used));
    CHECK(used == strlen("../../outside/secret.txt"));
}

/* A directory descriptor is a capability of its own: ".." from it is refused even where it
 * would still be inside the preopen, and renaming the directory changes nothing. */
static void descriptor_roots(void)
{
    __wasi_fd_t sub;
    CHECK_OK(open_dir_at(root, "sub", &sub));
    CHECK_ERRNO(try_open(sub, "..", FOLLOW, 0), NOTCAP);
    CHECK_ERRNO(try_open(sub, "../file.txt", FOLLOW, 0), NOTCAP);
    CHECK_ERRNO(try_open(sub, "up_inside", FOLLOW, 0), NOTCAP); /* -> ../file.txt: outside `sub` */
    CHECK_OK(try_open(sub, "deeper", FOLLOW, __WASI_OFLAGS_DIRECTORY));
    /* Rename the held directory deeper into the tree: it still cannot go up. */
    CHECK_OK(__wasi_path_create_directory(root, "moved"));
    CHECK_OK(__wasi_path_rename(root, "sub", root, "moved/sub"));
    CHECK_ERRNO(try_open(sub, "../..", FOLLOW, 0), NOTCAP);
    CHECK_ERRNO(try_open(sub, "..", FOLLOW, 0), NOTCAP);
    CHECK_OK(try_open(sub, "deeper", FOLLOW, __WASI_OFLAGS_DIRECTORY));
    CHECK_OK(__wasi_path_rename(root, "moved/sub", root, "sub"));
    __wasi_fd_close(sub);
}

/* A link that was fine when a path was first used is swapped (atomically, by rename) for one
 * that leads out: the next resolution sees the new link and refuses it. */
static void symlink_swap(void)
{
    CHECK_OK(__wasi_path_create_directory(root, "target_dir"));
    CHECK_OK(write_file_at(root, "target_dir/f", "inside\n"));
    CHECK_OK(__wasi_path_symlink("target_dir", root, "swap"));
    CHECK_OK(try_open(root, "swap/f", FOLLOW, 0));
    CHECK_OK(__wasi_path_symlink("../outside", root, "swap_tmp"));
    CHECK_OK(__wasi_path_rename(root, "swap_tmp", root, "swap"));
    CHECK_ERRNO(try_open(root, "swap/secret.txt", FOLLOW, 0), NOTCAP);
    CHECK_ERRNO(try_open(root, "swap/f", FOLLOW, 0), NOTCAP);
    CHECK_ERRNO(__wasi_path_unlink_file(root, "swap/secret.txt"), NOTCAP);
    /* And a directory replaced by a link to outside. */
    CHECK_OK(__wasi_path_create_directory(root, "was_dir"));
    __wasi_fd_t held;
    CHECK_OK(open_dir_at(root, "was_dir", &held));
    CHECK_OK(__wasi_path_remove_directory(root, "was_dir"));
    CHECK_OK(__wasi_path_symlink("../outside", root, "was_dir"));
    CHECK_ERRNO(try_open(root, "was_dir/secret.txt", FOLLOW, 0), NOTCAP);
    /* The held descriptor refers to the removed directory, not to the link. */
    CHECK(try_open(held, "secret.txt", FOLLOW, 0) == __WASI_ERRNO_NOENT);
    __wasi_fd_close(held);
}

/* The same through wasi-libc's POSIX layer, which maps paths onto preopens. */
static void libc_escapes(void)
{
    errno = 0;
    CHECK(open("/sandbox/../outside/secret.txt", O_RDONLY) < 0);
    CHECK(open("/sandbox/abs_link", O_RDONLY) < 0 && errno == ENOTCAPABLE);
    CHECK(open("/sandbox/rel_out", O_RDONLY) < 0 && errno == ENOTCAPABLE);
    CHECK(open("/etc/passwd", O_RDONLY) < 0);
    CHECK(fopen("/sandbox/abs_dir/secret.txt", "r") == NULL);
    CHECK(mkdir("/sandbox/abs_dir/x", 0777) < 0);
    CHECK(unlink("/sandbox/abs_dir/secret.txt") < 0);
    struct stat st;
    CHECK(stat("/sandbox/abs_link", &st) < 0 && errno == ENOTCAPABLE);
    CHECK(lstat("/sandbox/abs_link", &st) == 0 && S_ISLNK(st.st_mode));
    FILE *file = fopen("/sandbox/file.txt", "r");
    CHECK(file != NULL);
    if (file)
        fclose(file);
}

int main(void)
{
    root = (__wasi_fd_t)preopen_fd("/sandbox");
    CHECK((int)root >= 3);
    /* Fixtures the guest can make itself (relative links). */
    CHECK_OK(__wasi_path_create_directory(root, "sub"));
    CHECK_OK(__wasi_path_create_directory(root, "sub/deeper"));
    CHECK_OK(__wasi_path_symlink("../../outside", root, "sub/uplink"));
    CHECK_OK(__wasi_path_symlink("../file.txt", root, "sub/up_inside"));
    CHECK_OK(__wasi_path_symlink("chain2", root, "chain1"));
    CHECK_OK(__wasi_path_symlink("sub/chain3", root, "chain2"));
    CHECK_OK(__wasi_path_symlink("../rel_out", root, "sub/chain3"));
    CHECK_OK(__wasi_path_symlink("..", root, "dotdot_link"));
    CHECK_OK(__wasi_path_symlink("file.txt", root, "inner_link"));
    CHECK_OK(__wasi_path_symlink("loop2", root, "loop1"));
    CHECK_OK(__wasi_path_symlink("loop1", root, "loop2"));

    open_escapes();
    namespace_escapes();
    descriptor_roots();
    symlink_swap();
    libc_escapes();
    return checks_done("escape");
}
