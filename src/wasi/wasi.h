/* wasi.h: WASI preview 1 on the engine: a context, its capabilities, linking (wasmhost.h's wh_wasi_* wrap it). */
#ifndef WASI_H
#define WASI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

/* A WASI context: the arguments, environment variables, directories and stdio one guest
 * instance may use. Deny by default: a new context has no arguments, no variables, no
 * directories; its stdin reads as empty and whatever the guest writes to stdout and stderr is
 * discarded. Everything the guest may see is added explicitly below, before instantiation.
 *
 * Use:
 *   wasi_context *wasi = wasi_new();
 *   wasi_set_args(...); wasi_add_env(...); wasi_preopen_dir(...); wasi_stdio_inherit(...);
 *   for each import of the module: if (wasi_is_import(import)) wasi_import(wasi, store, import, &ext);
 *   eng_instance_new(...);  wasi_bind(wasi, instance);
 *   eng_func_call(store, _start, ...)  -> NULL, or a trap: kind ENG_TRAP_EXIT when the guest called
 *                                     proc_exit (trap->exit_code), any other kind is a real trap
 *   wasi_free(wasi) after the store is freed (or at least after the last call). */
typedef struct wasi_context wasi_context;

#define WASI_MODULE_NAME "wasi_snapshot_preview1"

wasi_context *wasi_new(void); /* NULL when out of memory */
void wasi_free(wasi_context *wasi);

/* The guest's argv (argv[0] included), copied. Replaces earlier arguments. */
eng_error *wasi_set_args(wasi_context *wasi, int argc, const char *const *argv);
/* Adds NAME=VALUE to the guest's environment (copied). NAME must be non-empty without '='. */
eng_error *wasi_add_env(wasi_context *wasi, const char *name, const char *value);

/* Opens the host directory `host_path` and gives it to the guest as a preopened directory named
 * `guest_path` (the name wasi-libc matches paths against, e.g. "/data" or "."). Nothing outside
 * it can be reached through it: `..` above it, absolute paths and symbolic links that lead out
 * are refused with ENOTCAPABLE. With `read_only`, every operation that would change something
 * (write, create, truncate, unlink, rename, link, symlink, set times) fails with ENOTCAPABLE
 * and changes nothing. The error names the host path. */
eng_error *wasi_preopen_dir(wasi_context *wasi, const char *host_path, const char *guest_path, bool read_only);

/* ---- stdio (fd 0, 1, 2) ----
 * Each of the three is one of: discarded/empty (the default), the host process's own descriptor
 * (inherit), a memory buffer, or callbacks. The calls below replace the previous setting. */

/* stdin, stdout or stderr (fd 0, 1 or 2) is the host process's descriptor of the same number. */
eng_error *wasi_stdio_inherit(wasi_context *wasi, int fd);
/* stdin reads `size` bytes (copied), then end of file. */
eng_error *wasi_stdin_buffer(wasi_context *wasi, const void *data, size_t size);
/* stdin reads by calling `read`: it fills up to `size` bytes of `buffer` and returns how many
 * (0 = end of file), or -1 for an error (the guest gets EIO). It may block. */
typedef ptrdiff_t (*wasi_read_callback)(void *user, uint8_t *buffer, size_t size);
eng_error *wasi_stdin_callback(wasi_context *wasi, wasi_read_callback read, void *user);
/* stdout or stderr (fd 1 or 2) is collected in memory; read it with wasi_output(). */
eng_error *wasi_output_buffer(wasi_context *wasi, int fd);
/* stdout or stderr is passed to `write` (fd is 1 or 2); it returns how many bytes it took
 * (fewer is a short write) or -1 for an error (the guest gets EIO). */
typedef ptrdiff_t (*wasi_write_callback)(void *user, int fd, const uint8_t *data, size_t size);
eng_error *wasi_output_callback(wasi_context *wasi, int fd, wasi_write_callback write, void *user);
/* Caps how many bytes the guest may write to stdout or stderr over the whole run (whatever the
 * setting: inherited, buffer or callback). A write that would pass the cap is cut short; once
 * the cap is reached, writes fail with ENOSPC. UINT64_MAX (the default) means no cap. */
eng_error *wasi_output_limit(wasi_context *wasi, int fd, uint64_t max_bytes);
/* What a buffered stdout or stderr collected so far (NULL and 0 for other settings). */
const uint8_t *wasi_output(const wasi_context *wasi, int fd, size_t *size);

/* ---- linking ---- */

/* True when `import` is from the module "wasi_snapshot_preview1". */
bool wasi_is_import(const eng_import *import);
/* Creates the host function for a "wasi_snapshot_preview1" import in `store`, bound to `wasi`.
 * The function has the WASI signature; eng_instance_new checks it against the import's type.
 * Errors: a name WASI preview 1 does not have, or an import that is not a function. */
eng_error *wasi_import(wasi_context *wasi, eng_store *store, const eng_module *module, uint32_t import_index,
                       eng_extern *out);
/* After instantiation: binds the context to the instance's exported memory "memory", which every
 * pointer the guest passes refers to (each access is checked against its current size). Fails
 * when the module imports WASI functions that take pointers but exports no such memory. */
eng_error *wasi_bind(wasi_context *wasi, eng_instance *instance);

/* True once the guest has called proc_exit; *code is then the code it gave. */
bool wasi_exited(const wasi_context *wasi, uint32_t *code);

/* Test hook: WASMHOST_WASI_RESOLVE=portable in the environment makes path resolution use the
 * component-by-component walker instead of openat2(RESOLVE_BENEATH), as on kernels before 5.6. */

#endif
