/* wasi.c: the WASI context (capabilities, stdio, linking); args, environ, clock, random, proc, sched, sock calls. */
#define _GNU_SOURCE
#include "wasi_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- errno ---- */

int wasi_errno_from_host(int host_errno)
{
    switch (host_errno) {
    case 0: return WASI_ESUCCESS;
    case E2BIG: return WASI_E2BIG;
    case EACCES: return WASI_EACCES;
    case EADDRINUSE: return WASI_EADDRINUSE;
    case EADDRNOTAVAIL: return WASI_EADDRNOTAVAIL;
    case EAFNOSUPPORT: return WASI_EAFNOSUPPORT;
    case EAGAIN: return WASI_EAGAIN;
    case EALREADY: return WASI_EALREADY;
    case EBADF: return WASI_EBADF;
    case EBADMSG: return WASI_EBADMSG;
    case EBUSY: return WASI_EBUSY;
    case ECANCELED: return WASI_ECANCELED;
    case ECHILD: return WASI_ECHILD;
    case ECONNABORTED: return WASI_ECONNABORTED;
    case ECONNREFUSED: return WASI_ECONNREFUSED;
    case ECONNRESET: return WASI_ECONNRESET;
    case EDEADLK: return WASI_EDEADLK;
    case EDESTADDRREQ: return WASI_EDESTADDRREQ;
    case EDOM: return WASI_EDOM;
    case EDQUOT: return WASI_EDQUOT;
    case EEXIST: return WASI_EEXIST;
    case EFAULT: return WASI_EFAULT;
    case EFBIG: return WASI_EFBIG;
    case EHOSTUNREACH: return WASI_EHOSTUNREACH;
    case EIDRM: return WASI_EIDRM;
    case EILSEQ: return WASI_EILSEQ;
    case EINPROGRESS: return WASI_EINPROGRESS;
    case EINTR: return WASI_EINTR;
    case EINVAL: return WASI_EINVAL;
    case EIO: return WASI_EIO;
    case EISCONN: return WASI_EISCONN;
    case EISDIR: return WASI_EISDIR;
    case ELOOP: return WASI_ELOOP;
    case EMFILE: return WASI_EMFILE;
    case EMLINK: return WASI_EMLINK;
    case EMSGSIZE: return WASI_EMSGSIZE;
    case EMULTIHOP: return WASI_EMULTIHOP;
    case ENAMETOOLONG: return WASI_ENAMETOOLONG;
    case ENETDOWN: return WASI_ENETDOWN;
    case ENETRESET: return WASI_ENETRESET;
    case ENETUNREACH: return WASI_ENETUNREACH;
    case ENFILE: return WASI_ENFILE;
    case ENOBUFS: return WASI_ENOBUFS;
    case ENODEV: return WASI_ENODEV;
    case ENOENT: return WASI_ENOENT;
    case ENOEXEC: return WASI_ENOEXEC;
    case ENOLCK: return WASI_ENOLCK;
    case ENOLINK: return WASI_ENOLINK;
    case ENOMEM: return WASI_ENOMEM;
    case ENOMSG: return WASI_ENOMSG;
    case ENOPROTOOPT: return WASI_ENOPROTOOPT;
    case ENOSPC: return WASI_ENOSPC;
    case ENOSYS: return WASI_ENOSYS;
    case ENOTCONN: return WASI_ENOTCONN;
    case ENOTDIR: return WASI_ENOTDIR;
    case ENOTEMPTY: return WASI_ENOTEMPTY;
    case ENOTRECOVERABLE: return WASI_ENOTRECOVERABLE;
    case ENOTSOCK: return WASI_ENOTSOCK;
    case ENOTSUP: return WASI_ENOTSUP; /* = EOPNOTSUPP on Linux */
    case ENOTTY: return WASI_ENOTTY;
    case ENXIO: return WASI_ENXIO;
    case EOVERFLOW: return WASI_EOVERFLOW;
    case EOWNERDEAD: return WASI_EOWNERDEAD;
    case EPERM: return WASI_EPERM;
    case EPIPE: return WASI_EPIPE;
    case EPROTO: return WASI_EPROTO;
    case EPROTONOSUPPORT: return WASI_EPROTONOSUPPORT;
    case EPROTOTYPE: return WASI_EPROTOTYPE;
    case ERANGE: return WASI_ERANGE;
    case EROFS: return WASI_EROFS;
    case ESPIPE: return WASI_ESPIPE;
    case ESRCH: return WASI_ESRCH;
    case ESTALE: return WASI_ESTALE;
    case ETIMEDOUT: return WASI_ETIMEDOUT;
    case ETXTBSY: return WASI_ETXTBSY;
    case EXDEV: return WASI_EXDEV;
    default: return WASI_EIO;
    }
}

