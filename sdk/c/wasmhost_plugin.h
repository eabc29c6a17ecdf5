/* wasmhost_plugin.h: the C SDK for plugins, bytes in and bytes out (wh_plugin_call in wasmhost.h), header only.
 *
 * A plugin function takes the input bytes and appends its output to a growing buffer:
 *
 *     #include "wasmhost_plugin.h"
 *
 *     static int shout(const uint8_t *input, size_t length, wh_plugin_output *out)
 *     {
 *         if (length == 0)
 *             return wh_plugin_fail("nothing to shout");
 *         wh_output_bytes(out, input, length);
 *         return wh_output_string(out, "!");
 *     }
 *     WASMHOST_PLUGIN_EXPORT(process, shout)
 *
 * WASMHOST_PLUGIN_EXPORT(NAME, FUNCTION) exports FUNCTION as NAME with the convention's shape:
 * (i32 ptr, i32 len) -> i64, the output's address in the high 32 bits and its length in the low
 * 32. The header also defines the exports the convention needs besides: `wasmhost_alloc` (i32 size)
 * -> i32 and `wasmhost_free` (i32 ptr, i32 size), through which the host puts the input into the
 * plugin's memory and gives the buffers back. (A plugin of several C files defines
 * WASMHOST_PLUGIN_NO_DEFINITIONS before including this header in all files but one.)
 *
 * Failing: FUNCTION returns 0 on success. wh_plugin_fail("why") stops the call there: it passes
 * the message to the host through the import "wasmhost_plugin"."error", and the call ends in a
 * trap whose message is "plugin error: why" (wasmhost.h: WH_TRAP_CODE_PLUGIN_ERROR). A non-zero
 * return that did not go through wh_plugin_fail reports "NAME returned N"; running out of memory
 * while building the output reports that. Whatever was appended before is discarded.
 *
 * Logging: wh_plugin_log(text, length) passes a line (without its newline) to the import
 * "wasmhost_plugin"."log", which the host hands to its log callback (wh_plugin_config_t.log).
 * A module imports "log" and "error" only when it uses them; the wh_plugin_* functions of
 * wasmhost.h provide both. An embedder calling a plugin through wh_call_bytes on its own instance
 * provides them itself (examples/plugins/running_mean.c is called that way in tests/plugins).
 *
 * State: wh_plugin_call runs every call in a fresh instance, so nothing survives from one call to
 * the next; a session (wh_plugin_session_call: one instance kept, as `wasmhost serve` keeps one per
 * record stream) or an embedder's own instance (wh_call_bytes) sees the module's globals carry over.
 *
 * With wasi-libc (malloc for the buffers; getenv sees the variables the host configured; what
 * the plugin writes to stderr goes to the host's log callback, stdout is discarded), as a WASI
 * reactor so that C constructors run before the first call:
 *     clang --target=wasm32-wasi --sysroot=/usr -O2 -mexec-model=reactor -I sdk/c -o p.wasm p.c
 * Without a C library: the buffers come from a bump allocator over memory.grow in this header
 * (everything is given back when the host has freed every buffer), and -mbulk-memory lets clang
 * turn copies into memory.copy rather than calls to a memcpy that is not there:
 *     clang --target=wasm32 -ffreestanding -nostdlib -mbulk-memory -O2 -Wl,--no-entry -I sdk/c -o p.wasm p.c
 */
#ifndef WASMHOST_PLUGIN_H
#define WASMHOST_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#if !defined(WASMHOST_PLUGIN_FREESTANDING) && !__STDC_HOSTED__
#define WASMHOST_PLUGIN_FREESTANDING 1
#endif
#ifndef WASMHOST_PLUGIN_FREESTANDING
#include <stdlib.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- what the host provides ---- */

#define WH_PLUGIN_IMPORT(name) __attribute__((import_module("wasmhost_plugin"), import_name(#name)))

/* A line for the host's log (no newline needed). */
WH_PLUGIN_IMPORT(log) void wh_plugin_log(const char *text, size_t length);
/* Ends the call with a trap "plugin error: TEXT"; does not return (see wh_plugin_fail). */
WH_PLUGIN_IMPORT(error) void wh_plugin_error_(const char *text, size_t length);

static inline size_t wh_plugin_strlen(const char *text)
{
    size_t length = 0;
    while (text[length])
        length++;
    return length;
}

static inline void wh_plugin_log_string(const char *text) { wh_plugin_log(text, wh_plugin_strlen(text)); }

/* Reports `length` bytes of `text` as the call's error and ends the call; declared to return int
 * so that a plugin function can `return wh_plugin_fail_bytes(...)`. */
static inline int wh_plugin_fail_bytes(const char *text, size_t length)
{
    wh_plugin_error_(text, length);
    __builtin_trap(); /* a host whose "error" returns (it should not) gets a trap anyway */
}

static inline int wh_plugin_fail(const char *message)
{
    return wh_plugin_fail_bytes(message, wh_plugin_strlen(message));
}

/* ---- buffers: wasmhost_alloc and wasmhost_free ---- */

