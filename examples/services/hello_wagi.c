/* hello_wagi.c: the example service as a WAGI program: /health answers OK, /api/users an empty list, else 404. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The path within the service: PATH_INFO, what follows the route's base ("/health" when the
 * service is mounted at "/wagi/..." and asked for "/wagi/health"); for an exact route, where
 * PATH_INFO is empty, the route itself (SCRIPT_NAME). So the service answers the same wherever
 * the manifest mounts it. */
static void request_path(char *out, size_t size)
{
    const char *script = getenv("SCRIPT_NAME"), *info = getenv("PATH_INFO");
    snprintf(out, size, "%s", info && *info ? info : script && *script ? script : "/");
}

int main(void)
{
    char path[1024];
    request_path(path, sizeof path);
    if (strcmp(path, "/health") == 0) {
        printf("content-type: text/plain\n\nOK");
    } else if (strcmp(path, "/api/users") == 0) {
        printf("content-type: application/json\n\n{\"users\": []}");
    } else {
        printf("status: 404 Not Found\ncontent-type: text/plain\n\nNot Found\n");
    }
    return 0;
}