/* ---- the context ---- */

/* Rights of a stdio descriptor: reading (fd 0) or writing (1, 2), plus seeking when the host
 * descriptor is a regular file (`wasmhost run < file`). */
static uint64_t stdio_rights(int number, uint8_t filetype)
{
    uint64_t rights = WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_POLL_FD_READWRITE;
    rights |= number == 0 ? WASI_RIGHT_FD_READ : WASI_RIGHT_FD_WRITE;
    if (filetype == WASI_FILETYPE_REGULAR_FILE)
        rights |= WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL | WASI_RIGHT_FD_ADVISE;
    return rights;
}

/* Puts stdio descriptor `number` back in the table as its stream says (after a setting changed). */
static eng_error *install_stdio(wasi_context *wasi, int number)
{
    wasi_stream *stream = &wasi->streams[number];
    wasi_fd *entry = &wasi->fds[number];
    if (entry->open)
        wasi_fd_release(entry);
    memset(entry, 0, sizeof *entry);
    entry->open = true;
    entry->host_fd = -1;
    entry->stream = stream;
    entry->filetype = WASI_FILETYPE_CHARACTER_DEVICE;
    if (stream->kind == WASI_STREAM_INHERIT) {
        /* A duplicate, so that the guest closing its stdout does not close the host's. */
        int host_fd = fcntl(number, F_DUPFD_CLOEXEC, 3);
        struct stat st;
        if (host_fd < 0 || fstat(host_fd, &st) != 0) {
            /* The host's own descriptor is closed: the guest gets the null stream. */
            if (host_fd >= 0)
                close(host_fd);
            stream->kind = WASI_STREAM_NULL;
        } else {
            int flags = fcntl(host_fd, F_GETFL);
            stream->saved_host_flags = flags < 0 ? 0 : flags;
            entry->host_fd = host_fd;
            entry->filetype = wasi_filetype_from_mode(st.st_mode);
            if (flags >= 0 && (flags & O_APPEND))
                entry->flags |= WASI_FDFLAG_APPEND;
            if (flags >= 0 && (flags & O_NONBLOCK))
                entry->flags |= WASI_FDFLAG_NONBLOCK;
        }
    }
    entry->rights_base = stdio_rights(number, entry->filetype);
    entry->rights_inheriting = 0;
    return NULL;
}

wasi_context *wasi_new(void)
{
    wasi_context *wasi = calloc(1, sizeof *wasi);
    if (!wasi)
        return NULL;
    wasi->max_fds = WASI_DEFAULT_MAX_FDS;
    wasi->fd_capacity = 16;
    wasi->fds = calloc(wasi->fd_capacity, sizeof *wasi->fds);
    if (!wasi->fds) {
        free(wasi);
        return NULL;
    }
    for (uint32_t i = 0; i < wasi->fd_capacity; i++)
        wasi->fds[i].host_fd = -1;
    for (int i = 0; i < 3; i++) {
        wasi->streams[i].kind = WASI_STREAM_NULL;
        wasi->streams[i].number = i;
        wasi->streams[i].limit = UINT64_MAX;
        install_stdio(wasi, i);
    }
    const char *resolve = getenv("WASMHOST_WASI_RESOLVE");
    wasi->portable_resolution = resolve && strcmp(resolve, "portable") == 0;
    return wasi;
}

void wasi_free(wasi_context *wasi)
{
    if (!wasi)
        return;
    for (uint32_t i = 0; i < wasi->fd_capacity; i++) {
        if (wasi->fds[i].open)
            wasi_fd_release(&wasi->fds[i]);
    }
    free(wasi->fds);
    for (int i = 0; i < 3; i++)
        free(wasi->streams[i].data);
    free(wasi->args);
    free(wasi->env);
    free(wasi);
}

