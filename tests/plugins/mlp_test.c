/* mlp_test.c: the mlp example plugin against the same forward pass compiled natively: bit-identical outputs on 1,000 inputs, `info`, accuracy, refused lengths. */
#include <float.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mlp.h"
#include "mlp_data.h"
#include "mlp_wasm.h"
#include "wasm.h"
#include "wasmhost.h"

#define COMPARE_COUNT 1000
#define HELD_OUT_COUNT 3000
/* The trained model gets about 99.5% of the held-out points right; a forward pass that went
 * wrong in a way the comparison cannot see (both sides broken alike) would fall far below. */
#define ACCURACY_THRESHOLD 0.97

#define INPUT_BYTES (MLP_INPUTS * 4)
#define OUTPUT_BYTES (MLP_OUTPUTS * 4)

static float inputs[COMPARE_COUNT][MLP_INPUTS];
/* What the native forward pass gives for `inputs`, as little-endian bytes: what `predict` must
 * answer, byte for byte. */
static unsigned char expected[COMPARE_COUNT * OUTPUT_BYTES];

static void put_f32(unsigned char *bytes, float value)
{
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    for (int i = 0; i < 4; i++)
        bytes[i] = (unsigned char)(bits >> 8 * i);
}

static float get_f32(const unsigned char *bytes)
{
    uint32_t bits = 0;
    for (int i = 0; i < 4; i++)
        bits |= (uint32_t)bytes[i] << 8 * i;
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/* The vectors as the little-endian f32 bytes `predict` takes. */
static unsigned char *encode(const float (*vectors)[MLP_INPUTS], size_t count)
{
    unsigned char *bytes = malloc(count * INPUT_BYTES + 1);
    for (size_t n = 0; n < count; n++)
        for (int i = 0; i < MLP_INPUTS; i++)
            put_f32(bytes + n * INPUT_BYTES + i * 4, vectors[n][i]);
    return bytes;
}

/* Calls `predict` on `count` vectors; the trap, or NULL with the answer in `output`. */
static wasm_trap_t *predict(const wasm_instance_t *instance, const float (*vectors)[MLP_INPUTS], size_t count,
                            wasm_byte_vec_t *output)
{
    unsigned char *bytes = encode(vectors, count);
    wasm_byte_vec_t input = {count * INPUT_BYTES, (wasm_byte_t *)bytes};
    wasm_trap_t *trap = wh_call_bytes(instance, "predict", &input, output);
    free(bytes);
    return trap;
}

static void print_trap(const char *what, wasm_trap_t *trap)
{
    wasm_byte_vec_t text;
    wh_trap_format(trap, &text);
    fprintf(stderr, "%s: %.*s\n", what, (int)text.size, text.data);
    wasm_byte_vec_delete(&text);
}

/* The 1,000 inputs: mostly points like the data set's (seed MLP_SEED_COMPARE, not trained on),
 * one vector in ten of arbitrary 32-bit patterns (NaNs with payloads, infinities, subnormals,
 * huge values: what a careless client might send), and some whole vectors of special values. */
static void make_inputs(void)
{
    static const float specials[] = {0.0f, -0.0f, 1.0f, FLT_MAX, -FLT_MAX, FLT_MIN, 0x1p-149f, 1.0e6f, -2.0e6f, 3.4f};
    uint64_t state = MLP_SEED_COMPARE;
    for (int n = 0; n < COMPARE_COUNT; n++) {
        if (n < (int)(sizeof specials / sizeof specials[0])) {
            for (int i = 0; i < MLP_INPUTS; i++)
                inputs[n][i] = specials[n];
        } else if (n % 10 == 0) {
            for (int i = 0; i < MLP_INPUTS; i++) {
                uint32_t bits = (uint32_t)mlp_random_next(&state);
                memcpy(&inputs[n][i], &bits, sizeof bits);
            }
        } else {
            int label;
            mlp_data_point(&state, inputs[n], &label);
        }
    }
    int finite = 1;
    for (int n = 0; n < COMPARE_COUNT; n++) {
        float probabilities[MLP_OUTPUTS], total = 0.0f;
        mlp_forward(&mlp_model, inputs[n], NULL, probabilities);
        for (int k = 0; k < MLP_OUTPUTS; k++) {
            put_f32(expected + (size_t)n * OUTPUT_BYTES + k * 4, probabilities[k]);
            finite &= probabilities[k] >= 0.0f && probabilities[k] <= 1.0f;
            total += probabilities[k];
        }
        finite &= total > 0.9999f && total < 1.0001f;
    }
    /* Even for the garbage inputs: the forward pass clamps them, so there is no NaN whose bits
     * could differ between the two sides. */
    CHECK(finite, "a native output is not a probability distribution");
}

/* Differences printed so far: the first few say enough. */
static int differences_printed;

/* How many of the `count` vectors from `first` on `output` does not answer exactly as expected;
 * prints the first differences of the run. */
static int mismatches(const wasm_byte_vec_t *output, size_t first, size_t count, const char *what)
{
    if (output->size != count * OUTPUT_BYTES) {
        fprintf(stderr, "%s: %zu bytes of output for %zu vectors\n", what, output->size, count);
        return (int)count;
    }
    int wrong = 0;
    for (size_t n = 0; n < count; n++) {
        const unsigned char *got = (const unsigned char *)output->data + n * OUTPUT_BYTES;
        const unsigned char *want = expected + (first + n) * OUTPUT_BYTES;
        if (memcmp(got, want, OUTPUT_BYTES) == 0)
            continue;
        if (wrong++ == 0 && differences_printed++ < 5) {
            fprintf(stderr, "%s: input %zu: wasm", what, first + n);
            for (int k = 0; k < MLP_OUTPUTS; k++)
                fprintf(stderr, " %a", (double)get_f32(got + k * 4));
            fprintf(stderr, ", native");
            for (int k = 0; k < MLP_OUTPUTS; k++)
                fprintf(stderr, " %a", (double)get_f32(want + k * 4));
            fprintf(stderr, "\n");
        }
    }
    return wrong;
}

static void check_info(const wasm_instance_t *instance)
{
    const char *want = "{\"name\":\"mlp\",\"inputs\":8,\"outputs\":3,\"classes\":[\"inner\",\"middle\",\"outer\"]}";
    wasm_byte_vec_t output;
    wasm_trap_t *trap = wh_call_bytes(instance, "info", NULL, &output);
    CHECK(!trap);
    if (trap) {
        print_trap("info", trap);
        wasm_trap_delete(trap);
        return;
    }
    CHECK(output.size == strlen(want) && memcmp(output.data, want, output.size) == 0, "info answered %.*s",
          (int)output.size, output.data ? output.data : "");
    wasm_byte_vec_delete(&output);
}

/* Each of the 1,000 inputs in a call of its own. */
static void compare_single(const wasm_instance_t *instance)
{
    int wrong = 0, traps = 0;
    for (size_t n = 0; n < COMPARE_COUNT; n++) {
        wasm_byte_vec_t output;
        wasm_trap_t *trap = predict(instance, &inputs[n], 1, &output);
        if (trap) {
            if (traps++ == 0)
                print_trap("predict", trap);
            wasm_trap_delete(trap);
            continue;
        }
        wrong += mismatches(&output, n, 1, "single") != 0;
        wasm_byte_vec_delete(&output);
    }
    CHECK(traps == 0, "%d of %d single predictions trapped", traps, COMPARE_COUNT);
    CHECK(wrong == 0, "%d of %d single predictions differ from the native ones", wrong, COMPARE_COUNT);
}

/* The same inputs in batches of varied sizes (1 to 100), then all 1,000 in one call. */
static void compare_batches(const wasm_instance_t *instance)
{
    static const size_t sizes[] = {1, 2, 3, 7, 64, 100, 5, 63, 65, 31, 17, 99};
    int wrong = 0, traps = 0, calls = 0;
    size_t first = 0;
    for (int round = 0; first < COMPARE_COUNT; round++) {
        size_t count = sizes[round % (sizeof sizes / sizeof sizes[0])];
        if (count > COMPARE_COUNT - first)
            count = COMPARE_COUNT - first;
        wasm_byte_vec_t output;
        wasm_trap_t *trap = predict(instance, &inputs[first], count, &output);
        calls++;
        if (trap) {
            traps++;
            print_trap("predict", trap);
            wasm_trap_delete(trap);
        } else {
            wrong += mismatches(&output, first, count, "batch");
            wasm_byte_vec_delete(&output);
        }
        first += count;
    }
    wasm_byte_vec_t output;
    wasm_trap_t *trap = predict(instance, inputs, COMPARE_COUNT, &output);
    CHECK(!trap);
    if (trap) {
        print_trap("predict", trap);
        wasm_trap_delete(trap);
    } else {
        CHECK(mismatches(&output, 0, COMPARE_COUNT, "one batch of all") == 0);
        wasm_byte_vec_delete(&output);
    }
    CHECK(traps == 0, "%d of %d batches trapped", traps, calls);
    CHECK(wrong == 0, "%d of %d batched predictions differ from the native ones", wrong, COMPARE_COUNT);
    if (failures == 0)
        printf("mlp_test: %d inputs one per call and in %d batches of 1 to 100 and in one batch: wasm and native "
               "outputs identical bit for bit\n",
               COMPARE_COUNT, calls);
}

/* The classes the plugin predicts for points it was not trained on. */
static void check_accuracy(const wasm_instance_t *instance)
{
    static float points[HELD_OUT_COUNT][MLP_INPUTS];
    static int labels[HELD_OUT_COUNT];
    uint64_t state = MLP_SEED_HELD_OUT;
    for (int n = 0; n < HELD_OUT_COUNT; n++)
        mlp_data_point(&state, points[n], &labels[n]);
    wasm_byte_vec_t output;
    wasm_trap_t *trap = predict(instance, points, HELD_OUT_COUNT, &output);
    CHECK(!trap && output.size == HELD_OUT_COUNT * OUTPUT_BYTES);
    if (trap) {
        print_trap("predict", trap);
        wasm_trap_delete(trap);
        return;
    }
    int right = 0, native_right = 0;
    for (int n = 0; n < HELD_OUT_COUNT && output.size == HELD_OUT_COUNT * OUTPUT_BYTES; n++) {
        float probabilities[MLP_OUTPUTS], native[MLP_OUTPUTS];
        for (int k = 0; k < MLP_OUTPUTS; k++)
            probabilities[k] = get_f32((const unsigned char *)output.data + (size_t)n * OUTPUT_BYTES + k * 4);
        right += mlp_predicted_class(probabilities) == labels[n];
        mlp_forward(&mlp_model, points[n], NULL, native);
        native_right += mlp_predicted_class(native) == labels[n];
    }
    wasm_byte_vec_delete(&output);
    double accuracy = (double)right / HELD_OUT_COUNT;
    printf("mlp_test: held-out accuracy %.2f%% (%d of %d points; threshold %.0f%%)\n", 100.0 * accuracy, right,
           HELD_OUT_COUNT, 100.0 * ACCURACY_THRESHOLD);
    CHECK(accuracy >= ACCURACY_THRESHOLD);
    CHECK(right == native_right, "wasm %d, native %d right", right, native_right);
}

/* A length that is not a whole number of vectors is refused with an empty answer, not a trap; a
 * reused instance loses no memory to such calls and still predicts right afterwards. */
static void check_refused_lengths(const wasm_instance_t *instance, const wasm_memory_t *memory)
{
    static const size_t lengths[] = {1, 4, 12, INPUT_BYTES - 1, INPUT_BYTES + 1, 3 * INPUT_BYTES + 4, 65537};
    unsigned char *junk = calloc(1, 65537);
    for (size_t n = 0; n < sizeof lengths / sizeof lengths[0]; n++) {
        wasm_byte_vec_t input = {lengths[n], (wasm_byte_t *)junk}, output;
        wasm_trap_t *trap = wh_call_bytes(instance, "predict", &input, &output);
        CHECK(!trap && output.size == 0, "length %zu: %s, %zu bytes of output", lengths[n],
              trap ? "trapped" : "answered", output.size);
        if (trap)
            wasm_trap_delete(trap);
        wasm_byte_vec_delete(&output);
    }
    size_t memory_before = wasm_memory_data_size(memory);
    int refused = 0;
    for (int n = 0; n < 1000; n++) {
        wasm_byte_vec_t input = {65537, (wasm_byte_t *)junk}, output;
        wasm_trap_t *trap = wh_call_bytes(instance, "predict", &input, &output);
        refused += !trap && output.size == 0;
        if (trap)
            wasm_trap_delete(trap);
        wasm_byte_vec_delete(&output);
    }
    free(junk);
    CHECK(refused == 1000, "%d of 1000 calls of 65,537 bytes refused", refused);
    CHECK(wasm_memory_data_size(memory) == memory_before, "memory grew from %zu to %zu bytes", memory_before,
          wasm_memory_data_size(memory));

    /* No input, no vectors: an empty answer too. */
    wasm_byte_vec_t output;
    wasm_trap_t *trap = wh_call_bytes(instance, "predict", NULL, &output);
    CHECK(!trap && output.size == 0);
    if (trap)
        wasm_trap_delete(trap);

    trap = predict(instance, inputs, 10, &output);
    CHECK(!trap && mismatches(&output, 0, 10, "after refusals") == 0);
    if (trap)
        wasm_trap_delete(trap);
    wasm_byte_vec_delete(&output);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mlp_test MLP.wasm\n");
        return 2;
    }
    make_inputs();
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = mlp_wasm_load(store, argv[1], "mlp_test");
    CHECK(module);
    if (!module)
        return checks_done("mlp_test");

    /* A plugin needs nothing from the host: no imports, not even WASI. */
    wasm_importtype_vec_t imports;
    wasm_module_imports(module, &imports);
    CHECK(imports.size == 0, "the plugin has %zu imports", imports.size);
    wasm_importtype_vec_delete(&imports);
    wasm_extern_vec_t no_imports = WASM_EMPTY_VEC;
    wasm_trap_t *trap = NULL;
    wasm_instance_t *instance = wasm_instance_new(store, module, &no_imports, &trap);
    CHECK(instance && !trap);

    /* A WASI reactor: _initialize (wasi-libc's constructors) before any other export. */
    wasm_extern_t *initialize = instance ? wh_instance_export(instance, "_initialize") : NULL;
    wasm_extern_t *memory = instance ? wh_instance_export(instance, "memory") : NULL;
    CHECK(initialize && wasm_extern_as_func(initialize) && memory && wasm_extern_as_memory(memory));
    if (initialize && memory) {
        wasm_val_vec_t none = WASM_EMPTY_VEC, results = WASM_EMPTY_VEC;
        trap = wasm_func_call(wasm_extern_as_func(initialize), &none, &results);
        CHECK(!trap);
        if (trap)
            wasm_trap_delete(trap);
        check_info(instance);
        compare_single(instance);
        compare_batches(instance);
        check_accuracy(instance);
        check_refused_lengths(instance, wasm_extern_as_memory(memory));
    }

    wasm_extern_delete(initialize);
    wasm_extern_delete(memory);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return checks_done("mlp_test");
}