#ifdef WASMHOST_PLUGIN_FREESTANDING
/* A bump allocator above __heap_base: a buffer is freed for reuse when it is the last one made
 * (so an output that grows in place stays cheap), and the whole heap when no buffer is left (the
 * host frees the input and output after each call of an instance it keeps). */
void *wh_plugin_allocate(size_t size);
void *wh_plugin_reallocate(void *pointer, size_t old_size, size_t size);
void wh_plugin_release(void *pointer);
#else
static inline void *wh_plugin_allocate(size_t size) { return malloc(size); }
static inline void *wh_plugin_reallocate(void *pointer, size_t old_size, size_t size)
{
    (void)old_size;
    return realloc(pointer, size);
}
static inline void wh_plugin_release(void *pointer) { free(pointer); }
#endif

#ifndef WASMHOST_PLUGIN_NO_DEFINITIONS
#ifdef WASMHOST_PLUGIN_FREESTANDING
extern unsigned char __heap_base;
static uintptr_t wh_plugin_heap_top_; /* 0 until the first allocation */
static uintptr_t wh_plugin_last_block_;
static size_t wh_plugin_live_blocks_;

void *wh_plugin_allocate(size_t size)
{
    if (!wh_plugin_heap_top_)
        wh_plugin_heap_top_ = (uintptr_t)&__heap_base;
    uintptr_t start = (wh_plugin_heap_top_ + 15) & ~(uintptr_t)15;
    if (size > UINTPTR_MAX - start)
        return NULL;
    uintptr_t end = start + size, memory_end = __builtin_wasm_memory_size(0) * 65536;
    if (end > memory_end) {
        size_t pages = (end - memory_end + 65535) / 65536;
        if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1)
            return NULL;
    }
    wh_plugin_heap_top_ = end;
    wh_plugin_last_block_ = start;
    wh_plugin_live_blocks_++;
    return (void *)start;
}

void wh_plugin_release(void *pointer)
{
    if (!pointer || wh_plugin_live_blocks_ == 0)
        return;
    if (--wh_plugin_live_blocks_ == 0)
        wh_plugin_heap_top_ = (uintptr_t)&__heap_base;
    else if ((uintptr_t)pointer == wh_plugin_last_block_)
        wh_plugin_heap_top_ = wh_plugin_last_block_, wh_plugin_last_block_ = 0;
}

void *wh_plugin_reallocate(void *pointer, size_t old_size, size_t size)
{
    if (pointer && (uintptr_t)pointer == wh_plugin_last_block_) {
        /* The last block grows in place: give it back and take it again from the same start. */
        wh_plugin_heap_top_ = wh_plugin_last_block_;
        wh_plugin_live_blocks_--;
        void *grown = wh_plugin_allocate(size);
        if (!grown) {
            wh_plugin_heap_top_ = (uintptr_t)pointer + old_size;
            wh_plugin_last_block_ = (uintptr_t)pointer;
            wh_plugin_live_blocks_++;
        }
        return grown;
    }
    unsigned char *moved = wh_plugin_allocate(size);
    if (moved && pointer) {
        for (size_t i = 0; i < old_size && i < size; i++)
            moved[i] = ((const unsigned char *)pointer)[i];
        wh_plugin_release(pointer);
    }
    return moved;
}
#endif

__attribute__((export_name("wasmhost_alloc"))) void *wasmhost_alloc(uint32_t size) { return wh_plugin_allocate(size); }

__attribute__((export_name("wasmhost_free"))) void wasmhost_free(void *pointer, uint32_t size)
{
    (void)size;
    wh_plugin_release(pointer);
}
#endif

/* ---- the output ---- */

/* The bytes a call answers with, in a buffer that grows as they are appended. Every append returns
 * 0, or -1 once memory has run out (later appends do nothing; the call then fails with "out of
 * memory"), so that a function may append without checking each time and return the last result. */
typedef struct wh_plugin_output {
    uint8_t *data;
    size_t length, capacity;
    int out_of_memory;
} wh_plugin_output;

/* Room for `more` bytes beyond what is there (to size the buffer once when the length is known). */
static inline int wh_output_reserve(wh_plugin_output *out, size_t more)
{
    if (out->out_of_memory)
        return -1;
    if (more <= out->capacity - out->length)
        return 0;
    size_t capacity = out->capacity ? out->capacity : 64;
    while (capacity - out->length < more) {
        if (capacity > SIZE_MAX / 2) {
            out->out_of_memory = 1;
            return -1;
        }
        capacity *= 2;
    }
    uint8_t *data = (uint8_t *)wh_plugin_reallocate(out->data, out->capacity, capacity);
    if (!data) {
        out->out_of_memory = 1;
        return -1;
    }
    out->data = data;
    out->capacity = capacity;
    return 0;
}

static inline int wh_output_bytes(wh_plugin_output *out, const void *data, size_t length)
{
    if (wh_output_reserve(out, length) != 0)
        return -1;
    for (size_t i = 0; i < length; i++)
        out->data[out->length + i] = ((const uint8_t *)data)[i];
    out->length += length;
    return 0;
}

static inline int wh_output_char(wh_plugin_output *out, char c) { return wh_output_bytes(out, &c, 1); }

