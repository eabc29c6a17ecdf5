/* table_guest.c: a WASI reactor whose init fills a 4 MiB table; the snapshot tests run it before and after `wasmhost snapshot`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENTRIES (1u << 20)
static uint32_t table[ENTRIES];
static int init_runs;
static size_t greeting;

__attribute__((export_name("init"))) void init(void)
{
    init_runs++;
    for (uint32_t i = 0; i < ENTRIES; i++)
        table[i] = i * 2654435761u;
    const char *value = getenv("GREETING"); /* WASI environment during init */
    greeting = value ? strlen(value) : 0;
    printf("init done\n");
    fflush(stdout);
}

__attribute__((export_name("lookup"))) uint32_t lookup(uint32_t i) { return table[i % ENTRIES]; }
__attribute__((export_name("init_runs"))) int get_init_runs(void) { return init_runs; }
__attribute__((export_name("greeting_length"))) int greeting_length(void) { return (int)greeting; }
__attribute__((export_name("crash"))) void crash(void) { __builtin_trap(); }
__attribute__((export_name("quit"))) void quit(void) { exit(3); }
