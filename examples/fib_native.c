/* fib_native.c: the same fib as examples/fib.c compiled for the host, to compare run times with wasmhost. */
#include <stdio.h>
#include <stdlib.h>

#include "fib.c"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fib_native N\n");
        return 2;
    }
    /* Through a volatile so that the compiler cannot compute fib(N) at build time. */
    volatile int n = atoi(argv[1]);
    printf("%d\n", fib(n));
    return 0;
}
