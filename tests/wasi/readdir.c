/* readdir.c: fd_readdir over a large directory, with small buffers, cookies, truncated entries
 * and rewinding; checked against what was created. Run with --dir SCRATCH/sandbox::/sandbox. */
#include "wasi_test.h"

#include <dirent.h>

#define FILES 1500

static __wasi_fd_t root;
static unsigned char seen[FILES];

/* Records a name "fNNNN"; counts duplicates and strangers as failures. */
static void see(const char *name, size_t length, int *others)
{
    if (length == 5 && name[0] == 'f') {
        int n = (name[1] - '0') * 1000 + (name[2] - '0') * 100 + (name[3] - '0') * 10 + (name[4] - '0');
        if (n >= 0 && n < FILES) {
            CHECK(seen[n] == 0);
            seen[n] = 1;
            return;
        }
    }
    if (!(length == 1 && name[0] == '.') && !(length == 2 && name[0] == '.' && name[1] == '.') &&
        !(length == 6 && memcmp(name, "subdir", 6) == 0))
        (*others)++;
}

static int all_seen(void)
{
    for (int i = 0; i < FILES; i++)
        if (!seen[i])
            return 0;
    return 1;
}

/* Reads the whole directory with raw fd_readdir calls into a `size`-byte buffer. */
static void raw_scan(__wasi_fd_t dir, size_t size)
{
    memset(seen, 0, sizeof seen);
    uint8_t *buf = malloc(size);
    __wasi_dircookie_t cookie = __WASI_DIRCOOKIE_START;
    int others = 0, calls = 0, entries = 0;
    for (;;) {
        __wasi_size_t used;
        CHECK_OK(__wasi_fd_readdir(dir, buf, size, cookie, &used));
        calls++;
        size_t offset = 0;
        int whole = 0;
        while (offset + sizeof(__wasi_dirent_t) <= used) {
            __wasi_dirent_t dirent;
            memcpy(&dirent, buf + offset, sizeof dirent);
            if (offset + sizeof dirent + dirent.d_namlen > used)
                break; /* cut short: read again from its cookie */
            const char *name = (const char *)buf + offset + sizeof dirent;
            see(name, dirent.d_namlen, &others);
            if (dirent.d_namlen == 5 && name[0] == 'f')
                CHECK(dirent.d_type == __WASI_FILETYPE_REGULAR_FILE);
            if (dirent.d_namlen == 6 && memcmp(name, "subdir", 6) == 0)
                CHECK(dirent.d_type == __WASI_FILETYPE_DIRECTORY);
            CHECK(dirent.d_ino != 0);
            cookie = dirent.d_next;
            offset += sizeof dirent + dirent.d_namlen;
            whole++;
            entries++;
        }
        if (used < size)
            break; /* the end */
        if (whole == 0) {
            /* Not even one entry fits: the buffer is too small for this name. */
            CHECK(size < sizeof(__wasi_dirent_t) + 6);
            break;
        }
        if (calls > 100000)
            break;
    }
    CHECK(others == 0);
    CHECK(all_seen());
    CHECK(entries == FILES + 3);
    free(buf);
}

int main(void)
{
    root = (__wasi_fd_t)preopen_fd("/sandbox");
    CHECK((int)root >= 3);
    CHECK_OK(__wasi_path_create_directory(root, "big"));
    CHECK_OK(__wasi_path_create_directory(root, "big/subdir"));
    for (int i = 0; i < FILES; i++) {
        char name[32];
        snprintf(name, sizeof name, "big/f%04d", i);
        CHECK_OK(write_file_at(root, name, "x"));
    }
    __wasi_fd_t big;
    CHECK_OK(open_dir_at(root, "big", &big));

    /* Buffer sizes from "one short entry at a time" (24 + 5 bytes: names are 5 bytes long,
     * except "subdir"...) to everything at once. */
    raw_scan(big, 4096);
    raw_scan(big, 65536);
    raw_scan(big, 200);
    raw_scan(big, 31); /* exactly one entry with a 6- or 7-byte name, or a cut one */
    raw_scan(big, 40);

    /* Starting from a cookie in the middle gives the rest. */
    uint8_t buf[1024];
    __wasi_size_t used;
    CHECK_OK(__wasi_fd_readdir(big, buf, sizeof buf, 0, &used));
    CHECK(used == sizeof buf);
    __wasi_dirent_t first;
    memcpy(&first, buf, sizeof first);
    __wasi_size_t used_again;
    uint8_t again[1024];
    CHECK_OK(__wasi_fd_readdir(big, again, sizeof again, first.d_next, &used_again));
    /* The second entry of the first read is the first of the second. */
    __wasi_dirent_t second, resumed;
    memcpy(&second, buf + sizeof first + first.d_namlen, sizeof second);
    memcpy(&resumed, again, sizeof resumed);
    CHECK(second.d_ino == resumed.d_ino && second.d_next == resumed.d_next);
    CHECK(memcmp(buf + 2 * sizeof first + first.d_namlen, again + sizeof resumed, second.d_namlen) == 0);

    /* wasi-libc's readdir, with a rewind. */
    for (int pass = 0; pass < 2; pass++) {
        DIR *dir = opendir("/sandbox/big");
        CHECK(dir != NULL);
        if (!dir)
            break;
        for (int round = 0; round < 2; round++) {
            memset(seen, 0, sizeof seen);
            int others = 0, count = 0;
            for (struct dirent *entry; (entry = readdir(dir)) != NULL; count++)
                see(entry->d_name, strlen(entry->d_name), &others);
            CHECK(count == FILES + 3);
            CHECK(others == 0);
            CHECK(all_seen());
            rewinddir(dir);
        }
        closedir(dir);
    }

    /* Errors. */
    __wasi_fd_t file;
    CHECK_OK(open_at(root, "big/f0001", 0, 0, &file));
    CHECK_ERRNO(__wasi_fd_readdir(file, buf, sizeof buf, 0, &used), __WASI_ERRNO_NOTCAPABLE);
    CHECK_OK(__wasi_fd_close(file));
    CHECK_ERRNO(__wasi_fd_readdir(1, buf, sizeof buf, 0, &used), __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERRNO(__wasi_fd_readdir(77, buf, sizeof buf, 0, &used), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_fd_readdir(big, (uint8_t *)0xfffffff0u, 64, 0, &used), __WASI_ERRNO_FAULT);
    CHECK_OK(__wasi_fd_readdir(big, buf, 0, 0, &used));
    CHECK(used == 0);
    CHECK_OK(__wasi_fd_close(big));

    /* An empty directory has . and .. only. */
    CHECK_OK(__wasi_path_create_directory(root, "empty"));
    DIR *dir = opendir("/sandbox/empty");
    int count = 0;
    if (dir) {
        while (readdir(dir))
            count++;
        closedir(dir);
    }
    CHECK(count == 2);
    return checks_done("readdir");
}
