/* systemd_notify.h: readiness, reloads and stopping told to systemd (Type=notify) through $NOTIFY_SOCKET. */
#ifndef WH_SYSTEMD_NOTIFY_H
#define WH_SYSTEMD_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>

/* Sends `state` ("READY=1", "RELOADING=1\nMONOTONIC_USEC=...", "STOPPING=1": newline-separated
 * assignments, see sd_notify(3)) to the socket named by $NOTIFY_SOCKET. True when sent, or when
 * the variable is unset (not started by systemd, or not as Type=notify): nothing to tell. False
 * with the reason in `error` when the socket exists but cannot be reached. */
bool systemd_notify(const char *state, char *error, size_t error_size);

/* "RELOADING=1\nMONOTONIC_USEC=<CLOCK_MONOTONIC in µs>", which a reload starts with. */
void systemd_reloading_state(char *state, size_t state_size);

#endif
