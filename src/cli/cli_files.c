/* cli_files.c: what every command shares for its files: reading files and streams, writing one atomically, loading modules, error and trap text. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool cli_read_file(const char *path, uint8_t **bytes, size_t *size, char *why, size_t why_size)
{
    *bytes = NULL;
    *size = 0;
    FILE *file = fopen(path, "rb");
    if (!file) {
        snprintf(why, why_size, "%s: cannot open: %s", path, strerror(errno));
        return false;
    }
    bool read = cli_read_stream(file, path, bytes, size, why, why_size);
    fclose(file);
    return read;
}

bool cli_read_stream(FILE *file, const char *name, uint8_t **bytes, size_t *size, char *why, size_t why_size)
{
    *bytes = NULL;
    *size = 0;
    /* Read in growing chunks rather than trusting a size from fstat: works for pipes too. */
    size_t capacity = 0, used = 0;
    uint8_t *data = NULL;
    for (;;) {
        if (used == capacity) {
            size_t new_capacity = capacity ? capacity * 2 : 65536;
            uint8_t *grown = realloc(data, new_capacity);
            if (!grown) {
                free(data);
                snprintf(why, why_size, "%s: out of memory reading the file", name);
                return false;
            }
            data = grown;
            capacity = new_capacity;
        }
        size_t got = fread(data + used, 1, capacity - used, file);
        used += got;
        if (got == 0)
            break;
    }
    if (ferror(file)) {
        int saved_errno = errno;
        free(data);
        snprintf(why, why_size, "%s: read error: %s", name, strerror(saved_errno));
        return false;
    }
    *bytes = data;
    *size = used;
    return true;
}

const char *cli_error_message(void)
{
    /* Messages start "function_name: " (lower case letters, digits and underscores). */
    const char *message = wh_last_error_message();
    const char *p = message;
    while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')
        p++;
    if (p > message && p[0] == ':' && p[1] == ' ' &&
        (strncmp(message, "wasm_", 5) == 0 || strncmp(message, "wh_", 3) == 0))
        return p + 2;
    return message;
}

wasm_module_t *cli_load_module(wasm_store_t *store, const char *path)
{
    uint8_t *bytes;
    size_t size;
    char why[512];
    if (!cli_read_file(path, &bytes, &size, why, sizeof why)) {
        fprintf(stderr, "wasmhost: %s\n", why);
        return NULL;
    }
    wasm_byte_vec_t binary = {size, (wasm_byte_t *)bytes};
    /* A compiled artifact (`wasmhost compile`) is recognised by its magic, whatever its name. */
    wasm_module_t *module = size >= 4 && memcmp(bytes, WH_ARTIFACT_MAGIC, 4) == 0
                                ? wasm_module_deserialize(store, &binary)
                                : wasm_module_new(store, &binary);
    free(bytes);
    if (!module) {
        fprintf(stderr, "wasmhost: %s: %s\n", path, cli_error_message());
        return NULL;
    }
    /* A developer's aid (tests and benchmarks use it): how much of the module runs native. */
    if (getenv("WASMHOST_TIER_REPORT")) {
        double seconds;
        uint32_t native = wh_module_native_functions(module, &seconds);
        fprintf(stderr, "wasmhost: %s: %u functions compiled to native code in %.1f ms\n", path, native, seconds * 1e3);
    }
    return module;
}

void cli_print_trap(const wasm_trap_t *trap)
{
    wasm_byte_vec_t text;
    wh_trap_format(trap, &text);
    fwrite(text.data, 1, text.size, stderr);
    wasm_byte_vec_delete(&text);
}

bool cli_write_file_atomically(const char *path, const void *bytes, size_t size)
{
    size_t length = strlen(path);
    char *temporary = malloc(length + 16);
    if (!temporary)
        return false;
    snprintf(temporary, length + 16, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(temporary);
    bool ok = fd >= 0;
    size_t done = 0;
    while (ok && done < size) {
        ssize_t wrote = write(fd, (const char *)bytes + done, size - done);
        ok = wrote > 0;
        done += ok ? (size_t)wrote : 0;
    }
    if (fd >= 0) {
        ok = ok && fchmod(fd, 0644) == 0 && fsync(fd) == 0;
        ok = close(fd) == 0 && ok;
    }
    ok = ok && rename(temporary, path) == 0;
    if (!ok && fd >= 0)
        unlink(temporary);
    free(temporary);
    return ok;
}
