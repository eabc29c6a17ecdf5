/* table.c: tables of references, created at their minimum size, grown geometrically within the store's table cap. */
#include "limits.h"

#include <stdlib.h>
#include <string.h>

/* An implementation limit on elements per table (80 MiB of pointers), as the spec permits.
 * Without one, a module declaring (table 0xffffffff funcref) would ask for 32 GiB; refusing
 * up front gives a clear message and keeps allocators (and sanitizers) from aborting. */
#define TABLE_MAX_ELEMENTS 10000000u

/* The record lives in the store's arena; the elements, which grow, do not. */
static void table_destroy(void *object)
{
    eng_table *table = object;
    free(table->elements);
}

eng_table *eng_table_new(eng_store *store, const eng_tabletype *type, void *init, eng_error **error)
{
    *error = NULL;
    uint64_t min = type->limits.min;
    if (min > UINT32_MAX) {
        *error = eng_error_new("table of %llu elements: table size must be at most 2^32-1 elements",
                               (unsigned long long)min);
        return NULL;
    }
    if (min > TABLE_MAX_ELEMENTS) {
        *error = eng_error_new("table of %llu elements exceeds this runtime's limit of %u elements per table",
                               (unsigned long long)min, TABLE_MAX_ELEMENTS);
        return NULL;
    }
    if (!eng_limits_table_fits(store, min, false)) {
        if (store->table_elements)
            *error = eng_error_new("table cap %llu elements exceeded: module needs %llu more (%llu already in use)",
                                   (unsigned long long)store->limits.max_table_elements, (unsigned long long)min,
                                   (unsigned long long)store->table_elements);
        else
            *error = eng_error_new("table cap %llu elements exceeded: module needs %llu",
                                   (unsigned long long)store->limits.max_table_elements, (unsigned long long)min);
        return NULL;
    }
    eng_table *table = eng_store_alloc(store, sizeof *table);
    if (!table) {
        *error = eng_error_new("out of memory allocating a table");
        return NULL;
    }
    /* At least one slot even when empty: elements is then never NULL, so table operations
     * may pass it to memcpy/memmove with a zero count without undefined behaviour. */
    uint64_t capacity = min ? min : 1;
    table->elements = calloc((size_t)capacity, sizeof *table->elements);
    if (!table->elements) {
        *error = eng_error_new("out of memory allocating a table of %llu elements", (unsigned long long)min);
        return NULL;
    }
    if (init)
        for (uint64_t i = 0; i < min; i++)
            table->elements[i] = init;
    table->type = *type;
    table->size = (uint32_t)min;
    table->capacity = (uint32_t)capacity;
    table->store = store;
    if (!eng_store_own(store, table, table_destroy)) {
        *error = eng_error_new("out of memory registering a table");
        return NULL;
    }
    store->table_elements += min;
    return table;
}

int64_t eng_table_grow(eng_table *table, uint32_t delta, void *init)
{
    uint32_t old_size = table->size;
    if (delta == 0)
        return old_size;
    uint64_t max = table->type.limits.has_max ? table->type.limits.max : UINT32_MAX;
    uint64_t new_size = (uint64_t)old_size + delta;
    if (new_size > max)
        return -1;
    /* The store's cap before the implementation limit, so that reaching the cap is reported. */
    if (!eng_limits_table_fits(table->store, delta, true))
        return -1;
    if (max > TABLE_MAX_ELEMENTS)
        max = TABLE_MAX_ELEMENTS;
    if (new_size > max)
        return -1;
    if (new_size > table->capacity) {
        /* Geometric growth keeps repeated table.grow 1 linear overall. */
        uint64_t capacity = (uint64_t)table->capacity * 2;
        if (capacity < 8)
            capacity = 8;
        if (capacity < new_size)
            capacity = new_size;
        if (capacity > max)
            capacity = max;
        void **elements = realloc(table->elements, (size_t)capacity * sizeof *elements);
        if (!elements)
            return -1;
        table->elements = elements;
        table->capacity = (uint32_t)capacity;
    }
    for (uint64_t i = old_size; i < new_size; i++)
        table->elements[i] = init;
    table->store->table_elements += delta;
    table->size = (uint32_t)new_size;
    /* The table's type tracks its current size: imports are matched against it. */
    table->type.limits.min = new_size;
    return old_size;
}

/* ---- the bulk table instructions, shared by the interpreter and compiled code ---- */

bool eng_table_fill(eng_table *table, uint32_t start, void *value, uint32_t count)
{
    if ((uint64_t)start + count > table->size)
        return false;
    for (uint32_t i = 0; i < count; i++)
        table->elements[start + i] = value;
    return true;
}

bool eng_table_copy(eng_table *destination, const eng_table *source, uint32_t to, uint32_t from, uint32_t count)
{
    if ((uint64_t)to + count > destination->size || (uint64_t)from + count > source->size)
        return false;
    if (count)
        memmove(destination->elements + to, source->elements + from, (size_t)count * sizeof(void *));
    return true;
}

bool eng_table_init(eng_table *table, const eng_elem_instance *segment, uint32_t to, uint32_t from, uint32_t count)
{
    if ((uint64_t)from + count > segment->count || (uint64_t)to + count > table->size)
        return false;
    if (count)
        memcpy(table->elements + to, segment->items + from, (size_t)count * sizeof(void *));
    return true;
}
