/* exit3.c: a wagi guest that writes a valid response, then exits with code 3: a failure (500). */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    fputs("content-type: text/plain\n\nnot to be sent", stdout);
    fflush(stdout);
    exit(3);
}
