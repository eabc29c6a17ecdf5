/* fuzz_wagi_output.c: libFuzzer target: guest_wagi_parse_output on any wagi guest stdout (CGI headers, blank, body). */
/*
 * Any bytes give either a valid response or GUEST_BAD_RESPONSE with a message. Invariants, each
 * an abort() (besides ASan, UBSan and LeakSanitizer): an accepted response has a status in
 * 100..999, a body that is a suffix of the output, at most GUEST_MAX_RESPONSE_HEADERS headers,
 * each a token name with a value without CR, LF or NUL (nothing that could split the HTTP
 * response it becomes); a rejected one has a message and no other outcome.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest_internal.h"

static void wagi_fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_wagi_output: invariant broken: %s (%s)\n", what, detail);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* libFuzzer's buffer has exactly `size` bytes: ASan sees any read past the end. */
    http_response response;
    http_response_init(&response, 500);
    guest_outcome outcome = {.kind = GUEST_OK};
    guest_wagi_parse_output(data, size, &response, &outcome);
    if (outcome.kind == GUEST_OK) {
        if (response.status < 100 || response.status > 999)
            wagi_fuzz_fail("a status outside 100..999", "");
        if (response.body_length > size ||
            (response.body_length && memcmp(response.body, data + size - response.body_length, response.body_length)))
            wagi_fuzz_fail("the body is not the end of the output", "");
        if (response.header_count > GUEST_MAX_RESPONSE_HEADERS)
            wagi_fuzz_fail("more headers than GUEST_MAX_RESPONSE_HEADERS", "");
        for (size_t i = 0; i < response.header_count; i++) {
            const http_header *header = &response.headers[i];
            if (!guest_header_name_valid(header->name, strlen(header->name)))
                wagi_fuzz_fail("a header name that is not a token", header->name);
            if (strpbrk(header->value, "\r\n"))
                wagi_fuzz_fail("CR or LF in a header value", header->name);
            if (!guest_header_value_valid(header->value, strlen(header->value)))
                wagi_fuzz_fail("a control character in a header value", header->name);
        }
    } else if (outcome.kind != GUEST_BAD_RESPONSE || outcome.message[0] == '\0') {
        wagi_fuzz_fail("neither a response nor \"malformed\" with a message", outcome.message);
    }
    http_response_free(&response);
    return 0;
}
