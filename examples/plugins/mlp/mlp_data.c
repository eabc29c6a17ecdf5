/* mlp_data.c: the generated data set: points in three concentric shells of 8-D space, from splitmix64. */
#include "mlp_data.h"

/* The radii of the shells: between them, gaps of 0.4 without any point. */
static const float shell_inner[MLP_OUTPUTS] = {0.2f, 1.4f, 2.6f};
static const float shell_outer[MLP_OUTPUTS] = {1.0f, 2.2f, 3.4f};

uint64_t mlp_random_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

float mlp_random_unit(uint64_t *state) { return (float)(mlp_random_next(state) >> 40) * 0x1p-24f; }

/* A square root by Newton's method in float, so that the data set depends on basic operations
 * only (sqrtf is exact everywhere too, but this keeps the generator free of libm). */
static float square_root(float value)
{
    float root = value > 1.0f ? value : 1.0f;
    for (int i = 0; i < 40; i++)
        root = 0.5f * (root + value / root);
    return root;
}

void mlp_data_point(uint64_t *state, float point[MLP_INPUTS], int *label)
{
    int class = (int)(mlp_random_next(state) % MLP_OUTPUTS);
    /* A uniform direction: a point of the cube [-1, 1)^8 kept only inside the unit ball (about a
     * quarter of them), away from the centre, then scaled to length 1. */
    float length_squared;
    do {
        length_squared = 0.0f;
        for (int i = 0; i < MLP_INPUTS; i++) {
            point[i] = 2.0f * mlp_random_unit(state) - 1.0f;
            length_squared += point[i] * point[i];
        }
    } while (length_squared > 1.0f || length_squared < 0.01f);
    float radius = shell_inner[class] + (shell_outer[class] - shell_inner[class]) * mlp_random_unit(state);
    float scale = radius / square_root(length_squared);
    for (int i = 0; i < MLP_INPUTS; i++)
        point[i] *= scale;
    *label = class;
}

int mlp_predicted_class(const float probabilities[MLP_OUTPUTS])
{
    int best = 0;
    for (int k = 1; k < MLP_OUTPUTS; k++)
        if (probabilities[k] > probabilities[best])
            best = k;
    return best;
}
