/* noop_export.c: an export that does nothing, linked into the hello service for bench/instance_cycle (issue 16's "no-op export" measure). */
__attribute__((export_name("noop"))) void noop(void) {}
