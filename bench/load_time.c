/* load_time.c: how fast modules are decoded, validated and translated, and how big the translated code is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static unsigned char *read_file(const char *path, size_t *size)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return NULL;
    fseek(file, 0, SEEK_END);
    long length = ftell(file);
    fseek(file, 0, SEEK_SET);
    unsigned char *bytes = length > 0 ? malloc((size_t)length) : NULL;
    if (bytes && fread(bytes, 1, (size_t)length, file) != (size_t)length) {
        free(bytes);
        bytes = NULL;
    }
    fclose(file);
    *size = (size_t)length;
    return bytes;
}

/* For each FILE: median time of eng_module_load (decode + validate + translate) over repeated
 * loads, throughput in MB/s of function bodies, and the translated code's size against them. */
int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: load_time FILE.wasm...\n");
        return 2;
    }
    printf("%-28s %10s %10s %10s %12s %12s\n", "module", "bodies KB", "load ms", "MB/s", "code/bodies", "all/bodies");
    for (int i = 1; i < argc; i++) {
        size_t size;
        unsigned char *bytes = read_file(argv[i], &size);
        if (!bytes) {
            fprintf(stderr, "load_time: cannot read %s\n", argv[i]);
            return 1;
        }
        enum { RUNS = 15 };
        double times[RUNS];
        uint64_t body_bytes = 0, code_bytes = 0, all_bytes = 0;
        for (int run = 0; run < RUNS; run++) {
            eng_module *module;
            double start = now_seconds();
            eng_error *error = eng_module_load(bytes, size, &module);
            times[run] = now_seconds() - start;
            if (error) {
                fprintf(stderr, "load_time: %s: %s\n", argv[i], error->message);
                return 1;
            }
            if (run == 0) {
                for (uint32_t f = 0; f < module->func_def_count; f++) {
                    const eng_func_def *def = &module->func_defs[f];
                    const eng_code *code = def->code;
                    body_bytes += def->body_size;
                    code_bytes += (uint64_t)code->cell_count * sizeof *code->cells;
                    all_bytes += (uint64_t)code->cell_count * sizeof *code->cells +
                                 (uint64_t)code->offset_count * sizeof *code->offsets +
                                 (uint64_t)code->constant_count * sizeof *code->constants + sizeof *code;
                }
            }
            eng_module_release(module);
        }
        qsort(times, RUNS, sizeof times[0], compare_doubles);
        double median = times[RUNS / 2];
        const char *name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
        printf("%-28s %10.1f %10.2f %10.1f %12.2f %12.2f\n", name, body_bytes / 1024.0, median * 1e3,
               body_bytes / median / 1e6, (double)code_bytes / (double)body_bytes,
               (double)all_bytes / (double)body_bytes);
        free(bytes);
    }
    return 0;
}
