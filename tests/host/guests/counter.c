/* counter.c: an http guest counting requests in a global and answering the count: 1 every time with fresh instances. */
#include "wasmhost_http.h"

static int requests;

static void count(void)
{
    requests++;
    char digits[12];
    int length = 0;
    for (int n = requests; n > 0 || length == 0; n /= 10)
        digits[length++] = (char)('0' + n % 10);
    char text[12];
    for (int i = 0; i < length; i++)
        text[i] = digits[length - 1 - i];
    wh_http_set_header("content-type", "text/plain");
    wh_http_write(text, (uint32_t)length);
}

WASMHOST_HTTP_HANDLER(count)
