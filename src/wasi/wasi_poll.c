/* wasi_poll.c: poll_oneoff of WASI preview 1: waiting for clocks and for descriptors to be ready to read or write. */
#define _GNU_SOURCE
#include "wasi_internal.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Layout in guest memory (witx):
 *   subscription (48 bytes): userdata u64 @0, tag u8 @8, then @16 either
 *     clock: id u32 @16, timeout u64 @24, precision u64 @32, flags u16 @40
 *     fd_read / fd_write: fd u32 @16
 *   event (32 bytes): userdata u64 @0, error u16 @8, type u8 @10, nbytes u64 @16, flags u16 @24
 *
 * Regular files and directories are always ready (as poll(2) says); virtual stdio streams
 * (memory buffers, callbacks, the null stream) too. Pipes, terminals and sockets inherited as
 * stdio are asked with ppoll(2). Clock subscriptions on the realtime and monotonic clocks set
 * the timeout; the CPU-time clocks cannot be waited on (the event reports ENOTSUP). */

typedef struct subscription {
    uint64_t userdata;
    uint8_t type;
    uint16_t error;  /* set when the subscription is answered at once with an error */
    bool ready;      /* answered at once (error, or always-ready descriptor) */
    uint64_t nbytes; /* for ready descriptors */
    uint16_t rwflags;
    uint32_t fd;       /* fd_read / fd_write */
    int poll_index;    /* index in pollfds, or -1 */
    uint64_t deadline; /* clock: on the monotonic clock, in ns */
} subscription;

