/* outbound_call.c: what one outbound HTTP call to a local upstream adds to a request of `wasmhost serve` (issue 17, acceptance 2): medians with and without the call, side by side in one run. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The same guest as tests/host/capabilities: /var/greeting reads a variable (no call), /fetch?URL
 * makes one outbound GET and answers its body. */

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* ---- the upstream: keep-alive HTTP/1.1 on loopback, "hello upstream" for every request ---- */

static void *upstream_connection(void *fd_pointer)
{
    int fd = (int)(intptr_t)fd_pointer, one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    static const char answer[] = "HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\nhello upstream";
    char request[8192];
    size_t length = 0;
    for (;;) {
        ssize_t n = recv(fd, request + length, sizeof request - 1 - length, 0);
        if (n <= 0)
            break;
        length += (size_t)n;
        request[length] = '\0';
        char *end;
        while ((end = strstr(request, "\r\n\r\n")) != NULL) {
            send(fd, answer, sizeof answer - 1, MSG_NOSIGNAL);
            size_t used = (size_t)(end + 4 - request);
            memmove(request, request + used, length - used + 1);
            length -= used;
        }
    }
    close(fd);
    return NULL;
}

static void *upstream_accept(void *listener_pointer)
{
    for (;;) {
        int fd = accept((int)(intptr_t)listener_pointer, NULL, NULL);
        if (fd < 0)
            return NULL;
        pthread_t thread;
        pthread_create(&thread, NULL, upstream_connection, (void *)(intptr_t)fd);
        pthread_detach(thread);
    }
}

static int start_upstream(void)
{
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 64) != 0 ||
        getsockname(listener, (struct sockaddr *)&address, &size) != 0)
        return 0;
    pthread_t thread;
    pthread_create(&thread, NULL, upstream_accept, (void *)(intptr_t)listener);
    pthread_detach(thread);
    return ntohs(address.sin_port);
}

/* ---- the server ---- */

static pid_t start_server(const char *wasmhost, const char *manifest, int *port)
{
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipe_fds[1], STDERR_FILENO); /* with the access log off, events go to stderr */
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        execl(wasmhost, wasmhost, "serve", "--listen", "127.0.0.1:0", "--access-log", "off", manifest, (char *)NULL);
        _exit(127);
    }
    close(pipe_fds[1]);
    char text[8192];
    size_t length = 0;
    for (;;) {
        ssize_t n = read(pipe_fds[0], text + length, sizeof text - 1 - length);
        if (n <= 0)
            return -1;
        length += (size_t)n;
        text[length] = '\0';
        const char *line = strstr(text, "listening on http://127.0.0.1:");
        if (line) {
            *port = atoi(line + strlen("listening on http://127.0.0.1:"));
            return pid; /* the pipe stays open (and unread): little is logged with the log off */
        }
    }
}

static size_t discard(char *data, size_t size, size_t count, void *user)
{
    (void)data, (void)user;
    return size * count;
}

static int compare(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double median_us(uint64_t *samples, size_t count)
{
    qsort(samples, count, sizeof *samples, compare);
    return samples[count / 2] / 1000.0;
}

static double p90_us(const uint64_t *sorted, size_t count) { return sorted[count * 9 / 10] / 1000.0; }

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s WASMHOST CAP_GUEST.wasm [REQUESTS, default 5000]\n", argv[0]);
        return 2;
    }
    size_t requests = argc > 3 ? strtoul(argv[3], NULL, 10) : 5000;
    signal(SIGPIPE, SIG_IGN);
    int upstream = start_upstream();
    char folder[] = "/tmp/outbound_call_XXXXXX", manifest[256];
    if (!upstream || !mkdtemp(folder))
        return 1;
    snprintf(manifest, sizeof manifest, "%s/bench.yaml", folder);
    FILE *file = fopen(manifest, "w");
    fprintf(file,
            "services:\n  - name: bench\n    module: %s\n    abi: http\n    routes: [/...]\n"
            "    allowed_outbound_hosts: [\"http://127.0.0.1:%d\"]\n    variables: {greeting: hello}\n",
            argv[2], upstream);
    fclose(file);
    int port = 0;
    pid_t server = start_server(argv[1], manifest, &port);
    if (server <= 0) {
        fprintf(stderr, "the server did not start\n");
        return 1;
    }
    char without[256], with[256];
    snprintf(without, sizeof without, "http://127.0.0.1:%d/var/greeting", port);
    snprintf(with, sizeof with, "http://127.0.0.1:%d/fetch?http://127.0.0.1:%d/ok", port, upstream);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *client = curl_easy_init(); /* one keep-alive connection, as a load balancer would keep */
    curl_easy_setopt(client, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(client, CURLOPT_TCP_NODELAY, 1L);
    uint64_t *plain = calloc(requests, sizeof *plain), *calling = calloc(requests, sizeof *calling);
    bool failed = false;
    /* Warm-up: the first outbound call moves the service to the workers for good; both kinds then
     * run there, so the difference is the call alone. Then the two alternate, one of each per round. */
    for (size_t i = 0; i < requests + 200 && !failed; i++) {
        for (int kind = 0; kind < 2 && !failed; kind++) {
            curl_easy_setopt(client, CURLOPT_URL, kind ? with : without);
            uint64_t start = now_ns();
            long status = 0;
            failed = curl_easy_perform(client) != CURLE_OK ||
                     curl_easy_getinfo(client, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status != 200;
            if (i >= 200)
                (kind ? calling : plain)[i - 200] = now_ns() - start;
        }
    }
    kill(server, SIGTERM);
    waitpid(server, NULL, 0);
    snprintf(manifest, sizeof manifest, "rm -rf '%s'", folder);
    if (system(manifest) != 0)
        fprintf(stderr, "could not remove %s\n", folder);
    if (failed) {
        fprintf(stderr, "a request failed\n");
        return 1;
    }
    double plain_median = median_us(plain, requests), calling_median = median_us(calling, requests);
    printf("requests of each kind:           %zu (alternating, one keep-alive client connection)\n", requests);
    printf("without an outbound call:        median %.1f us, p90 %.1f us\n", plain_median, p90_us(plain, requests));
    printf("with one outbound call:          median %.1f us, p90 %.1f us\n", calling_median, p90_us(calling, requests));
    printf("added by the call (medians):     %.1f us (target: under 200 us)\n", calling_median - plain_median);
    curl_easy_cleanup(client);
    curl_global_cleanup();
    free(plain);
    free(calling);
    return 0;
}
