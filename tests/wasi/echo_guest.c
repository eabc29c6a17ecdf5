/* echo_guest.c: guest of the embedding test: copies stdin to stdout, reports on stderr; with
 * "flood" writes 100 KiB to stdout and reports how much was accepted and the first error; with
 * "zero_iovec" first writes to stdout with an empty iovec before a full one (fuzz_wasi's finding). */
#include <string.h>
#include <wasi/api.h>

static void put(__wasi_fd_t fd, const char *text)
{
    __wasi_size_t done;
    __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
    (void)__wasi_fd_write(fd, &iov, 1, &done);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "zero_iovec") == 0) {
        __wasi_size_t done;
        __wasi_ciovec_t iovs[2] = {{(const uint8_t *)"", 0}, {(const uint8_t *)"after an empty iovec\n", 21}};
        (void)__wasi_fd_write(1, iovs, 2, &done);
    }
    char buffer[256];
    for (;;) {
        __wasi_size_t got;
        __wasi_iovec_t iov = {(uint8_t *)buffer, sizeof buffer};
        if (__wasi_fd_read(0, &iov, 1, &got) != 0 || got == 0)
            break;
        __wasi_ciovec_t out = {(const uint8_t *)buffer, got};
        __wasi_size_t done;
        (void)__wasi_fd_write(1, &out, 1, &done);
    }
    put(2, "to stderr\n");
    if (argc > 1 && strcmp(argv[1], "flood") == 0) {
        static char block[1000];
        memset(block, 'x', sizeof block);
        unsigned long accepted = 0;
        __wasi_errno_t first_error = 0;
        for (int i = 0; i < 100; i++) {
            __wasi_size_t done = 0;
            __wasi_ciovec_t out = {(const uint8_t *)block, sizeof block};
            __wasi_errno_t error = __wasi_fd_write(1, &out, 1, &done);
            if (error && !first_error)
                first_error = error;
            accepted += error ? 0 : done;
        }
        char report[64];
        char *p = report + sizeof report;
        *--p = '\0';
        *--p = '\n';
        unsigned long values[2] = {first_error, accepted};
        for (int v = 0; v < 2; v++) {
            unsigned long n = values[v];
            do
                *--p = (char)('0' + n % 10);
            while ((n /= 10) != 0);
            *--p = ' ';
        }
        put(2, "flood");
        put(2, p);
    }
    return argc > 2 ? 3 : 0;
}
