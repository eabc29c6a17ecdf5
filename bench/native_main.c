/* native_main.c: the host driver for a bench kernel: calls the kernel's run() and prints its checksum,
 * exactly what `wasmhost invoke bench_<name>.wasm run` prints for the same kernel. */
#include <stdio.h>

int run(void);

int main(void)
{
    printf("%d\n", run());
    return 0;
}
