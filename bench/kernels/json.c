/* json.c: branchy code, a tokenizer and JSON scanner. A generator writes a JSON document of about
 * 1 MiB (objects, arrays, strings with escapes, integers, decimals with exponents, true/false/null)
 * into a malloc'd buffer and counts what it wrote; a recursive-descent scanner then validates the
 * document several times, counting the values by kind, decoding the strings and adding up the numbers.
 * The counts must match the generator's, and a deliberately broken copy must be rejected.
 * Returns a checksum >= 0, or a negative value if a check fails. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DOC_MAX (4 << 20)
static volatile int records_v = 4500;
static volatile int passes_v = 100;
static volatile uint32_t seed_v = 0xc0ffee11u;

struct counts {
    uint32_t objects, arrays, strings, numbers, literals, string_bytes;
    uint32_t int_sum;   /* integer parts of all numbers, wrapping */
    uint32_t frac_sum;  /* fraction digits of all numbers, as integers */
    uint32_t text_hash; /* of the decoded string contents */
};

/* ---- generator ---- */

static char *doc;
static uint32_t doc_len;
static struct counts gen;

static uint32_t rng_state;
static uint32_t xorshift32(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

static void put(char c) { doc[doc_len++] = c; }
static void puts_raw(const char *s)
{
    while (*s)
        put(*s++);
}
static uint32_t hash_byte(uint32_t h, uint8_t b) { return (h ^ b) * 16777619u; }

static void put_uint(uint32_t v)
{
    char tmp[12];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        put(tmp[--n]);
}

static const char *const words[] = {"alpha", "beta", "gamma", "delta",  "epsilon", "zeta", "eta",
                                    "theta", "iota", "kappa", "lambda", "mu",      "nu",   "xi"};

static void gen_string(void)
{
    gen.strings++;
    put('"');
    int parts = 1 + (int)(xorshift32() % 4);
    for (int p = 0; p < parts; p++) {
        uint32_t r = xorshift32();
        switch (r & 7) {
        case 0:
            put('\\');
            put('"');
            gen.string_bytes++;
            gen.text_hash = hash_byte(gen.text_hash, '"');
            break;
        case 1:
            put('\\');
            put('n');
            gen.string_bytes++;
            gen.text_hash = hash_byte(gen.text_hash, '\n');
            break;
        case 2:
            put('\\');
            put('\\');
            gen.string_bytes++;
            gen.text_hash = hash_byte(gen.text_hash, '\\');
            break;
        case 3: /* \u00XX with XX a letter */
            puts_raw("\\u00");
            put("4567"[(r >> 3) & 3]);
            put("123456789abcde"[(r >> 5) % 14]);
            {
                uint32_t hi = 4 + ((r >> 3) & 3), lo = 1 + (r >> 5) % 14;
                gen.string_bytes++;
                gen.text_hash = hash_byte(gen.text_hash, (uint8_t)(hi * 16 + lo));
            }
            break;
        default: {
            const char *w = words[(r >> 3) % 14];
            while (*w) {
                put(*w);
                gen.string_bytes++;
                gen.text_hash = hash_byte(gen.text_hash, (uint8_t)*w);
                w++;
            }
        }
        }
    }
    put('"');
}

static void gen_number(void)
{
    gen.numbers++;
    uint32_t r = xorshift32();
    uint32_t ipart = (r & 1) ? xorshift32() % 1000000 : xorshift32() % 100;
    if (r & 2) {
        put('-');
        gen.int_sum -= ipart;
    } else {
        gen.int_sum += ipart;
    }
    put_uint(ipart);
    if (r & 4) {
        uint32_t frac = 1 + xorshift32() % 999; /* three digits, possibly with leading zeros */
        put('.');
        put((char)('0' + frac / 100));
        put((char)('0' + frac / 10 % 10));
        put((char)('0' + frac % 10));
        gen.frac_sum += frac;
    }
    if (r & 8) {
        put((r & 16) ? 'e' : 'E');
        if (r & 32)
            put((r & 64) ? '+' : '-');
        put_uint(1 + (r >> 8) % 30);
    }
}

static void gen_value(int depth);

static void gen_array(int depth)
{
    gen.arrays++;
    put('[');
    int n = (int)(xorshift32() % 6);
    for (int i = 0; i < n; i++) {
        if (i)
            put(',');
        if (xorshift32() & 1)
            put(' ');
        gen_value(depth + 1);
    }
    put(']');
}

static void gen_object(int depth)
{
    gen.objects++;
    put('{');
    int n = 1 + (int)(xorshift32() % 5);
    for (int i = 0; i < n; i++) {
        if (i)
            puts_raw(",\n  ");
        gen_string();
        puts_raw(": ");
        gen_value(depth + 1);
    }
    put('}');
}

static void gen_value(int depth)
{
    uint32_t r = xorshift32() % (depth < 5 ? 8 : 5);
    switch (r) {
    case 0: gen_string(); break;
    case 1:
    case 2: gen_number(); break;
    case 3:
        gen.literals++;
        puts_raw("true");
        break;
    case 4:
        gen.literals++;
        puts_raw((xorshift32() & 1) ? "false" : "null");
        break;
    case 5:
    case 6: gen_object(depth); break;
    default: gen_array(depth); break;
    }
}

/* ---- scanner ---- */

struct scanner {
    const char *p, *end;
    struct counts c;
    int error;
};

static void skip_ws(struct scanner *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\t' || *s->p == '\r'))
        s->p++;
}

static int hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static void scan_string(struct scanner *s)
{
    s->p++; /* '"' */
    s->c.strings++;
    while (s->p < s->end && *s->p != '"') {
        uint8_t ch = (uint8_t)*s->p++;
        if (ch < 0x20) {
            s->error = 1;
            return;
        }
        if (ch == '\\') {
            if (s->p >= s->end) {
                s->error = 1;
                return;
            }
            char e = *s->p++;
            switch (e) {
            case '"': ch = '"'; break;
            case '\\': ch = '\\'; break;
            case '/': ch = '/'; break;
            case 'b': ch = '\b'; break;
            case 'f': ch = '\f'; break;
            case 'n': ch = '\n'; break;
            case 'r': ch = '\r'; break;
            case 't': ch = '\t'; break;
            case 'u': {
                uint32_t v = 0;
                for (int i = 0; i < 4; i++) {
                    int d = s->p < s->end ? hex_digit(*s->p++) : -1;
                    if (d < 0) {
                        s->error = 1;
                        return;
                    }
                    v = v * 16 + (uint32_t)d;
                }
                ch = (uint8_t)v; /* the generator writes only \u00XX */
                break;
            }
            default: s->error = 1; return;
            }
        }
        s->c.string_bytes++;
        s->c.text_hash = hash_byte(s->c.text_hash, ch);
    }
    if (s->p >= s->end) {
        s->error = 1;
        return;
    }
    s->p++;
}

static int is_digit(char ch) { return ch >= '0' && ch <= '9'; }

static void scan_number(struct scanner *s)
{
    int neg = 0;
    uint32_t ipart = 0, frac = 0;
    if (*s->p == '-') {
        neg = 1;
        s->p++;
    }
    if (s->p >= s->end || !is_digit(*s->p)) {
        s->error = 1;
        return;
    }
    if (*s->p == '0') {
        s->p++;
    } else {
        while (s->p < s->end && is_digit(*s->p))
            ipart = ipart * 10 + (uint32_t)(*s->p++ - '0');
    }
    if (s->p < s->end && *s->p == '.') {
        s->p++;
        if (s->p >= s->end || !is_digit(*s->p)) {
            s->error = 1;
            return;
        }
        while (s->p < s->end && is_digit(*s->p))
            frac = frac * 10 + (uint32_t)(*s->p++ - '0');
    }
    if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
        s->p++;
        if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
            s->p++;
        if (s->p >= s->end || !is_digit(*s->p)) {
            s->error = 1;
            return;
        }
        while (s->p < s->end && is_digit(*s->p))
            s->p++;
    }
    s->c.numbers++;
    s->c.int_sum = neg ? s->c.int_sum - ipart : s->c.int_sum + ipart;
    s->c.frac_sum += frac;
}

