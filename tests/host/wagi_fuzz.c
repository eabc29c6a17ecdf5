/* wagi_fuzz.c: the wagi response parser (guest_wagi_parse_output) on deterministic hostile output. */
/* It must answer a valid response or "malformed" with a message, never crash or leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest_internal.h"
#include "test_support.h"

#define CASES 20000
#define MAX_OUTPUT (200u << 10)

/* One fixed seed: the same cases on every run, so a failure replays. */
static prng random_stream = {0x9E3779B97F4A7C15ull};

/* Outputs a real guest could write, the seeds for mutation. */
static const char *const valid_outputs[] = {
    "content-type: text/plain\n\nhello\n",
    "Content-Type: text/html\r\n\r\n<p>hi</p>",
    "status: 404 Not Found\ncontent-type: text/plain\n\nnot here\n",
    "Status: 204\n\n",
    "location: /elsewhere\n\n",
    "Location: https://example.com/\r\nstatus: 301\r\n\r\n",
    "content-type: application/json\nx-one: 1\nx-two:   spaced value   \ncache-control: no-store\n\n{\"a\":1}",
    "content-type: text/plain\ncontent-length: 999\nconnection: keep-alive\n\nbody with ignored headers",
    "status: 500\ncontent-type: text/plain\n\n\n\nbody that starts with blank lines\r\n\r\n",
    "x-a:\ncontent-type: a/b\n\n",
};
#define VALID_COUNT (sizeof valid_outputs / sizeof valid_outputs[0])

/* Bytes that matter to the parser, favoured by insertions. */
static const char interesting[] = "\r\n:\t \0 0123456789SsTtAaUu-/\x7f\xff";

typedef struct output {
    uint8_t data[MAX_OUTPUT];
    size_t length;
} output;

static void insert_bytes(output *o, size_t at, const void *bytes, size_t count)
{
    if (o->length + count > MAX_OUTPUT)
        return;
    memmove(o->data + at + count, o->data + at, o->length - at);
    memcpy(o->data + at, bytes, count);
    o->length += count;
}

/* A line's bounds around position `at` (the newline excluded). */
static void line_around(const output *o, size_t at, size_t *start, size_t *end)
{
    *start = at;
    while (*start > 0 && o->data[*start - 1] != '\n')
        (*start)--;
    *end = at;
    while (*end < o->length && o->data[*end] != '\n')
        (*end)++;
}

static void mutate(output *o)
{
    size_t at = prng_below(&random_stream, o->length + 1);
    switch (prng_below(&random_stream, 10)) {
    case 0: /* bit flip */
        if (o->length)
            o->data[prng_below(&random_stream, o->length)] ^= (uint8_t)(1u << prng_below(&random_stream, 8));
        break;
    case 1: /* an interesting byte */
        insert_bytes(o, at, &interesting[prng_below(&random_stream, sizeof interesting - 1)], 1);
        break;
    case 2: /* a random byte */ {
        uint8_t byte = (uint8_t)prng_next(&random_stream);
        insert_bytes(o, at, &byte, 1);
        break;
    }
    case 3: /* deletion of a few bytes */ {
        size_t count = 1 + prng_below(&random_stream, 4);
        if (at + count <= o->length) {
            memmove(o->data + at, o->data + at + count, o->length - at - count);
            o->length -= count;
        }
        break;
    }
    case 4: /* truncation */ o->length = at; break;
    case 5: /* a line duplicated */ {
        size_t start, end;
        if (!o->length || at >= o->length)
            break;
        line_around(o, at, &start, &end);
        uint8_t line[4096];
        size_t count = end - start + (end < o->length ? 1 : 0);
        if (count > sizeof line)
            break;
        memcpy(line, o->data + start, count);
        insert_bytes(o, start, line, count);
        break;
    }
    case 6: /* a header without a colon, or a name that is not a token */ {
        static const char *const lines[] = {
            "no colon here\n", "bad name: x\n", ": empty name\n", "x\x01y: z\n", "name\t: tab before colon\n",
            "a:b:c\n"};
        const char *line = lines[prng_below(&random_stream, sizeof lines / sizeof lines[0])];
        insert_bytes(o, at, line, strlen(line));
        break;
    }
    case 7: /* a status line, good or bad */ {
        static const char *const lines[] = {"status: 99999999999999999999\n",
                                            "Status: 200 OK\n",
                                            "status: 1\n",
                                            "status: 099\n",
                                            "status: 999 Weird\n",
                                            "status:\n",
                                            "status: 20x\n",
                                            "status:  404   \n",
                                            "STATUS: 301\n",
                                            "status: 200\tOK\n"};
        const char *line = lines[prng_below(&random_stream, sizeof lines / sizeof lines[0])];
        insert_bytes(o, at, line, strlen(line));
        break;
    }
    case 8: /* line ends turned CR-only */
        for (size_t i = 0; i < o->length; i++)
            if (o->data[i] == '\n')
                o->data[i] = '\r';
        break;
    default: /* a long run of one byte */ {
        uint8_t run[2048];
        size_t count = 1 + prng_below(&random_stream, sizeof run);
        memset(run, (int)(uint8_t)interesting[prng_below(&random_stream, sizeof interesting - 1)], count);
        insert_bytes(o, at, run, count);
        break;
    }
    }
}

