/* fib.c: calls and recursion. Naive doubly recursive Fibonacci plus Takeuchi's tak, checked against
 * an iterative Fibonacci and tak's known value. Returns a checksum >= 0, or a negative value if wrong. */
#include <stdint.h>

/* Read through volatiles so that no compiler can evaluate the work at build time. */
static volatile int fib_n = 42;
static volatile int tak_x = 24, tak_y = 16, tak_z = 8;

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static int tak(int x, int y, int z)
{
    if (y >= x)
        return z;
    return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y));
}

static uint32_t fib_iter(int n)
{
    uint32_t a = 0, b = 1;
    for (int i = 0; i < n; i++) {
        uint32_t t = a + b;
        a = b;
        b = t;
    }
    return a;
}

int run(void)
{
    int n = fib_n;
    uint32_t f = (uint32_t)fib(n);
    if (f != fib_iter(n))
        return -1;
    int t = tak(tak_x, tak_y, tak_z);
    if (t != 9) /* tak(24, 16, 8) = 9 */
        return -2;
    uint32_t sum = f * 31u + (uint32_t)t;
    return (int)(sum & 0x7fffffff);
}