static int match(struct scanner *s, const char *lit)
{
    uint32_t n = (uint32_t)strlen(lit);
    if ((uint32_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
        return 0;
    s->p += n;
    return 1;
}

static void scan_value(struct scanner *s, int depth)
{
    if (depth > 64) {
        s->error = 1;
        return;
    }
    skip_ws(s);
    if (s->p >= s->end) {
        s->error = 1;
        return;
    }
    char ch = *s->p;
    if (ch == '{') {
        s->c.objects++;
        s->p++;
        skip_ws(s);
        if (s->p < s->end && *s->p == '}') {
            s->p++;
            return;
        }
        for (;;) {
            skip_ws(s);
            if (s->p >= s->end || *s->p != '"') {
                s->error = 1;
                return;
            }
            scan_string(s);
            if (s->error)
                return;
            skip_ws(s);
            if (s->p >= s->end || *s->p != ':') {
                s->error = 1;
                return;
            }
            s->p++;
            scan_value(s, depth + 1);
            if (s->error)
                return;
            skip_ws(s);
            if (s->p < s->end && *s->p == ',') {
                s->p++;
                continue;
            }
            if (s->p < s->end && *s->p == '}') {
                s->p++;
                return;
            }
            s->error = 1;
            return;
        }
    } else if (ch == '[') {
        s->c.arrays++;
        s->p++;
        skip_ws(s);
        if (s->p < s->end && *s->p == ']') {
            s->p++;
            return;
        }
        for (;;) {
            scan_value(s, depth + 1);
            if (s->error)
                return;
            skip_ws(s);
            if (s->p < s->end && *s->p == ',') {
                s->p++;
                continue;
            }
            if (s->p < s->end && *s->p == ']') {
                s->p++;
                return;
            }
            s->error = 1;
            return;
        }
    } else if (ch == '"') {
        scan_string(s);
    } else if (ch == '-' || is_digit(ch)) {
        scan_number(s);
    } else if (match(s, "true") || match(s, "false") || match(s, "null")) {
        s->c.literals++;
    } else {
        s->error = 1;
    }
}

static int scan_document(const char *text, uint32_t len, struct counts *out)
{
    struct scanner s;
    memset(&s, 0, sizeof s);
    s.p = text;
    s.end = text + len;
    s.c.text_hash = 2166136261u;
    scan_value(&s, 0);
    if (!s.error) {
        skip_ws(&s);
        if (s.p != s.end)
            s.error = 1;
    }
    *out = s.c;
    return !s.error;
}

int run(void)
{
    doc = malloc(DOC_MAX);
    if (!doc)
        return -1;
    doc_len = 0;
    memset(&gen, 0, sizeof gen);
    gen.text_hash = 2166136261u;
    rng_state = seed_v;

    /* The document: an array of records, each an object with a few fixed and some random members. */
    int records = records_v;
    gen.arrays++;
    put('[');
    for (int i = 0; i < records && doc_len < DOC_MAX - 4096; i++) {
        if (i)
            puts_raw(",\n");
        gen.objects++;
        gen.strings++;
        puts_raw("{\"id\": ");
        for (const char *k = "id"; *k; k++) {
            gen.string_bytes++;
            gen.text_hash = hash_byte(gen.text_hash, (uint8_t)*k);
        }
        gen.numbers++;
        gen.int_sum += (uint32_t)i;
        put_uint((uint32_t)i);
        int members = (int)(xorshift32() % 6);
        for (int m = 0; m < members; m++) {
            puts_raw(", ");
            gen_string();
            puts_raw(":");
            gen_value(1);
        }
        put('}');
    }
    put(']');
    put('\n');

    uint32_t check = 0;
    int passes = passes_v;
    for (int p = 0; p < passes; p++) {
        struct counts c;
        if (!scan_document(doc, doc_len, &c))
            return -2;
        if (memcmp(&c, &gen, sizeof c) != 0)
            return -3;
        check = check * 31u + c.objects + c.arrays * 3u + c.strings * 5u + c.numbers * 7u + c.literals * 11u +
                c.string_bytes + c.int_sum + c.frac_sum + c.text_hash;
    }

    /* Broken documents must be rejected: a missing closing bracket, and a stray character. */
    struct counts c;
    if (scan_document(doc, doc_len - 2, &c))
        return -4;
    doc[doc_len / 2] = '#';
    int accepted = scan_document(doc, doc_len, &c);
    /* (Inside a string the '#' is fine; step to the next structural position if so.) */
    if (accepted) {
        uint32_t i = doc_len / 2;
        doc[i] = ' ';
        while (i < doc_len && doc[i] != ',')
            i++;
        doc[i] = '#';
        if (scan_document(doc, doc_len, &c))
            return -5;
    }
    check = check * 31u + doc_len;
    free(doc);
    return (int)(check & 0x7fffffff);
}