static void generate(output *o)
{
    size_t kind = prng_below(&random_stream, 10);
    o->length = 0;
    if (kind < 6) { /* a valid output, mutated a few times */
        const char *seed = valid_outputs[prng_below(&random_stream, VALID_COUNT)];
        o->length = strlen(seed);
        memcpy(o->data, seed, o->length);
        for (size_t count = 1 + prng_below(&random_stream, 4); count; count--)
            mutate(o);
    } else if (kind == 6) { /* binary */
        o->length = prng_below(&random_stream, 4096);
        for (size_t i = 0; i < o->length; i++)
            o->data[i] = (uint8_t)prng_next(&random_stream);
    } else if (kind == 7) { /* text made of the parser's own punctuation */
        o->length = prng_below(&random_stream, 512);
        for (size_t i = 0; i < o->length; i++)
            o->data[i] = (uint8_t)interesting[prng_below(&random_stream, sizeof interesting - 1)];
    } else if (kind == 8) { /* many headers (past the limit of count or bytes, sometimes) */
        size_t count = prng_below(&random_stream, 2 * GUEST_MAX_RESPONSE_HEADERS);
        size_t value_length = prng_below(&random_stream, 3) == 0 ? 1500 : 8;
        char line[1600];
        for (size_t i = 0; i < count; i++) {
            int n = snprintf(
                line, sizeof line, "x-h%zu: %.*s\n", i, (int)value_length,
                "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"
                "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv");
            insert_bytes(o, o->length, line, (size_t)n);
        }
        insert_bytes(o, o->length, "content-type: a/b\n\nbody", 23);
        if (prng_below(&random_stream, 2))
            mutate(o);
    } else { /* a valid output with a huge body or a huge header line */
        const char *seed = valid_outputs[prng_below(&random_stream, VALID_COUNT)];
        o->length = strlen(seed);
        memcpy(o->data, seed, o->length);
        uint8_t filler[4096];
        memset(filler, prng_below(&random_stream, 2) ? 'b' : 0, sizeof filler);
        size_t at = prng_below(&random_stream, 2) ? o->length : prng_below(&random_stream, o->length + 1);
        for (size_t count = prng_below(&random_stream, 40); count; count--)
            insert_bytes(o, at, filler, sizeof filler);
    }
}

/* One parse, with the parser's contract checked. Returns the outcome kind. */
static int check_parse(const uint8_t *data, size_t length, size_t case_number)
{
    http_response response;
    http_response_init(&response, 500);
    guest_outcome outcome = {.kind = GUEST_OK};
    guest_wagi_parse_output(data, length, &response, &outcome);
    if (outcome.kind == GUEST_OK) {
        CHECK(response.status >= 100 && response.status <= 999, "case %zu: status %d", case_number, response.status);
        CHECK(response.body_length <= length, "case %zu: a body longer than the output", case_number);
        for (size_t i = 0; i < response.header_count; i++) {
            const http_header *header = &response.headers[i];
            CHECK(guest_header_name_valid(header->name, strlen(header->name)), "case %zu: header name \"%s\"",
                  case_number, header->name);
            CHECK(!strpbrk(header->value, "\r\n"), "case %zu: CR or LF in the value of %s", case_number, header->name);
        }
    } else {
        CHECK(outcome.kind == GUEST_BAD_RESPONSE, "case %zu: outcome %d (%s)", case_number, (int)outcome.kind,
              outcome.message);
        CHECK(outcome.message[0] != '\0', "case %zu: malformed without a message", case_number);
    }
    http_response_free(&response);
    return outcome.kind;
}

/* A few outputs whose answer is known, so the fuzzing below cannot pass on a parser that
 * rejects (or accepts) everything. */
static void check_known(void)
{
    static const struct {
        const char *text;
        int status; /* 0: malformed */
    } known[] = {
        {"", 0},
        {"content-type: text/plain\n\nhi", 200},
        {"status: 404 Not Found\n\n", 404},
        {"location: /x\r\n\r\n", 302},
        {"content-type: text/plain\rcr only\r\r", 0},
        {"content-type: text/plain\n", 0}, /* no blank line */
        {"no colon\n\n", 0},
        {"status: 99999999999\n\n", 0},
        {"status: 099\n\n", 0},
        {"x-only: 1\n\n", 0}, /* no content-type, location or status */
        {"content-type: a\x01"
         "b\n\n",
         0},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        http_response response;
        http_response_init(&response, 500);
        guest_outcome outcome = {.kind = GUEST_OK};
        guest_wagi_parse_output((const uint8_t *)known[i].text, strlen(known[i].text), &response, &outcome);
        if (known[i].status)
            CHECK(outcome.kind == GUEST_OK && response.status == known[i].status, "known %zu: %d, %s", i,
                  response.status, outcome.message);
        else
            CHECK(outcome.kind == GUEST_BAD_RESPONSE && outcome.message[0], "known %zu: accepted", i);
        http_response_free(&response);
    }
}

int main(void)
{
    check_known();
    static output o;
    size_t accepted = 0, malformed = 0;
    for (size_t i = 0; i < CASES; i++) {
        generate(&o);
        /* A copy of exactly `length` bytes, so ASan sees any read past the end. */
        uint8_t *copy = malloc(o.length ? o.length : 1);
        memcpy(copy, o.data, o.length);
        if (check_parse(copy, o.length, i) == GUEST_OK)
            accepted++;
        else
            malformed++;
        free(copy);
    }
    printf("wagi fuzz: %d cases: %zu accepted, %zu malformed\n", CASES, accepted, malformed);
    CHECK(accepted > CASES / 20 && malformed > CASES / 20, "both answers seen (%zu, %zu)", accepted, malformed);
    return checks_done("wagi_fuzz");
}
