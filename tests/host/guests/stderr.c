/* stderr.c: a wagi guest that writes to stderr (the host's log) and answers normally. */
#include <stdio.h>

int main(void)
{
    fputs("written to stderr by the guest\n", stderr);
    fputs("content-type: text/plain\n\nanswered", stdout);
    return 0;
}
