/* mlp_data.h: the generated data set the model learns: 8-D points in three concentric shells, from a fixed-seed generator. */
#ifndef WASMHOST_EXAMPLE_MLP_DATA_H
#define WASMHOST_EXAMPLE_MLP_DATA_H

#include <stdint.h>

#include "mlp.h"

/* Seeds of the sets the programs agree on: the trainer learns from the training set, the test
 * measures the accuracy on the held-out set, and inputs to compare wasm with native come from a
 * third stream. */
#define MLP_SEED_TRAINING 1u
#define MLP_SEED_HELD_OUT 2u
#define MLP_SEED_COMPARE 3u

/* A 64-bit generator state (splitmix64): the same numbers on every machine. */
uint64_t mlp_random_next(uint64_t *state);
/* A float uniform in [0, 1), a multiple of 2^-24 (exact in a float). */
float mlp_random_unit(uint64_t *state);

/* The next point of a set: its class (0 inner, 1 middle, 2 outer, each a third of the time) and
 * its coordinates, in a random direction at a random radius within the class's shell. */
void mlp_data_point(uint64_t *state, float point[MLP_INPUTS], int *label);

/* The index of the largest probability (the first one on a tie). */
int mlp_predicted_class(const float probabilities[MLP_OUTPUTS]);

#endif
