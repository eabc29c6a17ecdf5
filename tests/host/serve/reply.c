/* reply.c: a wagi test service answering with its REPLY variable, after spinning SPIN_MS milliseconds if given. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(void)
{
    const char *reply = getenv("REPLY");
    const char *spin = getenv("SPIN_MS");
    if (spin) {
        /* Busy, not sleeping: the request stays in flight on a worker like real work would. */
        double until = now_ms() + atof(spin);
        while (now_ms() < until)
            ;
    }
    printf("content-type: text/plain\n\n%s\n", reply ? reply : "(no REPLY)");
    return 0;
}
