/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The control socket: a Unix stream socket speaking newline-delimited JSON
 * (docs/protocol.md). Anyone may read state; requests that change it need
 * uid 0 or membership of admin_group, decided at accept from SO_PEERCRED.
 * Every client is bounded: an over-long request is refused, one that does
 * not read its replies is paused and then dropped, an idle one is closed,
 * and each unprivileged user has a few connections and never the last
 * ones; none can stall the agent or lock root out.
 */
#ifndef IPMP_CONTROL_H
#define IPMP_CONTROL_H

#include <event2/event.h>
#include <jansson.h>

struct agent;
struct control;

#define IPMP_SOCKET_DEFAULT	"/run/ipmp/ipmp.sock"
#define CONTROL_REQUEST_MAX	(64 * 1024)
#define CONTROL_OUTPUT_MAX	(8 * 1024 * 1024)
#define CONTROL_CLIENTS_MAX	4096	/* the agent raises its fd limit to fit them */
#define CONTROL_CLIENTS_RESERVED	64	/* of those, only for root and admin_group */
#define CONTROL_CLIENTS_PER_USER	32	/* connections of one unprivileged uid */
#define CONTROL_OUTPUT_PAUSE	(64 * 1024)	/* replies waiting: stop reading requests */
#define CONTROL_IDLE_TIMEOUT_S	60	/* no request for this long: closed (followers excepted) */
#define CONTROL_WRITE_TIMEOUT_S	10	/* replies not read for this long: dropped */

struct control *control_open(struct agent *a, const char *path);
void control_close(struct control *c);
enum control_stream {
	CONTROL_STREAM_PROBES = 1,	/* ipmpstat -p */
	CONTROL_STREAM_EVENTS = 2,	/* ipmpadm monitor */
};

/* How many clients follow a stream (0 without a control socket): nobody, no event built. */
unsigned control_followers(const struct control *c, enum control_stream stream);
/* Send an event object to every client subscribed to that stream. */
void control_publish(struct control *c, enum control_stream stream, json_t *event);

#endif
