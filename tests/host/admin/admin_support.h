/* admin_support.h: what the admin API tests share: a `wasmhost serve --state` process, HTTP with libcurl, modules made on the fly. */
#ifndef WASMHOST_ADMIN_SUPPORT_H
#define WASMHOST_ADMIN_SUPPORT_H

#include <curl/curl.h>
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_support.h" /* CHECK, prng, now_ms, sleep_ms */

/* ---- a server process ---- */

typedef struct served {
    pid_t pid;
    int public_port, admin_port;
    int log_fd;
    pthread_t drainer;
    pthread_mutex_t lock;
    char *log; /* everything it wrote (stdout and stderr) */
    size_t log_length;
} served;

static void *served_drain(void *user)
{
    served *s = user;
    char buffer[4096];
    for (;;) {
        ssize_t n = read(s->log_fd, buffer, sizeof buffer);
        if (n <= 0)
            return NULL;
        pthread_mutex_lock(&s->lock);
        char *grown = realloc(s->log, s->log_length + (size_t)n + 1);
        if (grown) {
            s->log = grown;
            memcpy(s->log + s->log_length, buffer, (size_t)n);
            s->log_length += (size_t)n;
            s->log[s->log_length] = '\0';
        }
        pthread_mutex_unlock(&s->lock);
    }
}

static inline bool served_log_contains(served *s, const char *needle)
{
    pthread_mutex_lock(&s->lock);
    bool found = s->log && strstr(s->log, needle);
    pthread_mutex_unlock(&s->lock);
    return found;
}

/* Whether `needle` shows up in the log within `ms` milliseconds (the server writes its log line
 * before it answers, but the test's reader thread may not have read it yet). */
static inline bool served_log_waits_for(served *s, const char *needle, int ms)
{
    uint64_t give_up = now_ms() + (uint64_t)ms;
    while (!served_log_contains(s, needle)) {
        if (now_ms() > give_up)
            return false;
        sleep_ms(2);
    }
    return true;
}

/* The number after `marker` in the log, 0 while it is not there. */
static inline int served_log_number(served *s, const char *marker)
{
    pthread_mutex_lock(&s->lock);
    const char *at = s->log ? strstr(s->log, marker) : NULL;
    int number = at ? atoi(at + strlen(marker)) : 0;
    pthread_mutex_unlock(&s->lock);
    return number;
}

/* Starts `wasmhost serve --listen 127.0.0.1:0 --admin 127.0.0.1:0 --state STATE ARGS... [NULL]`
 * and waits until it is ready (its admin line logged). `file_size_limit` > 0 caps the files it may
 * write (RLIMIT_FSIZE: a full disk that needs no root). False when it exits or takes over 60 s. */
static inline bool served_start(served *s, const char *wasmhost, const char *state, rlim_t file_size_limit,
                                const char *const *args)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0)
        return false;
    const char *argv[64] = {wasmhost,  "serve", "--listen",  "127.0.0.1:0", "--admin", "127.0.0.1:0",
                            "--state", state,   "--workers", "4",           "--grace", "5s"};
    int argc = 12;
    for (size_t i = 0; args && args[i] && argc < 62; i++)
        argv[argc++] = args[i];
    argv[argc] = NULL;
    s->pid = fork();
    if (s->pid == 0) {
        dup2(pipe_fds[1], STDOUT_FILENO);
        dup2(pipe_fds[1], STDERR_FILENO);
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        if (file_size_limit) {
            signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails with EFBIG instead */
            struct rlimit limit = {file_size_limit, file_size_limit};
            setrlimit(RLIMIT_FSIZE, &limit);
        }
        execv(wasmhost, (char *const *)argv);
        perror("exec wasmhost");
        _exit(127);
    }
    close(pipe_fds[1]);
    s->log_fd = pipe_fds[0];
    pthread_create(&s->drainer, NULL, served_drain, s);
    uint64_t give_up = now_ms() + 60000;
    while (now_ms() < give_up) {
        s->public_port = served_log_number(s, "listening on http://127.0.0.1:");
        s->admin_port = served_log_number(s, "admin API on port ");
        if (s->public_port && s->admin_port)
            return true;
        int status;
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            s->pid = 0;
            return false;
        }
        sleep_ms(5);
    }
    return false;
}

