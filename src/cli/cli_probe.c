/* cli_probe.c: `wasmhost probe URL`: one HTTP GET, exit 0 on a 2xx answer; the container image's health check. */
#include <errno.h>
#include <fcntl.h>
#include <llhttp.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli_options.h"
#include "http_message.h" /* http_status_reason */
#include "manifest.h"     /* manifest_parse_duration */

/* The runtime image (Containerfile) holds the static wasmhost and nothing else: no shell, no curl.
 * Its HEALTHCHECK runs this. Plain HTTP only, and only the status line and headers are read: a
 * health check needs no more. The answer is parsed by llhttp, as the server parses requests. */

static const char probe_usage[] =
    "usage: wasmhost probe [OPTIONS] URL\n"
    "\n"
    "Sends GET URL (http://HOST[:PORT][/PATH]; HOST a name, an IPv4 address or [IPv6]) and prints the\n"
    "answer's status. Made for health checks where no HTTP client is installed (the container image):\n"
    "  wasmhost probe http://127.0.0.1:8080/healthz\n"
    "\n"
    "Options:\n"
    "%s"
    "  -h, --help               show this help\n"
    "\n"
    "Exit status: 0 when the answer is 2xx, 1 for any other answer, no answer or a timeout (the reason\n"
    "on stderr), 2 usage error.\n";

#define DEFAULT_TIMEOUT_MS 5000

typedef struct probe_url {
    char host[256]; /* without brackets */
    char port[8];
    const char *path; /* into the URL given; "/" when it has none */
} probe_url;

/* "http://HOST[:PORT][/PATH]"; false with the reason in `why`. */
static bool parse_url(const char *text, probe_url *url, char *why, size_t why_size)
{
    static const char scheme[] = "http://";
    if (strncmp(text, scheme, sizeof scheme - 1) != 0) {
        snprintf(why, why_size, "'%s': expected http://HOST[:PORT][/PATH] (https is not supported)", text);
        return false;
    }
    for (const char *c = text; *c; c++) {
        if ((unsigned char)*c <= 0x20 || *c == 0x7f) {
            snprintf(why, why_size, "'%s': a URL holds no spaces or control characters (percent-encode them)", text);
            return false;
        }
    }
    const char *authority = text + sizeof scheme - 1, *end = authority + strcspn(authority, "/?#");
    url->path = *end == '/' ? end : "/";
    const char *host = authority, *host_end, *port = NULL;
    if (*authority == '[') {
        host = authority + 1;
        host_end = memchr(host, ']', (size_t)(end - host));
        if (host_end && host_end + 1 < end && host_end[1] == ':')
            port = host_end + 2;
        else if (host_end && host_end + 1 != end)
            host_end = NULL;
    } else {
        host_end = memchr(authority, ':', (size_t)(end - authority));
        if (host_end)
            port = host_end + 1;
        else
            host_end = end;
    }
    size_t host_length = host_end ? (size_t)(host_end - host) : 0;
    size_t port_length = port ? (size_t)(end - port) : 0;
    bool port_ok = !port || (port_length > 0 && port_length < sizeof url->port &&
                             strspn(port, "0123456789") >= port_length && atoi(port) > 0 && atoi(port) < 65536);
    if (host_length == 0 || host_length >= sizeof url->host || !port_ok) {
        snprintf(why, why_size, "'%s': expected http://HOST[:PORT][/PATH] with a port from 1 to 65535", text);
        return false;
    }
    memcpy(url->host, host, host_length);
    url->host[host_length] = '\0';
    snprintf(url->port, sizeof url->port, "%.*s", port ? (int)port_length : 2, port ? port : "80");
    return true;
}

static bool parse_timeout(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    uint64_t ns;
    if (!manifest_parse_duration(value, &ns) || ns < 1000000 || ns / 1000000 > 3600 * 1000)
        return cli_bad_value(why, why_size, name, value, "expected a duration from 1ms to 1h (500ms, 5s)");
    *(int *)target = (int)(ns / 1000000);
    return true;
}

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Waits until `fd` is ready for `events` or the deadline passes; false (errno ETIMEDOUT) then. */
static bool wait_ready(int fd, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            errno = ETIMEDOUT;
            return false;
        }
        struct pollfd ready = {.fd = fd, .events = events};
        int count = poll(&ready, 1, (int)left);
        if (count > 0)
            return true;
        if (count < 0 && errno != EINTR)
            return false;
    }
}

