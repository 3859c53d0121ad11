/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * systemd's service notification protocol (sd_notify(3)), spoken directly:
 * one datagram to $NOTIFY_SOCKET per message, so the agent needs no
 * libsystemd. Without $NOTIFY_SOCKET every call does nothing.
 */
#ifndef IPMP_NOTIFY_H
#define IPMP_NOTIFY_H

#include <stdint.h>

/* Send "READY=1", "STOPPING=1", "WATCHDOG=1", "STATUS=..." (newline-separated). */
int notify_send(const char *state);
/*
 * The watchdog interval systemd asks for (WatchdogSec=, via $WATCHDOG_USEC,
 * for this process when $WATCHDOG_PID is set), in microseconds; 0 if none.
 */
uint64_t notify_watchdog_usec(void);

#endif
