/* maps.c: prints the files mapped into the process that runs it, read from /maps in its one
 * preopened directory (the host's /proc/self): which libraries a `wasmhost run` loads. */
#include <stdio.h>
#include <string.h>

int main(void)
{
    FILE *maps = fopen("/proc/maps", "r");
    if (!maps) {
        perror("/proc/maps");
        return 1;
    }
    char line[4096], last[4096] = "";
    int files = 0;
    while (fgets(line, sizeof line, maps)) {
        /* "start-end perms offset dev inode   path": the path is the first '/' after the inode. */
        char *path = strchr(line, '/');
        if (!path || strcmp(path, last) == 0)
            continue;
        snprintf(last, sizeof last, "%s", path);
        printf("mapped: %s", path);
        files++;
    }
    fclose(maps);
    printf("%d files\n", files);
    return files > 0 ? 0 : 1;
}
