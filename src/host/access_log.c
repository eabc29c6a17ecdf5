/* access_log.c: the host's log as JSON lines: one per response, per guest output line, per event. */
#include "access_log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct access_log {
    int fd;     /* -1: off */
    bool owned; /* a file we opened */
};

access_log *access_log_open(const char *path, char *error, size_t error_size)
{
    access_log *log = calloc(1, sizeof *log);
    if (!log) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    if (strcmp(path, "-") == 0) {
        log->fd = STDOUT_FILENO;
    } else if (strcmp(path, "off") == 0) {
        log->fd = -1;
    } else {
        log->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (log->fd < 0) {
            snprintf(error, error_size, "cannot open the access log %s: %s", path, strerror(errno));
            free(log);
            return NULL;
        }
        log->owned = true;
    }
    return log;
}

void access_log_close(access_log *log)
{
    if (!log)
        return;
    if (log->owned)
        close(log->fd);
    free(log);
}

/* A line under construction; long values are cut rather than allocated for. */
typedef struct line {
    char text[8192];
    size_t length;
} line;

static void put(line *l, const char *data, size_t size)
{
    size_t room = sizeof l->text - 2 - l->length; /* keep room for "}\n" */
    if (size > room)
        size = room;
    memcpy(l->text + l->length, data, size);
    l->length += size;
}

static void put_text(line *l, const char *text) { put(l, text, strlen(text)); }

/* A JSON string; bytes that are not printable ASCII are escaped as \u00XX, so invalid UTF-8 from
 * a guest still gives a valid line. */
static void put_string(line *l, const char *data, size_t size)
{
    put(l, "\"", 1);
    for (size_t i = 0; i < size; i++) {
        unsigned char c = (unsigned char)data[i];
        char escaped[8];
        if (c == '"' || c == '\\') {
            escaped[0] = '\\';
            escaped[1] = (char)c;
            put(l, escaped, 2);
        } else if (c == '\n') {
            put(l, "\\n", 2);
        } else if (c == '\t') {
            put(l, "\\t", 2);
        } else if (c < 0x20 || c >= 0x7f) {
            snprintf(escaped, sizeof escaped, "\\u%04x", c);
            put(l, escaped, 6);
        } else {
            put(l, (const char *)&c, 1);
        }
    }
    put(l, "\"", 1);
}

static void put_field(line *l, const char *name, const char *value)
{
    put(l, ",\"", 2);
    put_text(l, name);
    put(l, "\":", 2);
    if (value)
        put_string(l, value, strlen(value));
    else
        put(l, "null", 4);
}

static void start(line *l, const char *type)
{
    /* gmtime_r takes glibc's process-wide time-zone lock: each thread converts once a second. */
    static _Thread_local time_t second = -1;
    static _Thread_local char date_time[32]; /* "2024-05-01T12:00:00" */
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (now.tv_sec != second) {
        struct tm utc;
        gmtime_r(&now.tv_sec, &utc);
        strftime(date_time, sizeof date_time, "%Y-%m-%dT%H:%M:%S", &utc);
        second = now.tv_sec;
    }
    l->length = (size_t)snprintf(l->text, sizeof l->text, "{\"time\":\"%s.%06ldZ\"", date_time, now.tv_nsec / 1000);
    put_field(l, "type", type);
}

/* One write per line: lines from several threads never interleave. */
static void finish(int fd, line *l)
{
    l->text[l->length++] = '}';
    l->text[l->length++] = '\n';
    size_t done = 0;
    while (done < l->length) {
        ssize_t n = write(fd, l->text + done, l->length - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* a log that cannot be written must not stop the server */
        done += (size_t)n;
    }
}

void access_log_request(access_log *log, const char *service, const char *method, const char *target, int status,
                        uint64_t duration_ns, const char *request_id, const char *remote)
{
    if (log->fd < 0)
        return;
    line l;
    start(&l, "access");
    put_field(&l, "service", service);
    put_field(&l, "method", method);
    put_field(&l, "path", target);
    char numbers[96];
    int n = snprintf(numbers, sizeof numbers, ",\"status\":%d,\"duration_us\":%llu", status,
                     (unsigned long long)(duration_ns / 1000));
    put(&l, numbers, (size_t)n);
    put_field(&l, "request_id", request_id);
    put_field(&l, "remote", remote);
    finish(log->fd, &l);
}

void access_log_guest_output(access_log *log, const char *service, const char *request_id, const uint8_t *data,
                             size_t size)
{
    int fd = log->fd >= 0 ? log->fd : STDERR_FILENO;
    while (size) {
        const uint8_t *newline = memchr(data, '\n', size);
        size_t length = newline ? (size_t)(newline - data) : size;
        line l;
        start(&l, "stderr");
        put_field(&l, "service", service);
        put_field(&l, "request_id", request_id);
        put(&l, ",\"line\":", 8);
        put_string(&l, (const char *)data, length);
        finish(fd, &l);
        if (newline)
            length++;
        data += length;
        size -= length;
    }
}

void access_log_guest_line(access_log *log, const char *level, const char *service, uint32_t version,
                           const char *request_id, const char *message, size_t length)
{
    int fd = log->fd >= 0 ? log->fd : STDERR_FILENO;
    line l;
    start(&l, "guest");
    put_field(&l, "level", level);
    put_field(&l, "service", service);
    char number[32];
    int n = snprintf(number, sizeof number, ",\"version\":%u", version);
    put(&l, number, (size_t)n);
    put_field(&l, "request_id", request_id);
    put(&l, ",\"message\":", 11);
    put_string(&l, message, length);
    finish(fd, &l);
}

void access_log_event(access_log *log, const char *level, const char *service, const char *request_id,
                      const char *format, ...)
{
    char message[4096];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    line l;
    start(&l, level);
    put_field(&l, "service", service);
    put_field(&l, "request_id", request_id);
    put_field(&l, "message", message);
    if (log->fd >= 0) {
        line copy = l;
        finish(log->fd, &copy);
    }
    if (log->fd != STDOUT_FILENO)
        finish(STDERR_FILENO, &l);
}
