/* lz.c: a larger program, an LZ77 compressor and decompressor (LZ4-like sequences: a token byte of
 * literal and match lengths, length extension bytes, literals, a 16-bit offset) with hash chains of
 * several depths, round-tripping a generated 1 MiB text-like buffer with binary noise in it. Each
 * round trip must give back the input exactly, and compress it. Returns a checksum >= 0, or negative. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define INPUT (1 << 20)
#define MIN_MATCH 4
#define MAX_OFFSET 65535
#define WINDOW (1 << 16)
#define HASH_BITS 15
#define NONE 0xffffffffu

static volatile int input_v = INPUT;
static volatile uint32_t seed_v = 0x1f2e3d4cu;
static const int depths[] = {1, 4, 16, 2, 8, 32};
static volatile int rounds_v = 24;

static uint32_t head[1 << HASH_BITS];
static uint32_t prev[WINDOW];

static uint32_t rng_state;
static uint32_t xorshift32(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

static uint32_t hash4(const uint8_t *p)
{
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

static void insert(const uint8_t *in, uint32_t i)
{
    uint32_t h = hash4(in + i);
    prev[i & (WINDOW - 1)] = head[h];
    head[h] = i;
}

static uint32_t put_length(uint8_t *out, uint32_t op, uint32_t len)
{
    while (len >= 255) {
        out[op++] = 255;
        len -= 255;
    }
    out[op++] = (uint8_t)len;
    return op;
}

static uint32_t put_sequence(uint8_t *out, uint32_t op, const uint8_t *lit, uint32_t nlit, uint32_t match,
                             uint32_t offset)
{
    uint32_t ml = match ? match - MIN_MATCH : 0;
    out[op++] = (uint8_t)((nlit < 15 ? nlit : 15) << 4 | (match ? (ml < 15 ? ml : 15) : 0));
    if (nlit >= 15)
        op = put_length(out, op, nlit - 15);
    memcpy(out + op, lit, nlit);
    op += nlit;
    if (match) {
        out[op++] = (uint8_t)offset;
        out[op++] = (uint8_t)(offset >> 8);
        if (ml >= 15)
            op = put_length(out, op, ml - 15);
    }
    return op;
}

static uint32_t compress(const uint8_t *in, uint32_t n, uint8_t *out, int depth)
{
    memset(head, 0xff, sizeof head);
    uint32_t anchor = 0, i = 0, op = 0;
    while (i + MIN_MATCH <= n) {
        uint32_t cand = head[hash4(in + i)], best = 0, best_off = 0, limit = n - i;
        for (int d = depth; d > 0 && cand != NONE && i - cand <= MAX_OFFSET; d--) {
            if (in[cand + best] == in[i + best] || best == 0) {
                uint32_t len = 0;
                while (len < limit && in[cand + len] == in[i + len])
                    len++;
                if (len > best) {
                    best = len;
                    best_off = i - cand;
                    if (len == limit)
                        break;
                }
            }
            cand = prev[cand & (WINDOW - 1)];
        }
        insert(in, i);
        if (best >= MIN_MATCH) {
            op = put_sequence(out, op, in + anchor, i - anchor, best, best_off);
            uint32_t end = i + best;
            for (i++; i < end; i++)
                if (i + MIN_MATCH <= n)
                    insert(in, i);
            anchor = i;
        } else {
            i++;
        }
    }
    return put_sequence(out, op, in + anchor, n - anchor, 0, 0);
}

/* Returns the decompressed size, or NONE if the input is malformed. */
static uint32_t decompress(const uint8_t *in, uint32_t n, uint8_t *out, uint32_t cap)
{
    uint32_t ip = 0, op = 0;
    while (ip < n) {
        uint8_t token = in[ip++];
        uint32_t lit = token >> 4;
        if (lit == 15) {
            uint8_t b;
            do {
                if (ip >= n)
                    return NONE;
                b = in[ip++];
                lit += b;
            } while (b == 255);
        }
        if (lit > n - ip || lit > cap - op)
            return NONE;
        memcpy(out + op, in + ip, lit);
        ip += lit;
        op += lit;
        if (ip == n)
            break; /* the last sequence has no match */
        if (n - ip < 2)
            return NONE;
        uint32_t offset = (uint32_t)in[ip] | (uint32_t)in[ip + 1] << 8;
        ip += 2;
        uint32_t ml = (token & 15) + MIN_MATCH;
        if ((token & 15) == 15) {
            uint8_t b;
            do {
                if (ip >= n)
                    return NONE;
                b = in[ip++];
                ml += b;
            } while (b == 255);
        }
        if (offset == 0 || offset > op || ml > cap - op)
            return NONE;
        uint8_t *dst = out + op;
        const uint8_t *src = dst - offset;
        if (offset >= ml) {
            memcpy(dst, src, ml);
        } else {
            for (uint32_t k = 0; k < ml; k++) /* overlapping: repeats the last `offset` bytes */
                dst[k] = src[k];
        }
        op += ml;
    }
    return op;
}

