/* poll.c: poll_oneoff with clock subscriptions (relative, absolute, several) and descriptor
 * readiness (files, stdin, stdout, bad descriptors). Run with --dir SCRATCH/sandbox::/sandbox and
 * stdin from a file. */
#include "wasi_test.h"

static __wasi_timestamp_t now(void)
{
    __wasi_timestamp_t t = 0;
    __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
    return t;
}

static __wasi_subscription_t clock_sub(__wasi_userdata_t userdata, __wasi_clockid_t clock, __wasi_timestamp_t timeout,
                                       __wasi_subclockflags_t flags)
{
    __wasi_subscription_t sub;
    memset(&sub, 0, sizeof sub);
    sub.userdata = userdata;
    sub.u.tag = __WASI_EVENTTYPE_CLOCK;
    sub.u.u.clock.id = clock;
    sub.u.u.clock.timeout = timeout;
    sub.u.u.clock.flags = flags;
    return sub;
}

static __wasi_subscription_t fd_sub(__wasi_userdata_t userdata, __wasi_eventtype_t type, __wasi_fd_t fd)
{
    __wasi_subscription_t sub;
    memset(&sub, 0, sizeof sub);
    sub.userdata = userdata;
    sub.u.tag = type;
    sub.u.u.fd_read.file_descriptor = fd;
    return sub;
}

int main(void)
{
    __wasi_event_t events[8];
    __wasi_size_t count;
    const __wasi_timestamp_t ms = 1000000;

    /* A relative timeout waits at least that long. */
    __wasi_subscription_t subs[8];
    subs[0] = clock_sub(11, __WASI_CLOCKID_MONOTONIC, 30 * ms, 0);
    __wasi_timestamp_t start = now();
    CHECK_OK(__wasi_poll_oneoff(subs, events, 1, &count));
    CHECK(now() - start >= 30 * ms);
    CHECK(count == 1 && events[0].userdata == 11 && events[0].type == __WASI_EVENTTYPE_CLOCK && events[0].error == 0);

    /* Absolute, on the monotonic clock. */
    start = now();
    subs[0] = clock_sub(12, __WASI_CLOCKID_MONOTONIC, start + 20 * ms, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
    CHECK_OK(__wasi_poll_oneoff(subs, events, 1, &count));
    CHECK(now() - start >= 20 * ms);
    CHECK(count == 1 && events[0].userdata == 12);

    /* Absolute realtime in the past: at once. */
    subs[0] = clock_sub(13, __WASI_CLOCKID_REALTIME, 1000, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
    start = now();
    CHECK_OK(__wasi_poll_oneoff(subs, events, 1, &count));
    CHECK(now() - start < 1000 * ms);
    CHECK(count == 1 && events[0].userdata == 13);

    /* Two clocks: only the earlier fires. */
    subs[0] = clock_sub(21, __WASI_CLOCKID_MONOTONIC, 10 * 1000 * ms, 0);
    subs[1] = clock_sub(22, __WASI_CLOCKID_REALTIME, 10 * ms, 0);
    CHECK_OK(__wasi_poll_oneoff(subs, events, 2, &count));
    CHECK(count == 1 && events[0].userdata == 22);

    /* A regular file is ready at once (with how many bytes remain), before a long clock. */
    __wasi_fd_t root = (__wasi_fd_t)preopen_fd("/sandbox");
    CHECK_OK(write_file_at(root, "ready.txt", "0123456789"));
    __wasi_fd_t file;
    CHECK_OK(open_at(root, "ready.txt", 0, 0, &file));
    subs[0] = clock_sub(31, __WASI_CLOCKID_MONOTONIC, 10 * 1000 * ms, 0);
    subs[1] = fd_sub(32, __WASI_EVENTTYPE_FD_READ, file);
    subs[2] = fd_sub(33, __WASI_EVENTTYPE_FD_WRITE, file);
    start = now();
    CHECK_OK(__wasi_poll_oneoff(subs, events, 3, &count));
    CHECK(now() - start < 1000 * ms);
    CHECK(count == 2);
    CHECK(events[0].userdata == 32 && events[0].type == __WASI_EVENTTYPE_FD_READ && events[0].error == 0);
    CHECK(events[0].fd_readwrite.nbytes == 10);
    CHECK(events[1].userdata == 33 && events[1].type == __WASI_EVENTTYPE_FD_WRITE);

    /* stdin (a file here) readable, stdout writable. */
    subs[0] = fd_sub(41, __WASI_EVENTTYPE_FD_READ, 0);
    subs[1] = fd_sub(42, __WASI_EVENTTYPE_FD_WRITE, 1);
    CHECK_OK(__wasi_poll_oneoff(subs, events, 2, &count));
    CHECK(count == 2 && events[0].userdata == 41 && events[0].error == 0 && events[1].userdata == 42);
    CHECK(events[0].fd_readwrite.nbytes > 0);

    /* Errors are reported per event; the call itself succeeds. */
    subs[0] = fd_sub(51, __WASI_EVENTTYPE_FD_READ, 99);
    subs[1] = fd_sub(52, __WASI_EVENTTYPE_FD_WRITE, 0); /* stdin cannot be written */
    subs[2] = clock_sub(53, 77, 0, 0);                  /* no such clock */
    subs[3] = clock_sub(54, __WASI_CLOCKID_PROCESS_CPUTIME_ID, ms, 0);
    subs[4] = subs[0];
    subs[4].userdata = 55;
    subs[4].u.tag = 9; /* no such event type */
    CHECK_OK(__wasi_poll_oneoff(subs, events, 5, &count));
    CHECK(count == 5);
    CHECK(events[0].userdata == 51 && events[0].error == __WASI_ERRNO_BADF);
    CHECK(events[1].userdata == 52 && events[1].error == __WASI_ERRNO_NOTCAPABLE);
    CHECK(events[2].userdata == 53 && events[2].error == __WASI_ERRNO_INVAL);
    CHECK(events[3].userdata == 54 && events[3].error == __WASI_ERRNO_NOTSUP);
    CHECK(events[4].userdata == 55 && events[4].error == __WASI_ERRNO_INVAL);

    /* Bad calls. */
    CHECK_ERRNO(__wasi_poll_oneoff(subs, events, 0, &count), __WASI_ERRNO_INVAL);
    CHECK_ERRNO(__wasi_poll_oneoff((__wasi_subscription_t *)0xffffff00u, events, 1, &count), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_poll_oneoff(subs, (__wasi_event_t *)0xffffff00u, 1, &count), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_poll_oneoff(subs, events, 1, (__wasi_size_t *)0xfffffffeu), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_poll_oneoff(subs, events, 100000000, &count), __WASI_ERRNO_INVAL);
    /* In and out may be the same buffer. */
    subs[0] = clock_sub(61, __WASI_CLOCKID_MONOTONIC, 0, 0);
    subs[1] = fd_sub(62, __WASI_EVENTTYPE_FD_READ, file);
    CHECK_OK(__wasi_poll_oneoff(subs, (__wasi_event_t *)subs, 2, &count));
    __wasi_event_t *same = (__wasi_event_t *)subs;
    CHECK(count == 2 && same[0].userdata == 61 && same[1].userdata == 62);
    __wasi_fd_close(file);
    return checks_done("poll");
}
