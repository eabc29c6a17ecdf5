/* mlp.c: the forward pass of the multilayer perceptron and its own exp, bit for bit the same on wasm32 and the host. */
#include "mlp.h"

#include <stdint.h>
#include <string.h>

float mlp_clamp_input(float value)
{
    /* A comparison with NaN is false, so the last test catches it; written as comparisons and not
     * fminf/fmaxf, whose NaN and -0 rules differ between wasm's f32.min and x86's minss. */
    if (value > MLP_INPUT_LIMIT)
        return MLP_INPUT_LIMIT;
    if (value < -MLP_INPUT_LIMIT)
        return -MLP_INPUT_LIMIT;
    return value == value ? value : 0.0f;
}

float mlp_exp(float x)
{
    /* Below -87.3, e^x is under the smallest normal float: 0 is close enough for a probability. */
    if (!(x > -87.0f))
        return 0.0f;
    if (x > 88.0f)
        x = 88.0f; /* e^88 still fits a float; the softmax never asks for more than e^0 */
    /* x = n ln 2 + r with |r| <= ln 2 / 2, then e^x = 2^n e^r. ln 2 is split in two (Cody and
     * Waite) so that n * ln2_high is exact and r keeps its precision. */
    const float log2_e = 0x1.715476p+0f, ln2_high = 0x1.62e400p-1f, ln2_low = 0x1.7f7d1cp-20f;
    float scaled = x * log2_e;
    int n = (int)(scaled < 0.0f ? scaled - 0.5f : scaled + 0.5f);
    float n_float = (float)n;
    float r = (x - n_float * ln2_high) - n_float * ln2_low;
    /* Taylor series of e^r to r^7 / 7!: relative error under 1e-7 for |r| <= 0.35. */
    float series = 0x1.a01a02p-13f;        /* 1/5040 */
    series = series * r + 0x1.6c16c2p-10f; /* 1/720 */
    series = series * r + 0x1.111112p-7f;  /* 1/120 */
    series = series * r + 0x1.555556p-5f;  /* 1/24 */
    series = series * r + 0x1.555556p-3f;  /* 1/6 */
    series = series * r + 0.5f;
    series = series * r + 1.0f;
    series = series * r + 1.0f;
    /* 2^n from its bits: n is within [-126, 127] here, so the float is normal. */
    uint32_t bits = (uint32_t)(n + 127) << 23;
    float power;
    memcpy(&power, &bits, sizeof power);
    return series * power;
}

void mlp_forward(const struct mlp_weights *weights, const float input[MLP_INPUTS], float hidden[MLP_HIDDEN],
                 float probabilities[MLP_OUTPUTS])
{
    float x[MLP_INPUTS], h[MLP_HIDDEN], logits[MLP_OUTPUTS];
    for (int i = 0; i < MLP_INPUTS; i++)
        x[i] = mlp_clamp_input(input[i]);
    /* Sums from the bias up, in index order: float addition is not associative, so the order is
     * part of the result (and compilers keep it without -ffast-math). */
    for (int j = 0; j < MLP_HIDDEN; j++) {
        float sum = weights->hidden_biases[j];
        for (int i = 0; i < MLP_INPUTS; i++)
            sum += weights->hidden_weights[j][i] * x[i];
        h[j] = sum > 0.0f ? sum : 0.0f; /* ReLU; -0 becomes +0 */
    }
    for (int k = 0; k < MLP_OUTPUTS; k++) {
        float sum = weights->output_biases[k];
        for (int j = 0; j < MLP_HIDDEN; j++)
            sum += weights->output_weights[k][j] * h[j];
        logits[k] = sum;
    }
    /* Softmax, shifted by the largest logit so that no exp overflows and the sum is at least 1. */
    float largest = logits[0];
    for (int k = 1; k < MLP_OUTPUTS; k++)
        if (logits[k] > largest)
            largest = logits[k];
    float exps[MLP_OUTPUTS], total = 0.0f;
    for (int k = 0; k < MLP_OUTPUTS; k++) {
        exps[k] = mlp_exp(logits[k] - largest);
        total += exps[k];
    }
    for (int k = 0; k < MLP_OUTPUTS; k++)
        probabilities[k] = exps[k] / total;
    if (hidden)
        memcpy(hidden, h, sizeof h);
}
