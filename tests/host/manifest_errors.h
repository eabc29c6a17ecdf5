/* manifest_errors.h: manifest_error_well_formed, the shape of every manifest error (tests and fuzzers). */
#ifndef WASMHOST_TESTS_MANIFEST_ERRORS_H
#define WASMHOST_TESTS_MANIFEST_ERRORS_H

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

/* `error` starts with the manifest's path, then ":LINE:COLUMN: " (both from 1) or ": ", then a
 * message. */
static inline bool manifest_error_well_formed(const char *error, const char *path)
{
    size_t path_length = strlen(path);
    if (strncmp(error, path, path_length) != 0)
        return false;
    const char *p = error + path_length;
    if (p[0] == ':' && p[1] == ' ')
        return p[2] != '\0';
    for (int number = 0; number < 2; number++) {
        if (*p++ != ':' || !isdigit((unsigned char)*p) || *p == '0')
            return false;
        while (isdigit((unsigned char)*p))
            p++;
    }
    return p[0] == ':' && p[1] == ' ' && p[2] != '\0';
}

#endif
