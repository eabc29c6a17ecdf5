/* preopens.c: lists the preopened directories the guest was given and reads a file in each. */
#include "wasi_test.h"

int main(void)
{
    int count = 0;
    for (__wasi_fd_t fd = 3;; fd++) {
        __wasi_prestat_t prestat;
        __wasi_errno_t error = __wasi_fd_prestat_get(fd, &prestat);
        if (error == __WASI_ERRNO_BADF)
            break;
        CHECK_OK(error);
        char name[512];
        CHECK(prestat.u.dir.pr_name_len < sizeof name);
        CHECK_OK(__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, prestat.u.dir.pr_name_len));
        name[prestat.u.dir.pr_name_len] = '\0';
        printf("preopen %u: %s\n", (unsigned)fd, name);
        /* wasi-libc maps paths under the name onto the descriptor. */
        char path[600];
        snprintf(path, sizeof path, "%s/file.txt", name);
        FILE *file = fopen(path, "r");
        if (!file) {
            snprintf(path, sizeof path, "%s/data.txt", name);
            file = fopen(path, "r");
        }
        CHECK(file != NULL);
        if (file) {
            char line[64] = "";
            CHECK(fgets(line, sizeof line, file) != NULL);
            printf("  %s", line);
            fclose(file);
        }
        count++;
    }
    printf("%d preopens\n", count);
    return checks_done("preopens");
}
