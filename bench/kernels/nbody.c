/* nbody.c: double arithmetic with sqrt. The Computer Language Benchmarks Game n-body simulation of the
 * Jovian planets. Checked against the known energies (-0.169075164 at the start, -0.169087605 after
 * 1000 steps) and for conservation of energy at the end. Returns a checksum >= 0, or a negative value. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DAYS_PER_YEAR 365.24
#define NBODIES 5

static volatile int steps_v = 4000000;

struct planet {
    double x, y, z;
    double vx, vy, vz;
    double mass;
};

static struct planet bodies[NBODIES];

static void init(void)
{
    static const struct planet initial[NBODIES] = {
        {0, 0, 0, 0, 0, 0, SOLAR_MASS},
        {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
         1.66007664274403694e-03 * DAYS_PER_YEAR, 7.69901118419740425e-03 * DAYS_PER_YEAR,
         -6.90460016972063023e-05 * DAYS_PER_YEAR, 9.54791938424326609e-04 * SOLAR_MASS},
        {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
         -2.76742510726862411e-03 * DAYS_PER_YEAR, 4.99852801234917238e-03 * DAYS_PER_YEAR,
         2.30417297573763929e-05 * DAYS_PER_YEAR, 2.85885980666130812e-04 * SOLAR_MASS},
        {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
         2.96460137564761618e-03 * DAYS_PER_YEAR, 2.37847173959480950e-03 * DAYS_PER_YEAR,
         -2.96589568540237556e-05 * DAYS_PER_YEAR, 4.36624404335156298e-05 * SOLAR_MASS},
        {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
         2.68067772490389322e-03 * DAYS_PER_YEAR, 1.62824170038242295e-03 * DAYS_PER_YEAR,
         -9.51592254519715870e-05 * DAYS_PER_YEAR, 5.15138902046611451e-05 * SOLAR_MASS},
    };
    memcpy(bodies, initial, sizeof bodies);
    double px = 0, py = 0, pz = 0;
    for (int i = 0; i < NBODIES; i++) {
        px += bodies[i].vx * bodies[i].mass;
        py += bodies[i].vy * bodies[i].mass;
        pz += bodies[i].vz * bodies[i].mass;
    }
    bodies[0].vx = -px / SOLAR_MASS;
    bodies[0].vy = -py / SOLAR_MASS;
    bodies[0].vz = -pz / SOLAR_MASS;
}

static void advance(double dt)
{
    for (int i = 0; i < NBODIES; i++) {
        struct planet *b = &bodies[i];
        for (int j = i + 1; j < NBODIES; j++) {
            struct planet *b2 = &bodies[j];
            double dx = b->x - b2->x, dy = b->y - b2->y, dz = b->z - b2->z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * sqrt(d2));
            b->vx -= dx * b2->mass * mag;
            b->vy -= dy * b2->mass * mag;
            b->vz -= dz * b2->mass * mag;
            b2->vx += dx * b->mass * mag;
            b2->vy += dy * b->mass * mag;
            b2->vz += dz * b->mass * mag;
        }
    }
    for (int i = 0; i < NBODIES; i++) {
        struct planet *b = &bodies[i];
        b->x += dt * b->vx;
        b->y += dt * b->vy;
        b->z += dt * b->vz;
    }
}

static double energy(void)
{
    double e = 0.0;
    for (int i = 0; i < NBODIES; i++) {
        struct planet *b = &bodies[i];
        e += 0.5 * b->mass * (b->vx * b->vx + b->vy * b->vy + b->vz * b->vz);
        for (int j = i + 1; j < NBODIES; j++) {
            struct planet *b2 = &bodies[j];
            double dx = b->x - b2->x, dy = b->y - b2->y, dz = b->z - b2->z;
            e -= (b->mass * b2->mass) / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

static double dabs(double x) { return x < 0 ? -x : x; }

static uint32_t hash_bits(uint32_t h, double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    h ^= (uint32_t)u;
    h *= 16777619u;
    h ^= (uint32_t)(u >> 32);
    h *= 16777619u;
    return h;
}

int run(void)
{
    init();
    double e0 = energy();
    if (dabs(e0 - -0.169075164) > 1e-9)
        return -1;
    for (int i = 0; i < 1000; i++)
        advance(0.01);
    if (dabs(energy() - -0.169087605) > 1e-9)
        return -2;
    int steps = steps_v;
    for (int i = 1000; i < steps; i++)
        advance(0.01);
    double e1 = energy();
    if (dabs(e1 - e0) > 1e-4)
        return -3;
    uint32_t check = hash_bits(2166136261u, e1);
    for (int i = 0; i < NBODIES; i++) {
        check = hash_bits(check, bodies[i].x);
        check = hash_bits(check, bodies[i].vy);
    }
    return (int)(check & 0x7fffffff);
}
