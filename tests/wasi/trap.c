/* trap.c: a guest that traps: the host prints the trap with a backtrace and exits 134. */
#include <stdio.h>
#include <string.h>

__attribute__((noinline)) static void crash_here(int kind)
{
    if (kind == 0)
        __builtin_trap();
    volatile int zero = 0, seven = 7; /* both volatile: a real division, not a folded select */
    printf("%d\n", seven / zero);
}

__attribute__((noinline)) static void outer(int kind)
{
    crash_here(kind);
    printf("not reached\n");
}

int main(int argc, char **argv)
{
    printf("about to trap\n");
    fflush(stdout);
    outer(argc > 1 && strcmp(argv[1], "divide") == 0);
    return 0;
}