static const char *const dictionary[] = {
    "the",    "of",     "and",     "to",          "in",          "is",        "that",        "for",        "it",
    "as",     "with",   "was",     "on",          "be",          "at",        "by",          "this",       "had",
    "not",    "are",    "but",     "from",        "or",          "have",      "an",          "they",       "which",
    "one",    "you",    "were",    "her",         "all",         "she",       "there",       "would",      "their",
    "we",     "him",    "been",    "has",         "when",        "who",       "will",        "more",       "no",
    "if",     "out",    "so",      "said",        "what",        "up",        "its",         "about",      "into",
    "than",   "them",   "can",     "only",        "other",       "new",       "some",        "could",      "time",
    "these",  "two",    "may",     "then",        "do",          "first",     "any",         "my",         "now",
    "such",   "like",   "our",     "over",        "man",         "me",        "even",        "most",       "made",
    "after",  "also",   "did",     "many",        "before",      "must",      "through",     "back",       "years",
    "where",  "much",   "your",    "way",         "well",        "down",      "should",      "because",    "each",
    "just",   "those",  "people",  "interpreter", "webassembly", "benchmark", "compression", "dictionary", "sequence",
    "window", "offset", "literal", "module"};

static uint32_t generate(uint8_t *buf, uint32_t n)
{
    const uint32_t nwords = sizeof dictionary / sizeof dictionary[0];
    uint32_t i = 0, words_in_line = 0;
    while (i < n) {
        uint32_t r = xorshift32();
        if ((r & 63) == 0) {
            /* Binary noise: 16 to 79 random bytes. */
            uint32_t len = 16 + ((r >> 6) & 63);
            for (uint32_t k = 0; k < len && i < n; k++)
                buf[i++] = (uint8_t)xorshift32();
            continue;
        }
        if ((r & 15) == 1) {
            /* A number. */
            uint32_t v = (r >> 8) % 100000;
            char tmp[8];
            int len = 0;
            do {
                tmp[len++] = (char)('0' + v % 10);
                v /= 10;
            } while (v);
            while (len && i < n)
                buf[i++] = (uint8_t)tmp[--len];
        } else {
            /* A word, skewed towards the front of the dictionary. */
            uint32_t a = (r >> 8) % nwords, b = (r >> 20) % nwords;
            const char *w = dictionary[a < b ? a : b];
            if (((r >> 4) & 7) == 0 && i < n) {
                buf[i++] = (uint8_t)(*w - 'a' + 'A');
                w++;
            }
            while (*w && i < n)
                buf[i++] = (uint8_t)*w++;
        }
        if (i < n)
            buf[i++] = (++words_in_line % 12 == 0) ? '\n' : ((r >> 28) == 0 ? ',' : ' ');
    }
    return n;
}

int run(void)
{
    uint32_t n = (uint32_t)input_v;
    uint32_t cap = n + n / 255 + 64;
    uint8_t *input = malloc(n), *packed = malloc(cap), *unpacked = malloc(n);
    if (!input || !packed || !unpacked)
        return -1;
    memset(input, 0, n);
    rng_state = seed_v;
    generate(input, n);

    uint32_t check = 0;
    int rounds = rounds_v;
    for (int r = 0; r < rounds; r++) {
        int depth = depths[r % (int)(sizeof depths / sizeof depths[0])];
        uint32_t size = compress(input, n, packed, depth);
        if (size >= n || size > cap)
            return -2;
        memset(unpacked, 0, n);
        uint32_t got = decompress(packed, size, unpacked, n);
        if (got != n || memcmp(unpacked, input, n) != 0)
            return -3;
        uint32_t h = 2166136261u;
        for (uint32_t k = 0; k < size; k += 7)
            h = (h ^ packed[k]) * 16777619u;
        check = check * 31u + size + h;
        /* Next round: a slightly changed input, so the rounds differ. */
        for (uint32_t k = (uint32_t)r * 4099u % n; k < n; k += 65521)
            input[k] ^= (uint8_t)(r + 1);
    }
    /* A damaged stream must be refused or decode to something else, never overrun. */
    uint32_t size = compress(input, n, packed, 4);
    packed[size / 2] ^= 0x55;
    uint32_t got = decompress(packed, size, unpacked, n);
    if (got == n && memcmp(unpacked, input, n) == 0)
        return -4;
    check = check * 31u + size;
    free(input);
    free(packed);
    free(unpacked);
    return (int)(check & 0x7fffffff);
}
