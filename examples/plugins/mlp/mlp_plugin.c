/* mlp_plugin.c: the model as a wasm plugin: `predict` (little-endian f32 vectors in, class probabilities out) and `info` (its shape as JSON). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mlp.h"

/* The "bytes in, bytes out" convention of wh_call_bytes (include/wasmhost.h), written out here so
 * that the model needs nothing but wasi-libc: the host asks for a buffer with wasmhost_alloc,
 * writes the input there, calls the export with (pointer, length), copies the answer named by the
 * returned (pointer << 32 | length), and gives both buffers back through wasmhost_free. */

__attribute__((export_name("wasmhost_alloc"))) void *wasmhost_alloc(uint32_t size) { return malloc(size); }

__attribute__((export_name("wasmhost_free"))) void wasmhost_free(void *buffer, uint32_t size)
{
    (void)size;
    free(buffer);
}

static uint64_t answer(const void *buffer, uint32_t length) { return (uint64_t)(uintptr_t)buffer << 32 | length; }

#define BYTES_PER_INPUT (MLP_INPUTS * 4)
#define BYTES_PER_OUTPUT (MLP_OUTPUTS * 4)

/* N input vectors of MLP_INPUTS little-endian f32 each (N >= 0) give N vectors of MLP_OUTPUTS
 * probabilities. A length that is not a multiple of BYTES_PER_INPUT gets an empty answer: no
 * trap, so the host still gives the input buffer back and a reused instance loses no memory to
 * bad requests (a host checks the length against `info` first; this is the plugin's own guard).
 * An empty answer to a non-empty input can only mean that refusal.
 *
 * The answer is written over the input: output i (BYTES_PER_OUTPUT bytes at i * BYTES_PER_OUTPUT)
 * ends before input i + 1 begins, and input i is read whole before output i is written. So a call
 * allocates nothing and cannot run out of memory halfway. */
__attribute__((export_name("predict"))) uint64_t predict(unsigned char *bytes, uint32_t length)
{
    if (length % BYTES_PER_INPUT != 0)
        return answer(NULL, 0);
    uint32_t count = length / BYTES_PER_INPUT;
    for (uint32_t n = 0; n < count; n++) {
        float input[MLP_INPUTS], probabilities[MLP_OUTPUTS];
        /* wasm is little-endian, so memcpy reads the f32 as sent, from any alignment. */
        memcpy(input, bytes + (size_t)n * BYTES_PER_INPUT, sizeof input);
        mlp_forward(&mlp_model, input, NULL, probabilities);
        memcpy(bytes + (size_t)n * BYTES_PER_OUTPUT, probabilities, sizeof probabilities);
    }
    return answer(count ? bytes : NULL, count * BYTES_PER_OUTPUT);
}

#define STRING(x) #x
#define NUMBER(x) STRING(x)

/* The model's shape for a host: how many f32 go in and come out per vector, and what each output
 * means. */
static const char info_json[] = "{\"name\":\"mlp\",\"inputs\":" NUMBER(MLP_INPUTS) ",\"outputs\":" NUMBER(
    MLP_OUTPUTS) ",\"classes\":[\"inner\",\"middle\",\"outer\"]}";

/* Answers in a buffer of its own: the host gives it back through wasmhost_free, i.e. free(). */
__attribute__((export_name("info"))) uint64_t info(unsigned char *bytes, uint32_t length)
{
    (void)bytes;
    (void)length;
    size_t size = sizeof info_json - 1;
    char *text = malloc(size);
    if (!text)
        __builtin_trap(); /* out of memory before the first prediction: nothing sensible to answer */
    memcpy(text, info_json, size);
    return answer(text, (uint32_t)size);
}
