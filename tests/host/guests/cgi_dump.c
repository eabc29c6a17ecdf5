/* cgi_dump.c: a wagi guest answering its arguments, CGI variables and stdin, one per line: what the host passes. */
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(int argc, char **argv)
{
    fputs("content-type: text/plain\nx-guest: cgi_dump\nstatus: 201 Created\n\n", stdout);
    for (int i = 0; i < argc; i++)
        printf("arg %d=%s\n", i, argv[i]);
    for (char **variable = environ; *variable; variable++)
        printf("env %s\n", *variable);
    fputs("stdin ", stdout);
    int c;
    while ((c = getchar()) != EOF)
        putchar(c);
    putchar('\n');
    return 0;
}
