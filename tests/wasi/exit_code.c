/* exit_code.c: exit codes: returning from main, exit(), and proc_exit deep in the call stack. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static int depth_exit(int depth, int code)
{
    if (depth == 0)
        __wasi_proc_exit((__wasi_exitcode_t)code);
    return depth_exit(depth - 1, code) + 1; /* not a tail call: the frames must be unwound */
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: exit_code return|exit|proc_exit CODE\n");
        return 100;
    }
    int code = atoi(argv[2]);
    printf("before exit\n"); /* buffered: exit() must flush it */
    if (strcmp(argv[1], "return") == 0)
        return code;
    if (strcmp(argv[1], "exit") == 0)
        exit(code);
    if (strcmp(argv[1], "proc_exit") == 0) {
        fflush(stdout);
        return depth_exit(1000, code);
    }
    return 101;
}