/* Appends a NUL-terminated string (made of up to three parts) to a list buffer. */
static eng_error *append_string(char **list, size_t *size, uint32_t *count, const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = b ? strlen(b) : 0, lc = c ? strlen(c) : 0;
    size_t added = la + lb + lc + 1;
    /* Sizes are reported to the guest as u32. */
    if (*count == UINT32_MAX || added > UINT32_MAX - *size)
        return eng_error_new("too many or too long arguments or environment variables for WASI (4 GiB at most)");
    char *grown = realloc(*list, *size + added);
    if (!grown)
        return eng_error_new("out of memory storing WASI arguments or environment variables");
    memcpy(grown + *size, a, la);
    if (lb)
        memcpy(grown + *size + la, b, lb);
    if (lc)
        memcpy(grown + *size + la + lb, c, lc);
    grown[*size + added - 1] = '\0';
    *list = grown;
    *size += added;
    (*count)++;
    return NULL;
}

eng_error *wasi_set_args(wasi_context *wasi, int argc, const char *const *argv)
{
    free(wasi->args);
    wasi->args = NULL;
    wasi->args_size = 0;
    wasi->arg_count = 0;
    for (int i = 0; i < argc; i++) {
        eng_error *error = append_string(&wasi->args, &wasi->args_size, &wasi->arg_count, argv[i], NULL, NULL);
        if (error)
            return error;
    }
    return NULL;
}

eng_error *wasi_add_env(wasi_context *wasi, const char *name, const char *value)
{
    if (name[0] == '\0' || strchr(name, '='))
        return eng_error_new("invalid environment variable name '%s': it must be non-empty and contain no '='", name);
    return append_string(&wasi->env, &wasi->env_size, &wasi->env_count, name, "=", value);
}

