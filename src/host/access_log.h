/* access_log.h: the host's log as JSON lines: one per response, per guest output line, per event. */
#ifndef WH_ACCESS_LOG_H
#define WH_ACCESS_LOG_H

#include <stddef.h>
#include <stdint.h>

typedef struct access_log access_log;

/* `path`: "-" for standard output, "off" for none, else a file opened for appending. NULL with
 * a message in `error` when the file cannot be opened. */
access_log *access_log_open(const char *path, char *error, size_t error_size);
void access_log_close(access_log *log);

/* {"time":"...","type":"access","service":"hello","method":"GET","path":"/health","status":200,
 *  "duration_us":45,"request_id":"...","remote":"127.0.0.1"} — service NULL: answered by the host. */
void access_log_request(access_log *log, const char *service, const char *method, const char *target, int status,
                        uint64_t duration_ns, const char *request_id, const char *remote);
/* {"time":...,"type":"stderr","service":...,"request_id":...,"line":"..."} per line the guest wrote
 * (a partial last line too: a guest's output is not held back for a newline that may not come). */
void access_log_guest_output(access_log *log, const char *service, const char *request_id, const uint8_t *data,
                             size_t size);
/* {"time":...,"type":"guest","level":"info","service":...,"version":N,"request_id":...,"message":"..."}:
 * a line a guest logged through wasmhost_capabilities.log. */
void access_log_guest_line(access_log *log, const char *level, const char *service, uint32_t version,
                           const char *request_id, const char *message, size_t length);
/* {"time":...,"type":"LEVEL","service":...,"request_id":...,"message":"..."}; service and request
 * id may be NULL. Always also goes to standard error when the log is off or is a file. */
void access_log_event(access_log *log, const char *level, const char *service, const char *request_id,
                      const char *format, ...) __attribute__((format(printf, 5, 6)));

#endif
