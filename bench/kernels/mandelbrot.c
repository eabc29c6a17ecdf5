/* mandelbrot.c: double arithmetic in a tight escape-time loop. Iteration counts over a W x H grid of
 * the complex plane, symmetric about the real axis; since negating the imaginary part is exact, each
 * row must have the same counts as its mirror row, which is checked. Also checks a few points known
 * to be inside or outside the set. Returns a checksum >= 0, or a negative value if a check fails. */
#include <stdint.h>

#define W 1024
#define H 768 /* even, so rows y and H - y mirror each other around row H/2 */
static volatile int max_iter_v = 800;
static uint16_t counts[H + 1][W];

static int escape(double cr, double ci, int max_iter)
{
    double zr = 0.0, zi = 0.0, zr2 = 0.0, zi2 = 0.0;
    int n = 0;
    while (n < max_iter && zr2 + zi2 <= 4.0) {
        zi = 2.0 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        zr2 = zr * zr;
        zi2 = zi * zi;
        n++;
    }
    return n;
}

int run(void)
{
    int max_iter = max_iter_v;
    const double x0 = -2.2, x1 = 0.8, y_half = 1.2;
    const double dx = (x1 - x0) / W, dy = y_half / (H / 2);
    /* Rows 0 .. H: imaginary part (y - H/2) * dy, so row H - y is the exact negation of row y. */
    for (int y = 0; y <= H; y++) {
        double ci = (double)(y - H / 2) * dy;
        for (int x = 0; x < W; x++)
            counts[y][x] = (uint16_t)escape(x0 + (double)x * dx, ci, max_iter);
    }
    uint32_t check = 0, inside = 0;
    for (int y = 0; y <= H; y++)
        for (int x = 0; x < W; x++) {
            if (counts[y][x] != counts[H - y][x])
                return -1;
            inside += counts[y][x] == max_iter;
            check = check * 31u + counts[y][x];
        }
    if (escape(0.0, 0.0, max_iter) != max_iter || escape(-1.0, 0.0, max_iter) != max_iter ||
        escape(0.5, 0.5, max_iter) == max_iter || escape(-2.2, 1.2, max_iter) != 1)
        return -2;
    check ^= inside * 2654435761u;
    return (int)(check & 0x7fffffff);
}
