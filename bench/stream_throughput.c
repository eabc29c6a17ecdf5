/* stream_throughput.c: a record stream through `wasmhost serve` over loopback: records/s, MB/s and the server's memory above idle while it streams. */
#define _GNU_SOURCE /* mkdtemp */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Usage:
 *   build/bench/stream_throughput [--megabytes N] [--record BYTES] [--wasmhost PATH] [--plugin PATH]
 * Starts `wasmhost serve --access-log off` with the plugin (default: the example upper.wasm) on a
 * free loopback port, then sends N MiB (default 1024) of records of BYTES bytes (default 1024,
 * the newline included) as one chunked POST /v1/streams/upper, reading the answer as it comes
 * (one record out per record in, checked by count). A thread samples the server's VmRSS in
 * /proc/PID/status every 20 ms; the idle figure is taken before the stream starts. Prints
 * records/s, MB/s (of input) and the peak RSS above idle; exits 1 when records are missing. */

#ifndef STREAM_DEFAULT_WASMHOST
#define STREAM_DEFAULT_WASMHOST "build/wasmhost"
#endif
#ifndef STREAM_DEFAULT_PLUGIN
#define STREAM_DEFAULT_PLUGIN "build/examples/plugins/upper.wasm"
#endif

#define RECORDS_PER_CHUNK 64

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* The server's resident memory in KiB (VmRSS, or `field`), 0 when it cannot be read. */
static long status_kib(pid_t pid, const char *field)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *file = fopen(path, "r");
    long kib = 0;
    size_t field_length = strlen(field);
    while (file && fgets(line, sizeof line, file))
        if (strncmp(line, field, field_length) == 0 && line[field_length] == ':')
            kib = atol(line + field_length + 1);
    if (file)
        fclose(file);
    return kib;
}

typedef struct sampler {
    pid_t pid;
    atomic_bool stop;
    atomic_long peak_kib;
} sampler;

static void *sample_memory(void *argument)
{
    sampler *s = argument;
    while (!atomic_load(&s->stop)) {
        long kib = status_kib(s->pid, "VmRSS");
        if (kib > atomic_load(&s->peak_kib))
            atomic_store(&s->peak_kib, kib);
        nanosleep(&(struct timespec){0, 20 * 1000000}, NULL);
    }
    return NULL;
}

typedef struct sender {
    int fd;
    uint64_t records;
    size_t record_size;
    bool failed;
} sender;

static bool send_all(int fd, const char *data, size_t length)
{
    while (length) {
        ssize_t sent = send(fd, data, length, MSG_NOSIGNAL);
        if (sent <= 0)
            return false;
        data += sent;
        length -= (size_t)sent;
    }
    return true;
}

/* The request: its head, then chunks of RECORDS_PER_CHUNK records of lowercase letters, then the end. */
static void *send_stream(void *argument)
{
    sender *s = argument;
    size_t chunk_data = RECORDS_PER_CHUNK * s->record_size;
    char *chunk = malloc(chunk_data + 32);
    int header = snprintf(chunk, 32, "%zx\r\n", chunk_data);
    for (size_t r = 0; r < RECORDS_PER_CHUNK; r++) {
        char *record = chunk + header + r * s->record_size;
        for (size_t i = 0; i + 1 < s->record_size; i++)
            record[i] = (char)('a' + (r + i) % 26);
        record[s->record_size - 1] = '\n';
    }
    memcpy(chunk + header + chunk_data, "\r\n", 2);
    const char *head = "POST /v1/streams/upper HTTP/1.1\r\nHost: bench\r\nTransfer-Encoding: chunked\r\n\r\n";
    s->failed = !send_all(s->fd, head, strlen(head));
    for (uint64_t sent = 0; !s->failed && sent < s->records; sent += RECORDS_PER_CHUNK)
        s->failed = !send_all(s->fd, chunk, (size_t)header + chunk_data + 2);
    s->failed = s->failed || !send_all(s->fd, "0\r\n\r\n", 5);
    free(chunk);
    return NULL;
}

/* Reads the answer to its end (the chunk of size 0), undoing the chunked framing after the head;
 * counts the records: the newlines of the chunks' data. */
