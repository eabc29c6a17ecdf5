/* blur.c: an image filter: 3x3 Gaussian blur (weights 1 2 1 / 2 4 2 / 1 2 1, rounded division by 16)
 * of a 1024x1024 8-bit grey image, passes back and forth between two buffers. With wasm_simd128.h
 * intrinsics when built with -msimd128 (16 pixels per step in 16-bit lanes) and a pixel loop
 * otherwise: the two builds are SIMD/scalar twins and must print the same checksum (integer
 * arithmetic, exact both ways). Checked on an impulse (the kernel's weights come out), a constant
 * image, and sampled rows recomputed pixel by pixel. Returns a checksum >= 0, or a negative value if a
 * check fails. */
#include <stdint.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define W 1024
#define H 1024
static volatile int passes_v = 20;
static volatile uint32_t seed_v = 4242u;
static unsigned char image[W * H], other[W * H];

static uint32_t rng_state;
static uint32_t xorshift32(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

/* One output pixel the plain way: the reference for the checks, and the scalar path's body. */
static unsigned char blur_pixel(const unsigned char *src, int width, int x, int y)
{
    const unsigned char *up = src + (y - 1) * width + x, *mid = up + width, *down = mid + width;
    uint32_t sum =
        up[-1] + 2u * up[0] + up[1] + 2u * (mid[-1] + 2u * mid[0] + mid[1]) + down[-1] + 2u * down[0] + down[1];
    return (unsigned char)((sum + 8) >> 4);
}

#ifdef __wasm_simd128__
/* Row sums l + 2m + r of 16 neighbouring pixels, as two vectors of eight 16-bit lanes. */
static void row_sums(const unsigned char *p, v128_t *low, v128_t *high)
{
    v128_t l = wasm_v128_load(p - 1), m = wasm_v128_load(p), r = wasm_v128_load(p + 1);
    *low = wasm_i16x8_add(wasm_i16x8_add(wasm_u16x8_extend_low_u8x16(l), wasm_u16x8_extend_low_u8x16(r)),
                          wasm_i16x8_shl(wasm_u16x8_extend_low_u8x16(m), 1));
    *high = wasm_i16x8_add(wasm_i16x8_add(wasm_u16x8_extend_high_u8x16(l), wasm_u16x8_extend_high_u8x16(r)),
                           wasm_i16x8_shl(wasm_u16x8_extend_high_u8x16(m), 1));
}

/* The sums reach at most 16 * 255 = 4080: 16-bit lanes hold them. */
static void blur_16(unsigned char *dst, const unsigned char *src, int width)
{
    v128_t up_low, up_high, mid_low, mid_high, down_low, down_high;
    row_sums(src - width, &up_low, &up_high);
    row_sums(src, &mid_low, &mid_high);
    row_sums(src + width, &down_low, &down_high);
    const v128_t eight = wasm_i16x8_splat(8);
    v128_t low = wasm_i16x8_add(wasm_i16x8_add(up_low, down_low), wasm_i16x8_add(wasm_i16x8_shl(mid_low, 1), eight));
    v128_t high =
        wasm_i16x8_add(wasm_i16x8_add(up_high, down_high), wasm_i16x8_add(wasm_i16x8_shl(mid_high, 1), eight));
    wasm_v128_store(dst, wasm_u8x16_narrow_i16x8(wasm_u16x8_shr(low, 4), wasm_u16x8_shr(high, 4)));
}

/* The interior of each row in steps of 16; the last step starts at width - 17, overlapping the one
 * before it (the same pixels again, the same values). */
static void blur(unsigned char *dst, const unsigned char *src, int width, int height)
{
    for (int y = 1; y < height - 1; y++) {
        for (int x = 1;; x += 16) {
            if (x > width - 17)
                x = width - 17;
            blur_16(dst + y * width + x, src + y * width + x, width);
            if (x == width - 17)
                break;
        }
    }
}
#else
static void blur(unsigned char *dst, const unsigned char *src, int width, int height)
{
    for (int y = 1; y < height - 1; y++)
        for (int x = 1; x < width - 1; x++)
            dst[y * width + x] = blur_pixel(src, width, x, y);
}
#endif

/* The border keeps its pixels. */
static void copy_border(unsigned char *dst, const unsigned char *src, int width, int height)
{
    for (int x = 0; x < width; x++) {
        dst[x] = src[x];
        dst[(height - 1) * width + x] = src[(height - 1) * width + x];
    }
    for (int y = 0; y < height; y++) {
        dst[y * width] = src[y * width];
        dst[y * width + width - 1] = src[y * width + width - 1];
    }
}

/* An impulse of 160 blurs into 10 * the weights; a constant image stays as it is. */
static int check_small(void)
{
    enum { SW = 40, SH = 6 };
    static unsigned char src[SW * SH], dst[SW * SH];
    static const unsigned char weights[9] = {1, 2, 1, 2, 4, 2, 1, 2, 1};
    for (int i = 0; i < SW * SH; i++)
        src[i] = 0;
    src[2 * SW + 20] = 160;
    blur(dst, src, SW, SH);
    for (int y = 1; y < SH - 1; y++)
        for (int x = 1; x < SW - 1; x++) {
            int dy = y - 2, dx = x - 20;
            int want = (dy >= -1 && dy <= 1 && dx >= -1 && dx <= 1) ? 10 * weights[(dy + 1) * 3 + dx + 1] : 0;
            if (dst[y * SW + x] != want)
                return 0;
        }
    for (int i = 0; i < SW * SH; i++)
        src[i] = 201;
    blur(dst, src, SW, SH);
    for (int y = 1; y < SH - 1; y++)
        for (int x = 1; x < SW - 1; x++)
            if (dst[y * SW + x] != 201)
                return 0;
    return 1;
}

int run(void)
{
    if (!check_small())
        return -1;
    rng_state = seed_v;
    /* Smooth gradients plus noise, so that the blur changes something in every pass. */
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            image[y * W + x] = (unsigned char)(((x * 3 + y * 5) & 0xFF) / 2 + (xorshift32() & 0x7F));
    copy_border(other, image, W, H);
    int passes = passes_v;
    unsigned char *src = image, *dst = other;
    uint32_t check = 2166136261u;
    for (int p = 0; p < passes; p++) {
        blur(dst, src, W, H);
        for (int s = 0; s < 4; s++) { /* sampled rows against the pixel-by-pixel reference */
            int y = 1 + (int)(xorshift32() % (H - 2));
            for (int x = 1; x < W - 1; x++)
                if (dst[y * W + x] != blur_pixel(src, W, x, y))
                    return -2;
        }
        for (int i = (int)(xorshift32() % 61); i < W * H; i += 61) {
            check ^= dst[i];
            check *= 16777619u;
        }
        unsigned char *t = src;
        src = dst;
        dst = t;
    }
    return (int)(check & 0x7fffffff);
}
