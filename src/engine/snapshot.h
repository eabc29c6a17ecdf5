/* snapshot.h: an instance's current state written back as a WebAssembly module (wasmhost snapshot, serve's init:). */
#ifndef ENG_SNAPSHOT_H
#define ENG_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "runtime.h"

/* Writes a module equivalent to the instance's module whose instances start in the state
 * `instance` is in now: memory 0's current size is its minimum (its maximum kept) and its
 * contents active data segments; mutable defined globals start at their current values; the
 * start section is gone (it has run), and so are the export called `drop_export` (NULL: none;
 * it must exist) and "_initialize" (a WASI reactor's constructors, which have run too: callers
 * initialise a reactor before they snapshot it). Every other section is copied byte for byte.
 * The original data segments keep their indices for memory.init and data.drop: an active one
 * (applied, then dropped at instantiation) and a dropped passive one become empty passive
 * segments; the new ones follow them.
 *
 * Refused, with an error saying what, when the state cannot be written faithfully: an imported
 * memory or table (its contents are the importer's), more than one memory, a mutable imported
 * global (its value is the importer's), a table whose size or contents differ from what
 * instantiation made (tables hold references to functions, which data cannot express), a passive
 * element segment that was dropped, and a global holding a reference that is neither null nor a
 * function of this instance. State outside the instance (WASI's open files, the host's) is not
 * captured: what the guest kept of it in memory is. On success *out (malloc'd) holds *out_size
 * bytes. */
eng_error *eng_instance_snapshot(const eng_instance *instance, const char *drop_export, uint8_t **out,
                                 size_t *out_size);

#endif
