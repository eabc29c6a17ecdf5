/* stdin_cat.c: copies stdin to stdout, with a line count on stderr (stdio inherited from the host). */
#include <stdio.h>

int main(void)
{
    int c, lines = 0;
    while ((c = getchar()) != EOF) {
        putchar(c);
        if (c == '\n')
            lines++;
    }
    fprintf(stderr, "%d lines\n", lines);
    return ferror(stdin) ? 1 : 0;
}
