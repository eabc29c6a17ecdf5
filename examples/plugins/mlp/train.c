/* train.c: trains the model on the generated data set with plain SGD and writes its weights as C source (mlp_weights.h), run by the build. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlp.h"
#include "mlp_data.h"

/* Everything is fixed (seeds, sizes, order, step), and the arithmetic is the same IEEE float
 * operations on every machine (mlp.h): every build writes the same bytes. */
#define TRAINING_POINTS 6000
#define EPOCHS 60
#define SEED_WEIGHTS 7u
static const float learning_rate = 0.01f;

static float training_inputs[TRAINING_POINTS][MLP_INPUTS];
static int training_labels[TRAINING_POINTS];

/* A float uniform in [-limit, limit). */
static float uniform(uint64_t *state, float limit) { return (2.0f * mlp_random_unit(state) - 1.0f) * limit; }

static void initialize(struct mlp_weights *weights)
{
    /* He-style uniform ranges: sqrt(6 / fan-in) for the ReLU layer, sqrt(6 / (fan-in + fan-out))
     * for the softmax layer, written out so that no libm sqrt is involved. */
    const float hidden_limit = 0.8660254f, output_limit = 0.5619515f;
    uint64_t state = SEED_WEIGHTS;
    memset(weights, 0, sizeof *weights);
    for (int j = 0; j < MLP_HIDDEN; j++)
        for (int i = 0; i < MLP_INPUTS; i++)
            weights->hidden_weights[j][i] = uniform(&state, hidden_limit);
    for (int k = 0; k < MLP_OUTPUTS; k++)
        for (int j = 0; j < MLP_HIDDEN; j++)
            weights->output_weights[k][j] = uniform(&state, output_limit);
}

/* One SGD step on one point: the gradient of the cross-entropy loss through softmax and ReLU. */
static void step(struct mlp_weights *weights, const float input[MLP_INPUTS], int label)
{
    float hidden[MLP_HIDDEN], probabilities[MLP_OUTPUTS], output_error[MLP_OUTPUTS], hidden_error[MLP_HIDDEN];
    mlp_forward(weights, input, hidden, probabilities);
    for (int k = 0; k < MLP_OUTPUTS; k++)
        output_error[k] = probabilities[k] - (k == label ? 1.0f : 0.0f);
    /* Back through the output weights before they change. */
    for (int j = 0; j < MLP_HIDDEN; j++) {
        float sum = 0.0f;
        for (int k = 0; k < MLP_OUTPUTS; k++)
            sum += output_error[k] * weights->output_weights[k][j];
        hidden_error[j] = hidden[j] > 0.0f ? sum : 0.0f;
    }
    for (int k = 0; k < MLP_OUTPUTS; k++) {
        for (int j = 0; j < MLP_HIDDEN; j++)
            weights->output_weights[k][j] -= learning_rate * output_error[k] * hidden[j];
        weights->output_biases[k] -= learning_rate * output_error[k];
    }
    for (int j = 0; j < MLP_HIDDEN; j++) {
        for (int i = 0; i < MLP_INPUTS; i++)
            weights->hidden_weights[j][i] -= learning_rate * hidden_error[j] * mlp_clamp_input(input[i]);
        weights->hidden_biases[j] -= learning_rate * hidden_error[j];
    }
}

/* The fraction of points of a set the model classifies right. */
static double accuracy(const struct mlp_weights *weights, const float (*inputs)[MLP_INPUTS], const int *labels,
                       int count)
{
    int right = 0;
    for (int n = 0; n < count; n++) {
        float probabilities[MLP_OUTPUTS];
        mlp_forward(weights, inputs[n], NULL, probabilities);
        right += mlp_predicted_class(probabilities) == labels[n];
    }
    return (double)right / count;
}

/* Writes the floats as hexadecimal literals ("%a"), which read back as exactly the same value. */
static void write_floats(FILE *file, const float *values, int count, const char *indent)
{
    for (int n = 0; n < count; n++)
        fprintf(file, "%s%af,%s", n % 4 == 0 ? indent : "", (double)values[n],
                n % 4 == 3 || n == count - 1 ? "\n" : " ");
}

static int write_header(const char *path, const struct mlp_weights *weights, double training_accuracy)
{
    FILE *file = fopen(path, "w");
    if (!file) {
        perror(path);
        return 1;
    }
    fprintf(file, "/* mlp_weights.h: the trained weights of examples/plugins/mlp, written by train.c at build time "
                  "(included by mlp_model.c only). */\n");
    fprintf(file, "/* %d points, %d epochs of SGD at step %a: %.2f%% of the training set classified right. */\n",
            TRAINING_POINTS, EPOCHS, (double)learning_rate, 100.0 * training_accuracy);
    fprintf(file, "const struct mlp_weights mlp_model = {\n    .hidden_weights = {\n");
    for (int j = 0; j < MLP_HIDDEN; j++) {
        fprintf(file, "        {\n");
        write_floats(file, weights->hidden_weights[j], MLP_INPUTS, "            ");
        fprintf(file, "        },\n");
    }
    fprintf(file, "    },\n    .hidden_biases = {\n");
    write_floats(file, weights->hidden_biases, MLP_HIDDEN, "        ");
    fprintf(file, "    },\n    .output_weights = {\n");
    for (int k = 0; k < MLP_OUTPUTS; k++) {
        fprintf(file, "        {\n");
        write_floats(file, weights->output_weights[k], MLP_HIDDEN, "            ");
        fprintf(file, "        },\n");
    }
    fprintf(file, "    },\n    .output_biases = {\n");
    write_floats(file, weights->output_biases, MLP_OUTPUTS, "        ");
    fprintf(file, "    },\n};\n");
    if (fclose(file) != 0) {
        perror(path);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: train OUTPUT.h\n");
        return 2;
    }
    uint64_t data_state = MLP_SEED_TRAINING, order_state = SEED_WEIGHTS + 1;
    for (int n = 0; n < TRAINING_POINTS; n++)
        mlp_data_point(&data_state, training_inputs[n], &training_labels[n]);

    static struct mlp_weights weights;
    initialize(&weights);
    static int order[TRAINING_POINTS];
    for (int n = 0; n < TRAINING_POINTS; n++)
        order[n] = n;
    for (int epoch = 0; epoch < EPOCHS; epoch++) {
        /* A new order every epoch (Fisher-Yates), from its own fixed seed. */
        for (int n = TRAINING_POINTS - 1; n > 0; n--) {
            int other = (int)(mlp_random_next(&order_state) % (uint64_t)(n + 1)), swap = order[n];
            order[n] = order[other];
            order[other] = swap;
        }
        for (int n = 0; n < TRAINING_POINTS; n++)
            step(&weights, training_inputs[order[n]], training_labels[order[n]]);
    }

    double training_accuracy =
        accuracy(&weights, (const float(*)[MLP_INPUTS])training_inputs, training_labels, TRAINING_POINTS);
    printf("mlp: trained %d-%d-%d on %d points for %d epochs: training accuracy %.2f%%\n", MLP_INPUTS, MLP_HIDDEN,
           MLP_OUTPUTS, TRAINING_POINTS, EPOCHS, 100.0 * training_accuracy);
    return write_header(argv[1], &weights, training_accuracy);
}
