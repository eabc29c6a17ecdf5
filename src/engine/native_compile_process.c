/* native_compile_process.c: running one compile of the LLVM library in a forked child process, bounded in time and memory.
 *
 * Why a child: an LLVM pass cannot be interrupted safely, LLVM ends internal errors with abort(),
 * and a crafted module could make it crash or exhaust memory. In a child, a compile past its
 * deadline is killed (SIGKILL), a crash or a fatal error ends the child only, and the child's
 * address space is capped (RLIMIT_AS) so that it cannot take the host's memory.
 *
 * Fork safety (`wasmhost serve` compiles from a background thread of a multithreaded process):
 * the library and libLLVM are loaded, and their static constructors run, in the parent before the
 * first fork (eng_native_available); the parent never runs LLVM code itself, so no other thread can
 * hold an LLVM lock at the fork. The child calls the library's compile (which allocates with
 * malloc: glibc resets its locks in the child), write() and _exit() only: no dlopen, no stdio,
 * no atexit handlers.
 *
 * The child writes a record_header then the object (or an error message) into a pipe; an LLVM
 * fatal error writes its reason there instead and exits with ENG_LLVM_FATAL_EXIT_STATUS. The
 * parent reads with poll() until the deadline, also watching a pidfd for the child's exit (a pipe
 * end inherited by a child forked meanwhile by another thread would delay end-of-file).
 */
#define _GNU_SOURCE /* pipe2, pidfd via syscall */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "native.h"
#include "llvm/llvm_interface.h"

/* What the child sends before its payload. */
typedef struct record_header {
    uint32_t ok; /* 1: the payload is the object; 0: an error message */
    uint32_t native_count, fallback_count;
    uint32_t reserved;
    double seconds;
    uint64_t size; /* of the payload */
} record_header;

/* The child's address space may grow by this much over the parent's at the fork (the whole
 * process peaks at about 190 MiB compiling a 945 KB function, near the size cap). */