/* Stops it: SIGTERM (or SIGKILL when `kill9`), then waits. Returns its wait status. */
static inline int served_stop(served *s, bool kill9)
{
    int status = -1;
    if (s->pid > 0) {
        kill(s->pid, kill9 ? SIGKILL : SIGTERM);
        waitpid(s->pid, &status, 0);
    }
    s->pid = 0;
    if (s->log_fd > 0) {
        pthread_join(s->drainer, NULL);
        close(s->log_fd);
    }
    s->log_fd = 0;
    return status;
}

static inline void served_free(served *s)
{
    free(s->log);
    s->log = NULL;
    pthread_mutex_destroy(&s->lock);
}

/* ---- files ---- */

/* WORK/NAME, removed first if it is there: a fresh folder for a server's state. */
static inline void fresh_folder(const char *work, const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", work, name);
    char command[4400];
    snprintf(command, sizeof command, "rm -rf '%s'", out);
    CHECK(system(command) == 0);
}

/* The files in `folder` (not "." and ".."); 0 when it cannot be read. */
static inline size_t count_files(const char *folder)
{
    DIR *dir = opendir(folder);
    size_t count = 0;
    struct dirent *entry;
    while (dir && (entry = readdir(dir)) != NULL)
        count += strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0;
    if (dir)
        closedir(dir);
    return count;
}

/* build/examples/plugins: next to the wasmhost tool, which is build/wasmhost. */
static inline void examples_folder(const char *wasmhost, char *out, size_t size)
{
    char copy[4200];
    snprintf(copy, sizeof copy, "%s", wasmhost);
    snprintf(out, size, "%s/examples/plugins", dirname(copy));
}

/* Writes the printf-style text to `path`; false (a failed check) when it cannot. */
static inline bool write_text(const char *path, const char *format, ...) __attribute__((format(printf, 2, 3)));
static inline bool write_text(const char *path, const char *format, ...)
{
    FILE *file = fopen(path, "w");
    CHECK(file != NULL, "%s", path);
    if (!file)
        return false;
    va_list args;
    va_start(args, format);
    vfprintf(file, format, args);
    va_end(args);
    return fclose(file) == 0;
}

/* ---- HTTP ---- */

typedef struct reply {
    long status; /* 0: no answer (connection failed) */
    char *body;  /* NUL-terminated */
    size_t length;
    char error[CURL_ERROR_SIZE];
} reply;

static size_t reply_collect(char *data, size_t size, size_t count, void *user)
{
    reply *r = user;
    size_t n = size * count;
    char *grown = realloc(r->body, r->length + n + 1);
    if (!grown)
        return 0;
    memcpy(grown + r->length, data, n);
    r->body = grown;
    r->length += n;
    r->body[r->length] = '\0';
    return n;
}

static inline void reply_free(reply *r)
{
    free(r->body);
    memset(r, 0, sizeof *r);
}

/* METHOD http://127.0.0.1:PORT PATH with `body` (NULL: none) and optional extra header; on
 * `handle` when given (keep-alive across calls), else a fresh one. */
static inline reply http_on(CURL *handle, const char *method, int port, const char *path, const void *body,
                            size_t body_length, const char *header)
{
    reply r = {0};
    bool own = handle == NULL;
    CURL *curl = own ? curl_easy_init() : handle;
    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, reply_collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, r.error);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    struct curl_slist *headers = curl_slist_append(NULL, "Expect:"); /* no 100-continue round trip */
    if (header)
        headers = curl_slist_append(headers, header);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_length);
    }
    if (curl_easy_perform(curl) == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(headers);
    if (own)
        curl_easy_cleanup(curl);
    if (!r.body && (r.body = malloc(1)) != NULL)
        r.body[0] = '\0';
    return r;
}