static uint64_t receive_stream(int fd)
{
    static char buffer[1 << 16];
    enum { HEAD, SIZE, SIZE_END, DATA, DATA_END } state = HEAD;
    uint64_t records = 0, left = 0;
    size_t head_matched = 0;
    for (;;) {
        ssize_t got = recv(fd, buffer, sizeof buffer, 0);
        if (got <= 0)
            return records;
        for (ssize_t i = 0; i < got; i++) {
            char c = buffer[i];
            switch (state) {
            case HEAD: /* up to the blank line */
                head_matched = c == "\r\n\r\n"[head_matched] ? head_matched + 1 : (c == '\r');
                if (head_matched == 4)
                    state = SIZE;
                break;
            case SIZE:
                if (c == '\r')
                    state = SIZE_END;
                else
                    left = left * 16 + (uint64_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
                break;
            case SIZE_END: /* the '\n' after the size */
                if (left == 0)
                    return records;
                state = DATA;
                break;
            case DATA: {
                size_t run = (size_t)(got - i) < left ? (size_t)(got - i) : (size_t)left;
                for (size_t k = 0; k < run; k++)
                    records += buffer[i + (ssize_t)k] == '\n';
                left -= run;
                i += (ssize_t)run - 1;
                if (left == 0)
                    state = DATA_END;
                break;
            }
            case DATA_END: /* "\r\n" after the data */
                if (c == '\n')
                    state = SIZE;
                break;
            }
        }
    }
}

/* `wasmhost serve` on a manifest with the plugin as "upper"; its port from its first log line. */
static pid_t start_server(const char *wasmhost, const char *plugin, const char *folder, int *port)
{
    char manifest[4200];
    snprintf(manifest, sizeof manifest, "%s/stream.yaml", folder);
    FILE *file = fopen(manifest, "w");
    if (!file)
        return -1;
    fprintf(file, "plugins:\n  - {name: upper, module: %s}\n", plugin);
    fclose(file);
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipe_fds[1], STDOUT_FILENO);
        dup2(pipe_fds[1], STDERR_FILENO);
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        execl(wasmhost, wasmhost, "serve", "--listen", "127.0.0.1:0", "--access-log", "off", manifest, (char *)NULL);
        perror("exec wasmhost");
        _exit(127);
    }
    close(pipe_fds[1]);
    char log[8192];
    size_t length = 0;
    *port = 0;
    while (!*port && length + 1 < sizeof log) {
        ssize_t got = read(pipe_fds[0], log + length, sizeof log - 1 - length);
        if (got <= 0)
            break;
        length += (size_t)got;
        log[length] = '\0';
        const char *at = strstr(log, "listening on http://127.0.0.1:");
        if (at)
            *port = atoi(at + strlen("listening on http://127.0.0.1:"));
    }
    if (!*port)
        fprintf(stderr, "stream_throughput: the server did not start:\n%.*s\n", (int)length, log);
    /* The rest of its log goes nowhere: a child reads the pipe until the server ends. */
    if (fork() == 0) {
        while (read(pipe_fds[0], log, sizeof log) > 0)
            ;
        _exit(0);
    }
    close(pipe_fds[0]);
    return pid;
}

int main(int argc, char **argv)
{
    const char *wasmhost = STREAM_DEFAULT_WASMHOST, *plugin = STREAM_DEFAULT_PLUGIN;
    uint64_t megabytes = 1024;
    size_t record_size = 1024;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--megabytes") == 0)
            megabytes = strtoull(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--record") == 0)
            record_size = strtoull(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--wasmhost") == 0)
            wasmhost = argv[i + 1];
        else if (strcmp(argv[i], "--plugin") == 0)
            plugin = argv[i + 1];
        else {
            fprintf(stderr, "usage: stream_throughput [--megabytes N] [--record BYTES] [--wasmhost PATH] "
                            "[--plugin PATH]\n");
            return 2;
        }
    }
    if (record_size < 2 || megabytes == 0) {
        fprintf(stderr, "stream_throughput: --record takes at least 2 bytes, --megabytes at least 1\n");
        return 2;
    }
    char folder[] = "/tmp/stream_throughput.XXXXXX";
    if (!mkdtemp(folder)) {
        perror("stream_throughput: mkdtemp");
        return 2;
    }
    int port;
    pid_t server = start_server(wasmhost, plugin, folder, &port);
    if (server <= 0 || !port)
        return 2;
    nanosleep(&(struct timespec){0, 300 * 1000000}, NULL); /* settled */
    long idle_kib = status_kib(server, "VmRSS");

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        fprintf(stderr, "stream_throughput: cannot connect to port %d: %s\n", port, strerror(errno));
        kill(server, SIGTERM);
        return 2;
    }
    uint64_t records = megabytes * 1024 * 1024 / record_size;
    records -= records % RECORDS_PER_CHUNK;
    sender s = {.fd = fd, .records = records, .record_size = record_size};
    sampler memory = {.pid = server};
    atomic_init(&memory.peak_kib, idle_kib);
    pthread_t sending, sampling;
    uint64_t start = now_ns();
    pthread_create(&sampling, NULL, sample_memory, &memory);
    pthread_create(&sending, NULL, send_stream, &s);
    uint64_t received = receive_stream(fd);
    double seconds = (double)(now_ns() - start) / 1e9;
    pthread_join(sending, NULL);
    atomic_store(&memory.stop, true);
    pthread_join(sampling, NULL);
    long peak_kib = atomic_load(&memory.peak_kib);
    close(fd);
    kill(server, SIGTERM);
    waitpid(server, NULL, 0);
    char command[256];
    snprintf(command, sizeof command, "rm -rf '%s'", folder);
    if (system(command) != 0)
        fprintf(stderr, "stream_throughput: could not remove %s\n", folder);

    double input_mb = (double)records * (double)record_size / 1e6;
    printf("stream of %llu records of %zu bytes (%.0f MB) through upper: %.2f s\n", (unsigned long long)records,
           record_size, input_mb, seconds);
    printf("  %.0f records/s, %.1f MB/s\n", (double)received / seconds, input_mb / seconds);
    printf("  server RSS: idle %.1f MiB, peak %.1f MiB, peak above idle %.1f MiB\n", idle_kib / 1024.0,
           peak_kib / 1024.0, (peak_kib - idle_kib) / 1024.0);
    if (received != records || s.failed) {
        printf("  FAILED: %llu records came back of %llu%s\n", (unsigned long long)received,
               (unsigned long long)records, s.failed ? " (sending failed)" : "");
        return 1;
    }
    return 0;
}