static inline int wh_output_string(wh_plugin_output *out, const char *text)
{
    return wh_output_bytes(out, text, wh_plugin_strlen(text));
}

/* In decimal. */
static inline int wh_output_uint(wh_plugin_output *out, uint64_t value)
{
    char digits[20];
    size_t count = 0;
    do {
        digits[sizeof digits - ++count] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    return wh_output_bytes(out, digits + sizeof digits - count, count);
}

static inline int wh_output_int(wh_plugin_output *out, int64_t value)
{
    if (value >= 0)
        return wh_output_uint(out, (uint64_t)value);
    wh_output_char(out, '-');
    return wh_output_uint(out, 0 - (uint64_t)value);
}

/* In decimal with at most `max_decimals` (0..9) digits after the point, rounded half away from
 * zero, trailing zeros and a bare point left out: 2.5, 3, -0.333333 (6 decimals). NaN is "nan";
 * infinities and magnitudes of 1e18 and more, past what the digits here can hold, are "inf" and
 * "-inf" (JSON has no word for either: a plugin writing JSON checks first). */
static inline int wh_output_double(wh_plugin_output *out, double value, int max_decimals)
{
    if (value != value)
        return wh_output_string(out, "nan");
    if (value < 0) {
        wh_output_char(out, '-');
        value = -value;
    }
    if (value > 1e18)
        return wh_output_string(out, "inf"); /* past what the integer part below can hold */
    if (max_decimals < 0)
        max_decimals = 0;
    if (max_decimals > 9)
        max_decimals = 9;
    uint64_t scale = 1;
    for (int i = 0; i < max_decimals; i++)
        scale *= 10;
    uint64_t whole = (uint64_t)value;
    uint64_t fraction = (uint64_t)((value - (double)whole) * (double)scale + 0.5);
    if (fraction >= scale) {
        whole++;
        fraction -= scale;
    }
    int result = wh_output_uint(out, whole);
    if (fraction == 0)
        return result;
    char digits[9];
    int count = max_decimals;
    while (fraction % 10 == 0) {
        fraction /= 10;
        count--;
    }
    for (int i = count - 1; i >= 0; i--, fraction /= 10)
        digits[i] = (char)('0' + fraction % 10);
    wh_output_char(out, '.');
    return wh_output_bytes(out, digits, (size_t)count);
}

/* `length` bytes as a JSON string, quoted, with ", \ and control characters escaped (other bytes
 * are copied as they are: UTF-8 stays UTF-8). */
static inline int wh_output_json_string(wh_plugin_output *out, const void *data, size_t length)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *bytes = (const uint8_t *)data;
    wh_output_char(out, '"');
    for (size_t i = 0; i < length; i++) {
        uint8_t c = bytes[i];
        if (c == '"' || c == '\\') {
            char escaped[2] = {'\\', (char)c};
            wh_output_bytes(out, escaped, 2);
        } else if (c == '\n') {
            wh_output_bytes(out, "\\n", 2);
        } else if (c == '\r') {
            wh_output_bytes(out, "\\r", 2);
        } else if (c == '\t') {
            wh_output_bytes(out, "\\t", 2);
        } else if (c < 0x20) {
            char escaped[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            wh_output_bytes(out, escaped, 6);
        } else {
            wh_output_char(out, (char)c);
        }
    }
    return wh_output_char(out, '"');
}

/* ---- exports ---- */

/* What an export made by WASMHOST_PLUGIN_EXPORT runs: the function, then the failure paths. */
static inline uint64_t wh_plugin_run_(int (*function)(const uint8_t *, size_t, wh_plugin_output *),
                                      const char *export_name, const uint8_t *input, uint32_t length)
{
    wh_plugin_output out = {0, 0, 0, 0};
    int status = function(input, length, &out);
    if (status == 0 && out.out_of_memory)
        return (uint64_t)wh_plugin_fail("out of memory building the output");
    if (status != 0) {
        wh_plugin_release(out.data);
        wh_plugin_output message = {0, 0, 0, 0};
        wh_output_string(&message, export_name);
        wh_output_string(&message, " returned ");
        wh_output_int(&message, status);
        return (uint64_t)wh_plugin_fail_bytes(message.out_of_memory ? export_name : (const char *)message.data,
                                              message.out_of_memory ? wh_plugin_strlen(export_name) : message.length);
    }
    if (out.length == 0) {
        wh_plugin_release(out.data);
        return 0; /* no buffer: (0, 0) */
    }
    return (uint64_t)(uintptr_t)out.data << 32 | (uint32_t)out.length;
}

/* Exports `function` (int function(const uint8_t *input, size_t length, wh_plugin_output *out)) as
 * `name`, a function (i32 ptr, i32 len) -> i64 of the plugin convention. */
#define WASMHOST_PLUGIN_EXPORT(name, function)                                                                        \
    __attribute__((export_name(#name))) uint64_t wasmhost_plugin_export_##name(const uint8_t *input, uint32_t length) \
    {                                                                                                                 \
        return wh_plugin_run_(function, #name, input, length);                                                        \
    }

#ifdef __cplusplus
}
#endif

#endif
