/* memory_hog_wagi.c: a wagi guest that allocates until malloc fails, then aborts, as a C program out of memory does. */
#include <stdio.h>
#include <stdlib.h>

/* Each block points to the previous one, so that the compiler cannot drop the allocations. */
static void *volatile last;

int main(void)
{
    for (;;) {
        void **block = malloc(1 << 20);
        if (!block)
            abort();
        *block = last;
        last = block;
    }
}