eng_error *wasi_preopen_dir(wasi_context *wasi, const char *host_path, const char *guest_path, bool read_only)
{
    if (guest_path[0] == '\0')
        return eng_error_new("%s: the guest path of a directory cannot be empty", host_path);
    int host_fd = open(host_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (host_fd < 0)
        return eng_error_new("%s: cannot open directory: %s", host_path, strerror(errno));
    wasi_fd entry;
    memset(&entry, 0, sizeof entry);
    entry.host_fd = host_fd;
    entry.filetype = WASI_FILETYPE_DIRECTORY;
    entry.rights_base = WASI_RIGHTS_DIRECTORY;
    entry.rights_inheriting = WASI_RIGHTS_DIRECTORY | WASI_RIGHTS_FILE;
    entry.read_only = read_only;
    if (read_only) {
        entry.rights_base &= ~WASI_RIGHTS_WRITE;
        entry.rights_inheriting = WASI_RIGHTS_READ_ONLY_INHERITING;
    }
    entry.preopen = strdup(guest_path);
    entry.preopen_length = strlen(guest_path);
    if (!entry.preopen) {
        close(host_fd);
        return eng_error_new("out of memory adding directory %s", host_path);
    }
    uint32_t fd;
    if (wasi_fd_add(wasi, &entry, &fd) != WASI_ESUCCESS)
        return eng_error_new("%s: too many open descriptors for WASI", host_path);
    return NULL;
}

/* ---- stdio settings ---- */

static eng_error *check_stdio_number(int fd, bool output)
{
    if (output ? (fd != 1 && fd != 2) : (fd < 0 || fd > 2))
        return eng_error_new("WASI stdio: descriptor %d is not %s", fd,
                             output ? "stdout (1) or stderr (2)" : "0, 1 or 2");
    return NULL;
}

/* Resets stream `fd` to `kind`, keeping its output cap. */
static void reset_stream(wasi_context *wasi, int fd, wasi_stream_kind kind)
{
    wasi_stream *stream = &wasi->streams[fd];
    uint64_t limit = stream->limit;
    if (wasi->fds[fd].open && wasi->fds[fd].stream == stream)
        wasi_fd_release(&wasi->fds[fd]); /* before the stream forgets how to restore flags */
    free(stream->data);
    memset(stream, 0, sizeof *stream);
    stream->kind = kind;
    stream->number = fd;
    stream->limit = limit;
}

eng_error *wasi_stdio_inherit(wasi_context *wasi, int fd)
{
    eng_error *error = check_stdio_number(fd, false);
    if (error)
        return error;
    reset_stream(wasi, fd, WASI_STREAM_INHERIT);
    return install_stdio(wasi, fd);
}

eng_error *wasi_stdin_buffer(wasi_context *wasi, const void *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return eng_error_new("out of memory copying %zu bytes of stdin", size);
    if (size)
        memcpy(copy, data, size);
    reset_stream(wasi, 0, WASI_STREAM_BUFFER);
    wasi->streams[0].data = copy;
    wasi->streams[0].size = wasi->streams[0].capacity = size;
    return install_stdio(wasi, 0);
}

eng_error *wasi_stdin_callback(wasi_context *wasi, wasi_read_callback read, void *user)
{
    if (!read)
        return eng_error_new("WASI stdin callback is NULL");
    reset_stream(wasi, 0, WASI_STREAM_CALLBACK);
    wasi->streams[0].read = read;
    wasi->streams[0].user = user;
    return install_stdio(wasi, 0);
}

eng_error *wasi_output_buffer(wasi_context *wasi, int fd)
{
    eng_error *error = check_stdio_number(fd, true);
    if (error)
        return error;
    reset_stream(wasi, fd, WASI_STREAM_BUFFER);
    return install_stdio(wasi, fd);
}

eng_error *wasi_output_callback(wasi_context *wasi, int fd, wasi_write_callback write, void *user)
{
    eng_error *error = check_stdio_number(fd, true);
    if (error)
        return error;
    if (!write)
        return eng_error_new("WASI output callback is NULL");
    reset_stream(wasi, fd, WASI_STREAM_CALLBACK);
    wasi->streams[fd].write = write;
    wasi->streams[fd].user = user;
    return install_stdio(wasi, fd);
}

eng_error *wasi_output_limit(wasi_context *wasi, int fd, uint64_t max_bytes)
{
    eng_error *error = check_stdio_number(fd, true);
    if (error)
        return error;
    wasi->streams[fd].limit = max_bytes;
    return NULL;
}

const uint8_t *wasi_output(const wasi_context *wasi, int fd, size_t *size)
{
    *size = 0;
    if ((fd != 1 && fd != 2) || wasi->streams[fd].kind != WASI_STREAM_BUFFER)
        return NULL;
    *size = wasi->streams[fd].size;
    return wasi->streams[fd].data;
}

bool wasi_exited(const wasi_context *wasi, uint32_t *code)
{
    if (wasi->exited && code)
        *code = wasi->exit_code;
    return wasi->exited;
}

/* ---- args and environ ---- */

/* Writes `count` pointers (guest addresses into buf_ptr) and the strings themselves. */
static int list_get(const wasi_context *wasi, const char *list, size_t size, uint32_t count, uint32_t pointers_ptr,
                    uint32_t buf_ptr)
{
    uint8_t *pointers = wasi_memory(wasi, pointers_ptr, (uint64_t)count * 4);
    uint8_t *buf = wasi_memory(wasi, buf_ptr, size);
    if (!pointers || !buf)
        return WASI_EFAULT;
    size_t offset = 0;
    for (uint32_t i = 0; i < count; i++) {
        wasi_put32(pointers + 4 * (size_t)i, buf_ptr + (uint32_t)offset);
        offset += strlen(list + offset) + 1;
    }
    if (size)
        memcpy(buf, list, size);
    return WASI_ESUCCESS;
}

static int list_sizes_get(const wasi_context *wasi, size_t size, uint32_t count, uint32_t count_ptr, uint32_t size_ptr)
{
    uint8_t *count_out = wasi_memory(wasi, count_ptr, 4);
    uint8_t *size_out = wasi_memory(wasi, size_ptr, 4);
    if (!count_out || !size_out)
        return WASI_EFAULT;
    wasi_put32(count_out, count);
    wasi_put32(size_out, (uint32_t)size);
    return WASI_ESUCCESS;
}

eng_trap *wasi_args_get(void *env, eng_slot *a)
{
    wasi_context *wasi = env;
    WASI_RETURN(list_get(wasi, wasi->args, wasi->args_size, wasi->arg_count, WASI_ARG32(0), WASI_ARG32(1)));
}
eng_trap *wasi_args_sizes_get(void *env, eng_slot *a)
{
    wasi_context *wasi = env;
    WASI_RETURN(list_sizes_get(wasi, wasi->args_size, wasi->arg_count, WASI_ARG32(0), WASI_ARG32(1)));
}
eng_trap *wasi_environ_get(void *env, eng_slot *a)
{
    wasi_context *wasi = env;
    WASI_RETURN(list_get(wasi, wasi->env, wasi->env_size, wasi->env_count, WASI_ARG32(0), WASI_ARG32(1)));
}
eng_trap *wasi_environ_sizes_get(void *env, eng_slot *a)
{
    wasi_context *wasi = env;
    WASI_RETURN(list_sizes_get(wasi, wasi->env_size, wasi->env_count, WASI_ARG32(0), WASI_ARG32(1)));
}

/* ---- clocks and random ---- */

static bool host_clock(uint32_t id, clockid_t *out)
{
    switch (id) {
    case WASI_CLOCK_REALTIME: *out = CLOCK_REALTIME; return true;
    case WASI_CLOCK_MONOTONIC: *out = CLOCK_MONOTONIC; return true;
    case WASI_CLOCK_PROCESS_CPUTIME: *out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case WASI_CLOCK_THREAD_CPUTIME: *out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
    }
}

static int clock_get(const wasi_context *wasi, uint32_t id, uint32_t result_ptr, bool resolution)
{
    clockid_t clock;
    if (!host_clock(id, &clock))
        return WASI_EINVAL;
    uint8_t *result = wasi_memory(wasi, result_ptr, 8);
    if (!result)
        return WASI_EFAULT;
    struct timespec t;
    if ((resolution ? clock_getres(clock, &t) : clock_gettime(clock, &t)) != 0)
        return wasi_errno_from_host(errno);
    wasi_put64(result, (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec);
    return WASI_ESUCCESS;
}

eng_trap *wasi_clock_res_get(void *env, eng_slot *a)
{
    WASI_RETURN(clock_get(env, WASI_ARG32(0), WASI_ARG32(1), true));
}
/* The precision argument (a[1]) is a hint the host clocks do not need. */
eng_trap *wasi_clock_time_get(void *env, eng_slot *a)
{
    WASI_RETURN(clock_get(env, WASI_ARG32(0), WASI_ARG32(2), false));
}

static int random_get(const wasi_context *wasi, uint32_t buf_ptr, uint32_t buf_len)
{
    uint8_t *buf = wasi_memory(wasi, buf_ptr, buf_len);
    if (!buf)
        return WASI_EFAULT;
    size_t done = 0;
    while (done < buf_len) {
        ssize_t n = getrandom(buf + done, buf_len - done, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return wasi_errno_from_host(errno);
        }
        done += (size_t)n;
    }
    return WASI_ESUCCESS;
}

eng_trap *wasi_random_get(void *env, eng_slot *a) { WASI_RETURN(random_get(env, WASI_ARG32(0), WASI_ARG32(1))); }

/* ---- processes ---- */

/* proc_exit ends the program: a trap of kind ENG_TRAP_EXIT unwinds every wasm frame up to
 * whoever called eng_func_call, who reads the code from the trap (or wasi_exited). */
eng_trap *wasi_proc_exit(void *env, eng_slot *a)
{
    wasi_context *wasi = env;
    uint32_t code = WASI_ARG32(0);
    wasi->exited = true;
    wasi->exit_code = code;
    char message[64];
    snprintf(message, sizeof message, "exit with code %u", code);
    eng_trap *trap = eng_trap_new(ENG_TRAP_EXIT, message);
    trap->exit_code = (int)code;
    return trap;
}

/* Signals are not part of the sandbox: a guest cannot raise one in the host process. */
eng_trap *wasi_proc_raise(void *env, eng_slot *a)
{
    (void)env;
    WASI_RETURN(WASI_ENOSYS);
}

eng_trap *wasi_sched_yield(void *env, eng_slot *a)
{
    (void)env;
    sched_yield();
    WASI_RETURN(WASI_ESUCCESS);
}

/* ---- sockets ----
 * No sockets are ever given to a guest (no preopened sockets), so every descriptor it has is
 * not a socket: ENOTSOCK, or EBADF for a descriptor that is not open. */

static int not_a_socket(wasi_context *wasi, uint32_t fd)
{
    int error;
    return wasi_fd_get(wasi, fd, 0, &error) ? WASI_ENOTSOCK : error;
}

eng_trap *wasi_sock_accept(void *env, eng_slot *a) { WASI_RETURN(not_a_socket(env, WASI_ARG32(0))); }
eng_trap *wasi_sock_recv(void *env, eng_slot *a) { WASI_RETURN(not_a_socket(env, WASI_ARG32(0))); }
eng_trap *wasi_sock_send(void *env, eng_slot *a) { WASI_RETURN(not_a_socket(env, WASI_ARG32(0))); }
eng_trap *wasi_sock_shutdown(void *env, eng_slot *a) { WASI_RETURN(not_a_socket(env, WASI_ARG32(0))); }

/* ---- linking ---- */

typedef struct wasi_function {
    const char *name;
    const char *params; /* "i" i32, "I" i64 */
    const char *results;
    eng_host_callback callback;
} wasi_function;

#define WASI_ENTRY(name, params, results) {#name, params, results, wasi_##name},
static const wasi_function wasi_functions[] = {WASI_FUNCTIONS(WASI_ENTRY)};
#undef WASI_ENTRY
#define WASI_FUNCTION_COUNT (sizeof wasi_functions / sizeof wasi_functions[0])

/* The functions that take no pointer, and so work without a memory. */
static bool takes_pointers(const wasi_function *function)
{
    static const char *const pointerless[] = {
        "fd_advise",
        "fd_allocate",
        "fd_close",
        "fd_datasync",
        "fd_fdstat_set_flags",
        "fd_fdstat_set_rights",
        "fd_filestat_set_size",
        "fd_filestat_set_times",
        "fd_renumber",
        "fd_sync",
        "proc_exit",
        "proc_raise",
        "sched_yield",
        "sock_shutdown",
    };
    for (size_t i = 0; i < sizeof pointerless / sizeof pointerless[0]; i++) {
        if (strcmp(function->name, pointerless[i]) == 0)
            return false;
    }
    return true;
}

static const wasi_function *find_function(const eng_name *name)
{
    for (size_t i = 0; i < WASI_FUNCTION_COUNT; i++) {
        if (strlen(wasi_functions[i].name) == name->length &&
            memcmp(wasi_functions[i].name, name->data, name->length) == 0)
            return &wasi_functions[i];
    }
    return NULL;
}

/* A name as printable text: control characters, quotes and non-ASCII bytes as \hh. */
static void printable_name(const eng_name *name, char *out, size_t size)
{
    size_t used = 0;
    for (uint32_t i = 0; i < name->length && used + 4 < size; i++) {
        unsigned char c = (unsigned char)name->data[i];
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
            used += (size_t)snprintf(out + used, size - used, "\\%02x", c);
        else
            out[used++] = (char)c;
    }
    out[used] = '\0';
}

bool wasi_is_import(const eng_import *import)
{
    return import->module.length == strlen(WASI_MODULE_NAME) &&
           memcmp(import->module.data, WASI_MODULE_NAME, import->module.length) == 0;
}

eng_error *wasi_import(wasi_context *wasi, eng_store *store, const eng_module *module, uint32_t import_index,
                       eng_extern *out)
{
    const eng_import *import = &module->imports[import_index];
    char name[256];
    printable_name(&import->name, name, sizeof name);
    if (import->kind != ENG_EXTERN_FUNC)
        return eng_error_new("import %u \"%s\".\"%s\": WASI provides only functions, not a %s", import_index,
                             WASI_MODULE_NAME, name, eng_externkind_name(import->kind));
    const wasi_function *function = find_function(&import->name);
    if (!function)
        return eng_error_new("import %u \"%s\".\"%s\": unknown WASI function (%s has no function of that name)",
                             import_index, WASI_MODULE_NAME, name, WASI_MODULE_NAME);
    eng_valtype types[16];
    uint32_t param_count = (uint32_t)strlen(function->params), result_count = (uint32_t)strlen(function->results);
    for (uint32_t i = 0; i < param_count + result_count; i++) {
        char c = i < param_count ? function->params[i] : function->results[i - param_count];
        types[i] = c == 'I' ? ENG_I64 : ENG_I32;
    }
    eng_functype type = {.param_count = param_count, .result_count = result_count, .types = types};
    eng_functype_complete(&type);
    eng_func *func = eng_func_new_host(store, &type, function->callback, wasi);
    if (!func)
        return eng_error_new("out of memory creating the WASI function \"%s\"", name);
    out->kind = ENG_EXTERN_FUNC;
    out->func = func;
    return NULL;
}

eng_error *wasi_bind(wasi_context *wasi, eng_instance *instance)
{
    eng_extern memory;
    if (eng_instance_export(instance, "memory", 6, &memory) && memory.kind == ENG_EXTERN_MEMORY) {
        wasi->memory = memory.memory;
        return NULL;
    }
    wasi->memory = NULL;
    /* Without a memory, the functions that take pointers could only fail: say so now. */
    const eng_module *module = instance->module;
    for (uint32_t i = 0; i < module->import_count; i++) {
        const eng_import *import = &module->imports[i];
        if (!wasi_is_import(import) || import->kind != ENG_EXTERN_FUNC)
            continue;
        const wasi_function *function = find_function(&import->name);
        if (function && takes_pointers(function))
            return eng_error_new("the module imports \"%s\".\"%s\", which takes pointers into memory, but exports "
                                 "no memory named \"memory\"",
                                 WASI_MODULE_NAME, function->name);
    }
    return NULL;
}