#define CHILD_MEMORY_BYTES (UINT64_C(2) << 30)
/* An object larger than this is refused (the largest bench kernel's is under 200 KiB). */
#define MAX_OBJECT_BYTES (UINT64_C(1) << 30)

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || __has_feature(thread_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif

static uint64_t monotonic_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

/* The bound for the child's RLIMIT_AS: the parent's address space now plus CHILD_MEMORY_BYTES; 0
 * (no cap) under a sanitizer, whose shadow memory and allocator reserve address space as they go. */
static uint64_t child_address_space_cap(void)
{
#ifdef UNDER_SANITIZER
    return 0;
#else
    FILE *statm = fopen("/proc/self/statm", "r");
    unsigned long long pages = 0;
    bool read = statm && fscanf(statm, "%llu", &pages) == 1;
    if (statm)
        fclose(statm);
    long page_size = sysconf(_SC_PAGESIZE);
    return read && page_size > 0 ? pages * (uint64_t)page_size + CHILD_MEMORY_BYTES : 0;
#endif
}

static bool write_all(int fd, const void *data, size_t size)
{
    const uint8_t *bytes = data;
    while (size) {
        ssize_t written = write(fd, bytes, size);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return false;
        bytes += written;
        size -= (size_t)written;
    }
    return true;
}

static _Noreturn void run_child(const eng_llvm_interface *interface, eng_llvm_request *request, int fd,
                                uint64_t address_space_cap, pid_t parent)
{
    /* The host going away ends the compile too; then crashes die by their signal (the engine's
     * guard-fault handler is for wasm code), without a core file of LLVM's heap. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(1);
    static const int signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGPIPE};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        signal(signals[i], SIG_DFL);
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
    if (address_space_cap) {
        struct rlimit cap = {address_space_cap, address_space_cap};
        setrlimit(RLIMIT_AS, &cap);
    }
    request->fatal_error_fd = fd;
    eng_llvm_result result;
    bool ok = interface->compile(request, &result);
    const char *message = result.error ? result.error : "failed";
    record_header header = {
        .ok = ok,
        .native_count = result.native_count,
        .fallback_count = result.fallback_count,
        .seconds = result.seconds,
        .size = ok ? result.object_size : strlen(message),
    };
    bool sent = write_all(fd, &header, sizeof header) &&
                write_all(fd, ok ? (const void *)result.object : message, (size_t)header.size);
    _exit(sent ? 0 : 1);
}

/* What the parent read from the child. */
typedef struct received {
    uint8_t *data;
    size_t size, capacity;
    bool too_large;
} received;

/* Reads what is in the pipe now (non-blocking); false at end-of-file or on an error. */
static bool receive(int fd, received *in)
{
    for (;;) {
        if (in->size == in->capacity) {
            if (in->capacity >= MAX_OBJECT_BYTES + sizeof(record_header)) {
                in->too_large = true;
                return false;
            }
            size_t capacity = in->capacity ? in->capacity * 2 : 65536;
            uint8_t *grown = realloc(in->data, capacity);
            if (!grown) {
                in->too_large = true;
                return false;
            }
            in->data = grown, in->capacity = capacity;
        }
        ssize_t got = read(fd, in->data + in->size, in->capacity - in->size);
        if (got > 0) {
            in->size += (size_t)got;
            continue;
        }
        if (got < 0 && errno == EINTR)
            continue;
        return got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
}

static void format_timeout(uint64_t ns, char *out, size_t size)
{
    if (ns % 1000000000u == 0)
        snprintf(out, size, "%llu s", (unsigned long long)(ns / 1000000000u));
    else if (ns < 1000000000u && ns % 1000000u == 0)
        snprintf(out, size, "%llu ms", (unsigned long long)(ns / 1000000u));
    else
        snprintf(out, size, "%.3f s", (double)ns / 1e9);
}

/* Why the child ended as it did, or NULL when it sent a whole record. */
static eng_error *child_outcome(int status, const received *in, bool killed, uint64_t timeout_ns, uint64_t cap,
                                double elapsed)
{
    if (killed) {
        char bound[48];
        format_timeout(timeout_ns, bound, sizeof bound);
        return eng_error_new("compiling the module to native code took longer than the %s compile timeout (stopped "
                             "after %.3f s)",
                             bound, elapsed);
    }
    if (in->too_large)
        return eng_error_new("the compiler's output is larger than %llu MiB, or out of memory reading it",
                             (unsigned long long)(MAX_OBJECT_BYTES >> 20));
    if (WIFSIGNALED(status)) {
        int signal_number = WTERMSIG(status);
        char memory[96] = "";
        /* LLVM aborts when an allocation fails; the kernel's OOM killer sends SIGKILL. */
        if (cap && (signal_number == SIGABRT || signal_number == SIGKILL))
            snprintf(memory, sizeof memory, "; its memory is capped at %llu MiB over the host's, it may have run out",
                     (unsigned long long)(CHILD_MEMORY_BYTES >> 20));
        return eng_error_new("the compiler crashed (signal %d, %s) compiling the module to native code%s",
                             signal_number, strsignal(signal_number), memory);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == ENG_LLVM_FATAL_EXIT_STATUS)
        return eng_error_new("LLVM stopped with a fatal error compiling the module to native code: %.*s",
                             (int)(in->size > 900 ? 900 : in->size), in->size ? (const char *)in->data : "");
    record_header header;
    if (in->size >= sizeof header)
        memcpy(&header, in->data, sizeof header);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || in->size < sizeof header ||
        in->size - sizeof header != header.size)
        return eng_error_new("the compiler process ended without its result (exit status %d, %zu bytes received)",
                             WIFEXITED(status) ? WEXITSTATUS(status) : -1, in->size);
    return NULL;
}

eng_error *eng_native_compile_in_child(const eng_llvm_interface *interface, const eng_llvm_request *request,
                                       uint64_t timeout_ns, eng_llvm_result *out)
{
    memset(out, 0, sizeof *out);
    uint64_t start = monotonic_ns();
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0)
        return eng_error_new("cannot start the compiler process: pipe: %s", strerror(errno));
    /* One write for a typical object (a 64 KiB pipe costs a round trip per 64 KiB); best effort. */
    fcntl(pipe_fds[1], F_SETPIPE_SZ, 1 << 20);
    uint64_t cap = child_address_space_cap();
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        int why = errno;
        close(pipe_fds[0]), close(pipe_fds[1]);
        return eng_error_new("cannot start the compiler process: fork: %s", strerror(why));
    }
    if (pid == 0) {
        close(pipe_fds[0]);
        eng_llvm_request copy = *request;
        run_child(interface, &copy, pipe_fds[1], cap, parent);
    }
    close(pipe_fds[1]);
    int fd = pipe_fds[0];
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

    received in = {0};
    bool killed = false;
    for (bool reading = true; reading;) {
        int wait_ms = -1;
        if (timeout_ns) {
            uint64_t now = monotonic_ns(), deadline = start + timeout_ns;
            if (now >= deadline) {
                kill(pid, SIGKILL);
                killed = true;
                break;
            }
            uint64_t left_ms = (deadline - now + 999999) / 1000000;
            wait_ms = left_ms > 60000 ? 60000 : (int)left_ms;
        }
        struct pollfd fds[2] = {{.fd = fd, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
        int ready = poll(fds, 2, wait_ms);
        if (ready < 0 && errno != EINTR) {
            kill(pid, SIGKILL);
            killed = true; /* cannot wait for it: treated as out of time */
            break;
        }
        if (ready > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
            reading = receive(fd, &in);
        if (ready > 0 && (fds[1].revents & POLLIN)) {
            /* It ended: what it wrote is in the pipe already. */
            receive(fd, &in);
            reading = false;
        }
        if (in.too_large) {
            kill(pid, SIGKILL);
            break;
        }
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    close(fd);
    if (pidfd >= 0)
        close(pidfd);
    eng_error *error = child_outcome(status, &in, killed, timeout_ns, cap, (double)(monotonic_ns() - start) / 1e9);
    if (error) {
        free(in.data);
        return error;
    }
    record_header header;
    memcpy(&header, in.data, sizeof header);
    if (!header.ok) {
        error = eng_error_new("cannot compile to native code: %.*s", (int)(header.size > 900 ? 900 : header.size),
                              (const char *)in.data + sizeof header);
        free(in.data);
        return error;
    }
    memmove(in.data, in.data + sizeof header, (size_t)header.size);
    out->object = in.data;
    out->object_size = (size_t)header.size;
    out->native_count = header.native_count;
    out->fallback_count = header.fallback_count;
    /* What the host waited for, fork and transfer included (header.seconds is the child's part). */
    out->seconds = (double)(monotonic_ns() - start) / 1e9;
    return NULL;
}