static uint64_t now_ns(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* When a clock subscription fires, expressed on the monotonic clock. */
static uint16_t clock_deadline(const uint8_t *p, uint64_t monotonic_now, uint64_t *deadline)
{
    uint32_t id = wasi_get32(p + 16);
    uint64_t timeout = wasi_get64(p + 24);
    uint16_t flags = wasi_get16(p + 40);
    uint64_t remaining;
    if (flags & ~(uint16_t)WASI_SUBSCRIPTION_CLOCK_ABSTIME)
        return WASI_EINVAL;
    switch (id) {
    case WASI_CLOCK_REALTIME:
    case WASI_CLOCK_MONOTONIC:
        if (flags & WASI_SUBSCRIPTION_CLOCK_ABSTIME) {
            uint64_t now = id == WASI_CLOCK_MONOTONIC ? monotonic_now : now_ns(CLOCK_REALTIME);
            remaining = timeout > now ? timeout - now : 0;
        } else {
            remaining = timeout;
        }
        break;
    case WASI_CLOCK_PROCESS_CPUTIME:
    case WASI_CLOCK_THREAD_CPUTIME: return WASI_ENOTSUP;
    default: return WASI_EINVAL;
    }
    *deadline = remaining > UINT64_MAX - monotonic_now ? UINT64_MAX : monotonic_now + remaining;
    return WASI_ESUCCESS;
}

/* Bytes ready to read from a host descriptor that poll says is readable (0 when unknown). */
static uint64_t readable_bytes(const wasi_fd *entry)
{
    struct stat st;
    if (fstat(entry->host_fd, &st) == 0 && S_ISREG(st.st_mode)) {
        off_t position = lseek(entry->host_fd, 0, SEEK_CUR);
        return position >= 0 && st.st_size > position ? (uint64_t)(st.st_size - position) : 0;
    }
    int available = 0;
    if (ioctl(entry->host_fd, FIONREAD, &available) == 0 && available > 0)
        return (uint64_t)available;
    return 0;
}

/* Prepares one fd_read/fd_write subscription: answered at once, or added to `pollfds`. */
static void prepare_fd(wasi_context *wasi, subscription *sub, uint32_t fd, struct pollfd *pollfds, int *poll_count)
{
    uint64_t right = sub->type == WASI_EVENT_FD_READ ? WASI_RIGHT_FD_READ : WASI_RIGHT_FD_WRITE;
    int error;
    wasi_fd *entry = wasi_fd_get(wasi, fd, right, &error);
    if (!entry) {
        sub->ready = true;
        sub->error = (uint16_t)error;
        return;
    }
    if (entry->host_fd < 0) {
        /* A virtual stream never blocks. */
        sub->ready = true;
        wasi_stream *stream = entry->stream;
        if (sub->type == WASI_EVENT_FD_READ && stream && stream->kind == WASI_STREAM_BUFFER)
            sub->nbytes = stream->size - stream->position;
        if (sub->type == WASI_EVENT_FD_READ && stream && stream->kind == WASI_STREAM_NULL)
            sub->rwflags = WASI_EVENT_FD_READWRITE_HANGUP;
        return;
    }
    if (entry->filetype == WASI_FILETYPE_REGULAR_FILE || entry->filetype == WASI_FILETYPE_DIRECTORY) {
        sub->ready = true;
        sub->nbytes = sub->type == WASI_EVENT_FD_READ ? readable_bytes(entry) : 0;
        return;
    }
    sub->poll_index = *poll_count;
    pollfds[*poll_count].fd = entry->host_fd;
    pollfds[*poll_count].events = sub->type == WASI_EVENT_FD_READ ? POLLIN : POLLOUT;
    pollfds[*poll_count].revents = 0;
    (*poll_count)++;
}

static void write_event(uint8_t *p, const subscription *sub)
{
    memset(p, 0, WASI_EVENT_SIZE);
    wasi_put64(p, sub->userdata);
    wasi_put16(p + 8, sub->error);
    p[10] = sub->type;
    if (sub->type != WASI_EVENT_CLOCK) {
        wasi_put64(p + 16, sub->nbytes);
        wasi_put16(p + 24, sub->rwflags);
    }
}

static int poll_oneoff(wasi_context *wasi, uint32_t in_ptr, uint32_t out_ptr, uint32_t count, uint32_t nevents_ptr)
{
    if (count == 0)
        return WASI_EINVAL; /* would wait forever */
    if (count > WASI_MAX_SUBSCRIPTIONS)
        return WASI_EINVAL;
    const uint8_t *in = wasi_memory(wasi, in_ptr, (uint64_t)count * WASI_SUBSCRIPTION_SIZE);
    uint8_t *out = wasi_memory(wasi, out_ptr, (uint64_t)count * WASI_EVENT_SIZE);
    uint8_t *nevents = wasi_memory(wasi, nevents_ptr, 4);
    if (!in || !out || !nevents)
        return WASI_EFAULT;
    subscription *subs = calloc(count, sizeof *subs);
    struct pollfd *pollfds = calloc(count, sizeof *pollfds);
    if (!subs || !pollfds) {
        free(subs);
        free(pollfds);
        return WASI_ENOMEM;
    }

    /* Read every subscription first: `in` and `out` may overlap. */
    uint64_t start = now_ns(CLOCK_MONOTONIC);
    uint64_t earliest = UINT64_MAX; /* deadline of the first clock, monotonic ns */
    int poll_count = 0, ready_count = 0;
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *p = in + (size_t)i * WASI_SUBSCRIPTION_SIZE;
        subscription *sub = &subs[i];
        sub->userdata = wasi_get64(p);
        sub->type = p[8];
        sub->poll_index = -1;
        switch (sub->type) {
        case WASI_EVENT_CLOCK:
            sub->error = clock_deadline(p, start, &sub->deadline);
            if (sub->error) {
                sub->ready = true;
            } else if (sub->deadline < earliest) {
                earliest = sub->deadline;
            }
            break;
        case WASI_EVENT_FD_READ:
        case WASI_EVENT_FD_WRITE:
            sub->fd = wasi_get32(p + 16);
            prepare_fd(wasi, sub, sub->fd, pollfds, &poll_count);
            break;
        default:
            sub->ready = true;
            sub->error = WASI_EINVAL;
            break;
        }
        if (sub->ready)
            ready_count++;
    }

    /* Wait: not at all when something is ready already, else until a descriptor is ready or
     * the earliest clock fires. */
    int error = WASI_ESUCCESS;
    for (;;) {
        uint64_t now = now_ns(CLOCK_MONOTONIC);
        bool clock_due = earliest != UINT64_MAX && now >= earliest;
        struct timespec timeout, *timeout_ptr = NULL;
        if (ready_count > 0 || clock_due) {
            timeout.tv_sec = 0;
            timeout.tv_nsec = 0;
            timeout_ptr = &timeout;
        } else if (earliest != UINT64_MAX) {
            uint64_t wait = earliest - now;
            timeout.tv_sec = (time_t)(wait / 1000000000u);
            timeout.tv_nsec = (long)(wait % 1000000000u);
            timeout_ptr = &timeout;
        }
        int n = ppoll(pollfds, (nfds_t)poll_count, timeout_ptr, NULL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            error = wasi_errno_from_host(errno);
            break;
        }
        now = now_ns(CLOCK_MONOTONIC);
        clock_due = earliest != UINT64_MAX && now >= earliest;
        if (n > 0 || ready_count > 0 || clock_due)
            break;
        /* Woken early (rounding): wait for the rest. */
    }

    uint32_t written = 0;
    if (error == WASI_ESUCCESS) {
        uint64_t now = now_ns(CLOCK_MONOTONIC);
        for (uint32_t i = 0; i < count; i++) {
            subscription *sub = &subs[i];
            bool fire = sub->ready;
            if (!fire && sub->type == WASI_EVENT_CLOCK)
                fire = now >= sub->deadline;
            if (!fire && sub->poll_index >= 0) {
                const struct pollfd *pfd = &pollfds[sub->poll_index];
                if (pfd->revents & POLLNVAL) {
                    sub->error = WASI_EBADF;
                    fire = true;
                } else if (pfd->revents & (POLLIN | POLLOUT | POLLHUP | POLLERR)) {
                    fire = true;
                    if (pfd->revents & POLLHUP)
                        sub->rwflags |= WASI_EVENT_FD_READWRITE_HANGUP;
                    if ((pfd->revents & POLLERR) && !(pfd->revents & (POLLIN | POLLOUT)))
                        sub->error = WASI_EIO;
                    if (sub->type == WASI_EVENT_FD_READ && (pfd->revents & POLLIN)) {
                        int lookup_error;
                        wasi_fd *entry = wasi_fd_get(wasi, sub->fd, 0, &lookup_error);
                        sub->nbytes = entry ? readable_bytes(entry) : 0;
                    }
                }
            }
            if (fire)
                write_event(out + (size_t)written++ * WASI_EVENT_SIZE, sub);
        }
    }
    free(subs);
    free(pollfds);
    if (error != WASI_ESUCCESS)
        return error;
    wasi_put32(nevents, written);
    return WASI_ESUCCESS;
}

eng_trap *wasi_poll_oneoff(void *env, eng_slot *a)
{
    WASI_RETURN(poll_oneoff(env, WASI_ARG32(0), WASI_ARG32(1), WASI_ARG32(2), WASI_ARG32(3)));
}
