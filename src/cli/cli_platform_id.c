/* cli_platform_id.c: the build id of libwasmhost_platform.so, which the binary compares with its own before using it (cli_platform.c). */
#ifndef WASMHOST_BUILD_ID
#error "WASMHOST_BUILD_ID must be defined by the build"
#endif

__attribute__((visibility("default"))) const char cli_platform_build_id[] = WASMHOST_BUILD_ID;
