/* qsort.c: quicksort. An own quicksort (median of three, insertion sort below 16 elements, recursing
 * into the smaller side) on arrays of 32-bit integers with several distributions: random, few distinct
 * values, almost sorted, reversed, and sawtooth. Each result is checked to be sorted and to hold the
 * same multiset (by an order-independent hash). Returns a checksum >= 0, or a negative value. */
#include <stdint.h>
#include <stdlib.h>

#define COUNT 500000
static volatile int count_v = COUNT;
static volatile int rounds_v = 4;
static volatile uint32_t seed_v = 0x5eed1234u;

static uint32_t rng_state;
static uint32_t xorshift32(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

static void insertion_sort(uint32_t *a, int n)
{
    for (int i = 1; i < n; i++) {
        uint32_t v = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void swap(uint32_t *a, int i, int j)
{
    uint32_t t = a[i];
    a[i] = a[j];
    a[j] = t;
}

static void quicksort(uint32_t *a, int n)
{
    while (n > 16) {
        int mid = n / 2;
        if (a[mid] < a[0])
            swap(a, mid, 0);
        if (a[n - 1] < a[0])
            swap(a, n - 1, 0);
        if (a[n - 1] < a[mid])
            swap(a, n - 1, mid);
        uint32_t pivot = a[mid];
        int i = 0, j = n - 1;
        /* Hoare partition. */
        for (;;) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i >= j)
                break;
            swap(a, i, j);
            i++;
            j--;
        }
        int left = j + 1; /* a[0 .. j] <= pivot <= a[j+1 .. n-1] */
        if (left < n - left) {
            quicksort(a, left);
            a += left;
            n -= left;
        } else {
            quicksort(a + left, n - left);
            n = left;
        }
    }
    insertion_sort(a, n);
}

static uint32_t mix(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

int run(void)
{
    int n = count_v;
    uint32_t *a = malloc((size_t)n * sizeof *a);
    if (!a)
        return -1;
    rng_state = seed_v;
    uint32_t check = 0;
    int rounds = rounds_v;
    for (int r = 0; r < rounds; r++)
        for (int kind = 0; kind < 5; kind++) {
            for (int i = 0; i < n; i++) {
                uint32_t x = xorshift32();
                switch (kind) {
                case 0: a[i] = x; break;                                    /* random */
                case 1: a[i] = x % 64; break;                               /* few distinct values */
                case 2: a[i] = (uint32_t)i * 3u + (x & 1); break;           /* almost sorted */
                case 3: a[i] = (uint32_t)(n - i) * 5u; break;               /* reversed */
                default: a[i] = (uint32_t)(i % 1000) * 7u + (x & 3); break; /* sawtooth */
                }
            }
            uint32_t before = 0;
            for (int i = 0; i < n; i++)
                before += mix(a[i]);
            quicksort(a, n);
            uint32_t after = 0;
            for (int i = 0; i < n; i++) {
                after += mix(a[i]);
                if (i > 0 && a[i - 1] > a[i])
                    return -2;
            }
            if (after != before)
                return -3;
            check = check * 31u + a[n / 3] + a[n - 1] + after;
        }
    free(a);
    return (int)(check & 0x7fffffff);
}
