/* reload_test.c: `serve --watch-manifest` on a manifest mounted as Kubernetes mounts a ConfigMap, systemd's notify protocol, `wasmhost probe`. */
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "admin_support.h" /* served_*, http, write_text; CHECK, now_ms, sleep_ms */

/* Kubernetes mounts a ConfigMap as a folder whose files are symlinks through "..data", itself a
 * symlink to a timestamped folder; an update writes a new folder and renames a new "..data" over
 * the old one (one atomic step), then removes the old folder:
 *   config/wasmhost.yaml -> ..data/wasmhost.yaml, config/..data -> ..2026_01_01_00_00_00.N
 * The server is given config/wasmhost.yaml and must see the swap with --watch-manifest. */

static const char *wasmhost;
static char config[4200], notify_folder[64], notify_path[128];
static int notify_fd = -1;
static int generation;

static char *read_text(const char *path)
{
    size_t size;
    uint8_t *bytes = read_bytes(path, &size); /* allocated one byte longer */
    CHECK(bytes != NULL, "cannot read %s", path);
    if (bytes)
        bytes[size] = '\0';
    return (char *)bytes;
}

/* Publishes `text` as the ConfigMap's new content, as the kubelet does. */
static void swap_config(const char *text)
{
    char folder[4400], file[4500], link_tmp[4400], data[4400], old_target[256] = "";
    generation++;
    snprintf(folder, sizeof folder, "%s/..2026_01_01_00_00_00.%d", config, generation);
    snprintf(file, sizeof file, "%s/wasmhost.yaml", folder);
    snprintf(link_tmp, sizeof link_tmp, "%s/..data_tmp", config);
    snprintf(data, sizeof data, "%s/..data", config);
    CHECK(mkdir(folder, 0755) == 0, "mkdir %s", folder);
    write_text(file, "%s", text);
    ssize_t length = readlink(data, old_target, sizeof old_target - 1);
    if (length > 0)
        old_target[length] = '\0';
    char target[64];
    snprintf(target, sizeof target, "..2026_01_01_00_00_00.%d", generation);
    CHECK(symlink(target, link_tmp) == 0, "symlink %s", link_tmp);
    CHECK(rename(link_tmp, data) == 0, "rename over %s", data);
    if (length > 0) {
        char command[4700];
        snprintf(command, sizeof command, "rm -rf '%s/%s'", config, old_target);
        CHECK(system(command) == 0);
    }
}

/* ---- systemd's side of the notify protocol: one datagram per message ---- */

