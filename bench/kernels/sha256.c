/* sha256.c: a larger program, SHA-256. A streaming SHA-256 (init/update/final) checked against the
 * FIPS 180-2 test vectors ("", "abc", the 448-bit message, and a million 'a's fed in uneven pieces),
 * then hashing a generated 1 MiB buffer repeatedly, each round's digest written into the buffer before
 * the next. Returns a checksum >= 0, or a negative value if a test vector fails. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BUFFER (1 << 20)
static volatile int rounds_v = 100;
static volatile uint32_t seed_v = 0x6a09e667u;

struct sha256 {
    uint32_t h[8];
    uint64_t length; /* bytes */
    uint8_t block[64];
    uint32_t fill;
};

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void compress_block(uint32_t *h, const uint8_t *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
               (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + S1 + ch + K[i] + w[i];
        uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = S0 + maj;
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

static void sha_init(struct sha256 *s)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, iv, sizeof iv);
    s->length = 0;
    s->fill = 0;
}

static void sha_update(struct sha256 *s, const uint8_t *p, uint32_t n)
{
    s->length += n;
    if (s->fill) {
        uint32_t take = 64 - s->fill < n ? 64 - s->fill : n;
        memcpy(s->block + s->fill, p, take);
        s->fill += take;
        p += take;
        n -= take;
        if (s->fill < 64)
            return;
        compress_block(s->h, s->block);
        s->fill = 0;
    }
    while (n >= 64) {
        compress_block(s->h, p);
        p += 64;
        n -= 64;
    }
    memcpy(s->block, p, n);
    s->fill = n;
}

static void sha_final(struct sha256 *s, uint8_t digest[32])
{
    uint64_t bits = s->length * 8;
    uint8_t pad = 0x80;
    sha_update(s, &pad, 1);
    pad = 0;
    while (s->fill != 56)
        sha_update(s, &pad, 1);
    uint8_t len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha_update(s, len, 8);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (uint8_t)(s->h[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
        digest[4 * i + 3] = (uint8_t)s->h[i];
    }
}

static int hex_equal(const uint8_t digest[32], const char *hex)
{
    for (int i = 0; i < 32; i++) {
        int hi = hex[2 * i] <= '9' ? hex[2 * i] - '0' : hex[2 * i] - 'a' + 10;
        int lo = hex[2 * i + 1] <= '9' ? hex[2 * i + 1] - '0' : hex[2 * i + 1] - 'a' + 10;
        if (digest[i] != (uint8_t)(hi * 16 + lo))
            return 0;
    }
    return 1;
}

static int check_vector(const char *msg, const char *hex)
{
    struct sha256 s;
    uint8_t d[32];
    sha_init(&s);
    sha_update(&s, (const uint8_t *)msg, (uint32_t)strlen(msg));
    sha_final(&s, d);
    return hex_equal(d, hex);
}

static uint32_t rng_state;
static uint32_t xorshift32(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

int run(void)
{
    if (!check_vector("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))
        return -1;
    if (!check_vector("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
        return -2;
    if (!check_vector("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"))
        return -3;

    uint8_t *buf = malloc(BUFFER);
    if (!buf)
        return -4;
    /* A million 'a's, in pieces of 1, 2, ... 1000 bytes. */
    memset(buf, 'a', 1000000);
    struct sha256 s;
    uint8_t d[32];
    sha_init(&s);
    uint32_t done = 0, piece = 1;
    while (done < 1000000) {
        uint32_t n = piece < 1000000 - done ? piece : 1000000 - done;
        sha_update(&s, buf + done, n);
        done += n;
        piece = piece % 1000 + 1;
    }
    sha_final(&s, d);
    if (!hex_equal(d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"))
        return -5;

    rng_state = seed_v;
    for (uint32_t i = 0; i < BUFFER; i += 4) {
        uint32_t r = xorshift32();
        buf[i] = (uint8_t)r;
        buf[i + 1] = (uint8_t)(r >> 8);
        buf[i + 2] = (uint8_t)(r >> 16);
        buf[i + 3] = (uint8_t)(r >> 24);
    }
    int rounds = rounds_v;
    uint32_t check = 0;
    for (int r = 0; r < rounds; r++) {
        sha_init(&s);
        sha_update(&s, buf, BUFFER - (uint32_t)r); /* lengths that aren't multiples of 64 */
        sha_final(&s, d);
        memcpy(buf + (uint32_t)r * 32 % (BUFFER - 32), d, 32);
        check = check * 31u + ((uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3]);
    }
    free(buf);
    return (int)(check & 0x7fffffff);
}
