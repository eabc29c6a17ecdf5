/* mlp.h: the model's shape, weights and forward pass: 8 inputs, 16 hidden ReLU units, 3 softmax outputs. */
#ifndef WASMHOST_EXAMPLE_MLP_H
#define WASMHOST_EXAMPLE_MLP_H

/* The same mlp.c is compiled into the wasm plugin and natively (the tests, the benchmark, the
 * trainer), and both must give the same bits for the same input. So it uses only operations that
 * IEEE 754 defines exactly (+ - * /, comparisons, conversions between float and int), in an order
 * fixed by the source: no libm (wasi-libc's expf and glibc's differ), and every file that includes
 * this one is compiled with -ffp-contract=off, so no compiler fuses a * b + c into one rounding. */

#define MLP_INPUTS 8
#define MLP_HIDDEN 16
#define MLP_OUTPUTS 3

/* Inputs are clamped to [-MLP_INPUT_LIMIT, MLP_INPUT_LIMIT] and a NaN input counts as 0: then every
 * sum stays finite, no NaN reaches the outputs, and the outputs are the same bits on every machine
 * even for inputs that are garbage (the sign and payload of a NaN are not portable). */
#define MLP_INPUT_LIMIT 1.0e6f

/* Output k is the probability of class k: the point lies in the inner (0), middle (1) or outer (2)
 * of three concentric shells around the origin (mlp_data.c); `info` names them. */

struct mlp_weights {
    float hidden_weights[MLP_HIDDEN][MLP_INPUTS];
    float hidden_biases[MLP_HIDDEN];
    float output_weights[MLP_OUTPUTS][MLP_HIDDEN];
    float output_biases[MLP_OUTPUTS];
};

/* The trained model (mlp_model.c, from the mlp_weights.h that train.c generates at build time). */
extern const struct mlp_weights mlp_model;

/* e^x in float with basic operations only; 0 for x below about -87 (and for NaN). */
float mlp_exp(float x);

/* The class probabilities of one input vector. `hidden`, when not NULL, receives the hidden
 * layer's activations (the trainer needs them for the gradients). */
void mlp_forward(const struct mlp_weights *weights, const float input[MLP_INPUTS], float hidden[MLP_HIDDEN],
                 float probabilities[MLP_OUTPUTS]);

/* An input component as the forward pass uses it (clamped, NaN as 0). */
float mlp_clamp_input(float value);

#endif
