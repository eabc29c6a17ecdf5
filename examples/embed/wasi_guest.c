/* wasi_guest.c: the WASI command examples/embed/wasi.c runs: it shows what the host gave it, then exits with 3. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "flood") == 0) {
        for (int i = 0; i < 1000; i++)
            printf("line %d of a flood\n", i);
        return 0;
    }
    printf("args:");
    for (int i = 0; i < argc; i++)
        printf(" [%s]", argv[i]);
    printf("\n");
    const char *greeting = getenv("GREETING");
    printf("GREETING=%s\n", greeting ? greeting : "(unset)");
    printf("HOME=%s\n", getenv("HOME") ? getenv("HOME") : "(unset)");

    FILE *input = fopen("/data/input.txt", "r");
    char line[128] = "";
    if (input && fgets(line, sizeof line, input))
        printf("read: %s", line);
    else
        printf("read: cannot\n");
    if (input)
        fclose(input);
    FILE *output = fopen("/data/output.txt", "w");
    printf("write: %s\n", output ? "allowed" : "refused");
    if (output)
        fclose(output);
    printf("/etc/passwd: %s\n", fopen("/etc/passwd", "r") ? "visible" : "invisible");

    char buffer[128];
    size_t n = fread(buffer, 1, sizeof buffer, stdin);
    fprintf(stderr, "stdin said: %.*s\n", (int)n, buffer);
    fflush(stdout);
    return 3;
}