/* A connected non-blocking socket to one of the host's addresses; -1 with the reason in `why`. */
static int connect_to(const probe_url *url, int64_t deadline, char *why, size_t why_size)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *addresses = NULL;
    int status = getaddrinfo(url->host, url->port, &hints, &addresses);
    if (status != 0) {
        snprintf(why, why_size, "cannot resolve '%s': %s", url->host, gai_strerror(status));
        return -1;
    }
    int fd = -1, error = 0;
    for (struct addrinfo *a = addresses; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            error = errno;
            continue;
        }
        socklen_t length = sizeof error;
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
            break;
        if (errno != EINPROGRESS || !wait_ready(fd, POLLOUT, deadline) ||
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) {
            if (!error)
                error = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(addresses);
    if (fd < 0)
        snprintf(why, why_size, "cannot connect to %s port %s: %s", url->host, url->port, strerror(error));
    return fd;
}

static bool send_all(int fd, const char *data, size_t size, int64_t deadline)
{
    while (size > 0) {
        ssize_t sent = send(fd, data, size, MSG_NOSIGNAL);
        if (sent > 0) {
            data += sent;
            size -= (size_t)sent;
        } else if (sent < 0 && errno != EAGAIN && errno != EINTR) {
            return false;
        } else if (!wait_ready(fd, POLLOUT, deadline)) {
            return false;
        }
    }
    return true;
}

static int headers_done(llhttp_t *parser)
{
    *(bool *)parser->data = true;
    return HPE_PAUSED; /* the status is all a probe needs: stop at the end of the headers */
}

/* Reads the answer up to the end of its headers; its status, or 0 with the reason in `why`. */
static int read_status(int fd, int64_t deadline, char *why, size_t why_size)
{
    llhttp_settings_t settings;
    llhttp_settings_init(&settings);
    settings.on_headers_complete = headers_done;
    llhttp_t parser;
    llhttp_init(&parser, HTTP_RESPONSE, &settings);
    bool done = false;
    parser.data = &done;
    char buffer[4096];
    while (!done) {
        ssize_t got = recv(fd, buffer, sizeof buffer, 0);
        if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (!wait_ready(fd, POLLIN, deadline)) {
                snprintf(why, why_size, "no answer: %s", strerror(errno));
                return 0;
            }
            continue;
        }
        if (got < 0) {
            snprintf(why, why_size, "no answer: %s", strerror(errno));
            return 0;
        }
        if (got == 0) {
            snprintf(why, why_size, "the server closed the connection before answering");
            return 0;
        }
        llhttp_errno_t status = llhttp_execute(&parser, buffer, (size_t)got);
        if (status != HPE_OK && status != HPE_PAUSED) {
            snprintf(why, why_size, "not an HTTP answer: %s", llhttp_get_error_reason(&parser));
            return 0;
        }
    }
    return parser.status_code;
}

int cli_probe(int argc, char **argv)
{
    int timeout_ms = DEFAULT_TIMEOUT_MS;
    const cli_option options[] = {
        {"--timeout", .parse = parse_timeout, .target = &timeout_ms,
         .help = "  --timeout DURATION       for connecting, sending and the answer together (default 5s)\n"},
    };
    static const cli_command_line command = {"probe", probe_usage, "(see wasmhost probe --help)\n", false};
    cli_arguments args;
    cli_arguments_start(&args, &command, argc, argv, options, sizeof options / sizeof options[0]);
    const char *text = cli_only_operand(&args, "URL");
    if (!text)
        return args.exit_status;
    probe_url url;
    char why[512];
    if (!parse_url(text, &url, why, sizeof why))
        return cli_usage_error(&args, "%s", why);

    int64_t deadline = now_ms() + timeout_ms;
    int fd = connect_to(&url, deadline, why, sizeof why);
    int status = 0;
    if (fd >= 0) {
        char request[2048];
        int length =
            snprintf(request, sizeof request,
                     "GET %s HTTP/1.1\r\nHost: %s%s%s:%s\r\nUser-Agent: wasmhost-probe/" WASMHOST_VERSION
                     "\r\nConnection: close\r\n\r\n",
                     url.path, strchr(url.host, ':') ? "[" : "", url.host, strchr(url.host, ':') ? "]" : "", url.port);
        if (length < 0 || (size_t)length >= sizeof request)
            snprintf(why, sizeof why, "the URL is too long");
        else if (!send_all(fd, request, (size_t)length, deadline))
            snprintf(why, sizeof why, "cannot send the request: %s", strerror(errno));
        else
            status = read_status(fd, deadline, why, sizeof why);
        close(fd);
    }
    if (status == 0) {
        fprintf(stderr, "wasmhost probe: %s: %s\n", text, why);
        return CLI_FAILED;
    }
    if (status < 200 || status > 299) {
        fprintf(stderr, "wasmhost probe: %s: answered %d %s\n", text, status, http_status_reason(status));
        return CLI_FAILED;
    }
    printf("%d %s\n", status, http_status_reason(status));
    return CLI_OK;
}
