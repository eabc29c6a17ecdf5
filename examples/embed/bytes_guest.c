/* bytes_guest.c: a plugin for wh_call_bytes: buffers from wasmhost_alloc, (ptr, len) in, ptr << 32 | len out. */
#include <stdint.h>

/* A bump allocator over a static heap; freeing only counts (enough for a demonstration). */
static unsigned char heap[1 << 16];
static uint32_t heap_used, frees;

__attribute__((export_name("wasmhost_alloc"))) unsigned char *wasmhost_alloc(uint32_t size)
{
    uint32_t start = (heap_used + 7) & ~7u;
    if (size > sizeof heap - start)
        return 0;
    heap_used = start + size;
    return heap + start;
}

__attribute__((export_name("wasmhost_free"))) void wasmhost_free(unsigned char *pointer, uint32_t size)
{
    (void)pointer;
    (void)size;
    frees++;
}

static uint64_t answer(const unsigned char *pointer, uint32_t length)
{
    return (uint64_t)(uintptr_t)pointer << 32 | length;
}

/* Upper-cases ASCII letters into a new buffer. */
__attribute__((export_name("upper"))) uint64_t upper(const unsigned char *input, uint32_t length)
{
    unsigned char *output = wasmhost_alloc(length);
    if (!output && length)
        __builtin_trap();
    for (uint32_t i = 0; i < length; i++)
        output[i] = input[i] >= 'a' && input[i] <= 'z' ? input[i] - 'a' + 'A' : input[i];
    return answer(output, length);
}

/* Answers with a buffer that lies past the end of memory. */
__attribute__((export_name("broken"))) uint64_t broken(const unsigned char *input, uint32_t length)
{
    (void)input;
    (void)length;
    return answer((const unsigned char *)0xfffff000u, 0x2000);
}

/* Traps. */
__attribute__((export_name("crash"))) uint64_t crash(const unsigned char *input, uint32_t length)
{
    (void)input;
    (void)length;
    __builtin_trap();
}

__attribute__((export_name("frees"))) uint32_t frees_count(void) { return frees; }