/* In a folder of /tmp: a socket's path has at most 107 bytes, which a build folder's may pass. */
static void notify_open(void)
{
    snprintf(notify_folder, sizeof notify_folder, "/tmp/wasmhost-notify.XXXXXX");
    CHECK(mkdtemp(notify_folder) != NULL, "mkdtemp %s", notify_folder);
    snprintf(notify_path, sizeof notify_path, "%s/notify.sock", notify_folder);
    notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    CHECK(strlen(notify_path) < sizeof address.sun_path, "socket path too long: %s", notify_path);
    snprintf(address.sun_path, sizeof address.sun_path, "%s", notify_path);
    CHECK(bind(notify_fd, (struct sockaddr *)&address, sizeof address) == 0, "bind %s", notify_path);
    struct timeval timeout = {0, 100 * 1000};
    setsockopt(notify_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setenv("NOTIFY_SOCKET", notify_path, 1);
}

static void notify_close(void)
{
    if (notify_fd >= 0)
        close(notify_fd);
    unlink(notify_path);
    rmdir(notify_folder);
}

/* The next message that holds `needle`, within `ms`; the messages before it are printed and
 * skipped. False when none came. `message` gets it. */
static bool notify_wait(const char *needle, int ms, char *message, size_t message_size)
{
    uint64_t give_up = now_ms() + (uint64_t)ms;
    while (now_ms() < give_up) {
        ssize_t got = recv(notify_fd, message, message_size - 1, 0);
        if (got < 0)
            continue;
        message[got] = '\0';
        if (strstr(message, needle))
            return true;
        fprintf(stderr, "(notify message skipped: %s)\n", message);
    }
    message[0] = '\0';
    return false;
}

/* ---- checks ---- */

/* GET `path` until its body holds `text` (a reload takes a watch interval and a compile). */
static bool answers_within(int port, const char *path, const char *text, int ms)
{
    uint64_t give_up = now_ms() + (uint64_t)ms;
    for (;;) {
        reply r = http("GET", port, path, NULL);
        bool found = r.status == 200 && reply_contains(&r, text);
        reply_free(&r);
        if (found)
            return true;
        if (now_ms() > give_up)
            return false;
        sleep_ms(20);
    }
}

static long metric(int port, const char *series)
{
    reply r = http("GET", port, "/metrics", NULL);
    const char *at = r.body ? strstr(r.body, series) : NULL;
    long value = at ? atol(at + strlen(series)) : -1;
    reply_free(&r);
    return value;
}

/* Runs `wasmhost probe ARGS...` and returns its exit status, with what it printed in `output`. */
static int probe(char *output, size_t output_size, const char *format, ...) __attribute__((format(printf, 3, 4)));
static int probe(char *output, size_t output_size, const char *format, ...)
{
    char args[512], command[5000];
    va_list list;
    va_start(list, format);
    vsnprintf(args, sizeof args, format, list);
    va_end(list);
    snprintf(command, sizeof command, "'%s' probe %s 2>&1", wasmhost, args);
    FILE *pipe = popen(command, "r");
    size_t length = pipe ? fread(output, 1, output_size - 1, pipe) : 0;
    output[length] = '\0';
    int status = pipe ? pclose(pipe) : -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_probe(int port)
{
    char output[1024];
    int status = probe(output, sizeof output, "http://127.0.0.1:%d/healthz", port);
    CHECK(status == 0 && strcmp(output, "200 OK\n") == 0, "probe /healthz: exit %d, '%s'", status, output);
    status = probe(output, sizeof output, "http://localhost:%d/readyz", port);
    CHECK(status == 0 && strstr(output, "200 OK"), "probe by name: exit %d, '%s'", status, output);
    status = probe(output, sizeof output, "--timeout 2s http://127.0.0.1:%d/no-such-route", port);
    CHECK(status == 1 && strstr(output, "answered 404 Not Found"), "probe of a 404: exit %d, '%s'", status, output);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: reload_test WASMHOST MANIFEST_A MANIFEST_B WORK\n");
        return 2;
    }
    wasmhost = argv[1];
    char *manifest_a = read_text(argv[2]), *manifest_b = read_text(argv[3]);
    const char *work = argv[4];
    char state[4200], manifest[4400], data[4400];
    fresh_folder(work, "state", state, sizeof state);
    fresh_folder(work, "config", config, sizeof config);
    CHECK(mkdir(config, 0755) == 0, "mkdir %s", config);
    snprintf(manifest, sizeof manifest, "%s/wasmhost.yaml", config);
    CHECK(symlink("..data/wasmhost.yaml", manifest) == 0, "symlink %s", manifest);
    swap_config(manifest_a);
    notify_open();
    if (!manifest_a || !manifest_b || failures) {
        notify_close();
        return checks_done("reload_test");
    }

    served s;
    const char *args[] = {"--watch-manifest", "200ms", manifest, NULL};
    if (!served_start(&s, wasmhost, state, 0, args)) {
        fprintf(stderr, "the server did not start:\n%s\n", s.log ? s.log : "");
        served_stop(&s, true);
        served_free(&s);
        notify_close();
        return 1;
    }
    int port = s.public_port;
    char message[512];

    /* Ready once the services are loaded: /readyz answers 200 from then on. */
    CHECK(notify_wait("READY=1", 10000, message, sizeof message), "no READY=1 on NOTIFY_SOCKET");
    reply ready = http("GET", port, "/readyz", NULL);
    CHECK(ready.status == 200, "/readyz after READY=1: %ld", ready.status);
    reply_free(&ready);
    CHECK(answers_within(port, "/reply", "one", 0), "manifest A serves /reply 'one'");
    test_probe(port);

    /* The ConfigMap changes: a new folder swapped in under ..data. */
    swap_config(manifest_b);
    CHECK(answers_within(port, "/reply", "two", 10000), "the swapped manifest is served within 10 s");
    CHECK(answers_within(port, "/reply-added", "added", 0), "a route the new manifest adds");
    reply removed = http("GET", port, "/counter", NULL);
    CHECK(removed.status == 404, "a route the new manifest drops: %ld", removed.status);
    reply_free(&removed);
    CHECK(served_log_contains(&s, "changed on disk: reloading it"), "the log says why it reloaded");
    CHECK(notify_wait("RELOADING=1", 5000, message, sizeof message) && strstr(message, "MONOTONIC_USEC="),
          "RELOADING=1 with MONOTONIC_USEC: '%s'", message);
    CHECK(notify_wait("READY=1", 5000, message, sizeof message), "READY=1 after the reload");

    /* A broken manifest is logged once; the services stay, and it is not retried until it changes. */
    swap_config("services: [\n");
    CHECK(served_log_waits_for(&s, "reload failed, keeping the services running", 10000), "a failed reload is logged");
    sleep_ms(1000); /* five watch intervals */
    CHECK(answers_within(port, "/reply", "two", 0), "the services stay after a failed reload");
    long failed = metric(port, "wasmhost_reloads_total{result=\"failed\"} ");
    long succeeded = metric(port, "wasmhost_reloads_total{result=\"ok\"} ");
    CHECK(failed == 1 && succeeded == 1, "one reload each way, not a retry per interval: ok %ld, failed %ld", succeeded,
          failed);

    /* Edited in place (a host path, not a ConfigMap): a rewrite of the same file is seen too. */
    snprintf(data, sizeof data, "%s/..data/wasmhost.yaml", config);
    write_text(data, "%s", manifest_a);
    CHECK(answers_within(port, "/reply", "one", 10000), "a manifest rewritten in place is reloaded");

    int status = served_stop(&s, false);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit 0 after SIGTERM: 0x%x", status);
    CHECK(notify_wait("STOPPING=1", 1000, message, sizeof message), "STOPPING=1 at SIGTERM");
    if (failures)
        fprintf(stderr, "---- server log ----\n%s\n", s.log ? s.log : "");
    served_free(&s);
    notify_close();
    free(manifest_a);
    free(manifest_b);
    return checks_done("reload_test");
}
