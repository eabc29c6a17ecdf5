/* malformed.c: a wagi guest whose output has headers but no blank line before the body (502). */
#include <stdio.h>

int main(void)
{
    fputs("content-type: text/plain\nno blank line, so this is not a CGI response", stdout);
    return 0;
}