static inline reply http(const char *method, int port, const char *path, const char *body)
{
    return http_on(NULL, method, port, path, body, body ? strlen(body) : 0, NULL);
}

/* Whether the reply's body holds `text`. */
static inline bool reply_contains(const reply *r, const char *text) { return r->body && strstr(r->body, text); }

/* The JSON of a reply (NULL when it is not JSON); json_decref it. */
static inline json_t *reply_json(const reply *r) { return json_loads(r->body ? r->body : "", 0, NULL); }

/* A reply's "version" (0 when none), "digest" (in `out`) and "error" strings. */
static inline int reply_version(const reply *r)
{
    json_t *json = reply_json(r);
    int version = (int)json_integer_value(json_object_get(json, "version"));
    json_decref(json);
    return version;
}

static inline void reply_string(const reply *r, const char *key, char *out, size_t size)
{
    json_t *json = reply_json(r);
    const char *text = json_string_value(json_object_get(json, key));
    snprintf(out, size, "%s", text ? text : "");
    json_decref(json);
}

/* ---- modules ---- */

/* The bytes of a file (malloc'd); NULL when it cannot be read. */
static inline uint8_t *read_bytes(const char *path, size_t *size)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return NULL;
    fseek(file, 0, SEEK_END);
    long length = ftell(file);
    fseek(file, 0, SEEK_SET);
    uint8_t *bytes = length >= 0 ? malloc((size_t)length + 1) : NULL;
    if (bytes && fread(bytes, 1, (size_t)length, file) != (size_t)length) {
        free(bytes);
        bytes = NULL;
    }
    fclose(file);
    *size = bytes ? (size_t)length : 0;
    return bytes;
}

/* `module` with a custom section "pad" of `pad` bytes from `seed` appended: a different module
 * (another digest) that behaves the same, or a large one. */
static inline uint8_t *module_variant(const uint8_t *module, size_t size, size_t pad, uint64_t seed, size_t *out_size)
{
    uint8_t header[16];
    size_t payload = 4 + pad, at = 0; /* name length, "pad", then the padding */
    header[at++] = 0;                 /* custom section */
    for (size_t value = payload;;) {  /* LEB128 */
        uint8_t byte = value & 0x7f;
        value >>= 7;
        header[at++] = byte | (value ? 0x80 : 0);
        if (!value)
            break;
    }
    uint8_t *out = malloc(size + at + payload);
    if (!out)
        return NULL;
    memcpy(out, module, size);
    memcpy(out + size, header, at);
    memcpy(out + size + at, "\3pad", 4);
    prng random = {seed};
    for (size_t i = 0; i < pad; i++)
        out[size + at + 4 + i] = (uint8_t)prng_next(&random);
    *out_size = size + at + payload;
    return out;
}

/* POSTs `bytes` to /v1/modules; the digest into `digest` (empty when refused). The status. */
static inline long upload(int admin_port, const uint8_t *bytes, size_t size, char *digest, size_t digest_size)
{
    reply r = http_on(NULL, "POST", admin_port, "/v1/modules", bytes, size, "Content-Type: application/wasm");
    reply_string(&r, "digest", digest, digest_size);
    long status = r.status;
    reply_free(&r);
    return status;
}

/* PUTs {"module": DIGEST, "routes": [ROUTE], "abi": "http"} plus `extra` (",\"key\": ..." or "")
 * as service `name`; the version (0 when refused) and the status in *status. */
static inline int deploy(int admin_port, const char *name, const char *digest, const char *route, const char *extra,
                         long *status)
{
    char path[256], body[2048];
    snprintf(path, sizeof path, "/v1/services/%s", name);
    snprintf(body, sizeof body, "{\"module\": \"%s\", \"routes\": [\"%s\"], \"abi\": \"http\"%s}", digest, route,
             extra ? extra : "");
    reply r = http("PUT", admin_port, path, body);
    int version = r.status == 200 ? reply_version(&r) : 0;
    if (status)
        *status = r.status;
    reply_free(&r);
    return version;
}

#endif
