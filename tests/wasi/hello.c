/* hello.c: the smallest WASI command: prints a greeting (also the start-up benchmark). */
#include <stdio.h>

int main(void)
{
    printf("hello, world\n");
    return 0;
}
