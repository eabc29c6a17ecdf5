/* systemd_notify.c: the sd_notify protocol, one datagram to $NOTIFY_SOCKET, without libsystemd. */
#include "systemd_notify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* The protocol is one datagram of text on a unix socket (sd_notify(3)), a dozen lines here.
 * libsystemd would add a shared library (Debian ships no archive of it) that the static build
 * (-DWASMHOST_STATIC) and the container image could not carry. */

bool systemd_notify(const char *state, char *error, size_t error_size)
{
    const char *path = getenv("NOTIFY_SOCKET");
    if (!path || !*path)
        return true;
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    size_t length = strlen(path);
    /* A path, or an abstract socket ("@name": a leading NUL byte in the address). */
    if ((path[0] != '/' && path[0] != '@') || length >= sizeof address.sun_path) {
        snprintf(error, error_size, "NOTIFY_SOCKET '%s': expected an absolute path or @abstract name", path);
        return false;
    }
    memcpy(address.sun_path, path, length);
    if (path[0] == '@')
        address.sun_path[0] = '\0';
    socklen_t address_length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    bool sent = fd >= 0 && sendto(fd, state, strlen(state), MSG_NOSIGNAL, (const struct sockaddr *)&address,
                                  address_length) == (ssize_t)strlen(state);
    if (!sent)
        snprintf(error, error_size, "NOTIFY_SOCKET %s: %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    return sent;
}

void systemd_reloading_state(char *state, size_t state_size)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    snprintf(state, state_size, "RELOADING=1\nMONOTONIC_USEC=%llu",
             (unsigned long long)now.tv_sec * 1000000ull + (unsigned long long)now.tv_nsec / 1000ull);
}
