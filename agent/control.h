/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The control socket: a Unix stream socket speaking newline-delimited JSON
 * (docs/protocol.md). Anyone may read state; requests that change it
 * need uid 0 or CAP_NET_ADMIN (SO_PEERCRED). Every client has bounded
 * buffers: an over-long request is refused, a client that does not read
 * its replies is dropped; none can stall the agent.
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

struct control *control_open(struct agent *a, const char *path);
void control_close(struct control *c);
enum control_stream {
	CONTROL_STREAM_PROBES = 1,	/* ipmpstat -p */
	CONTROL_STREAM_EVENTS = 2,	/* ipmpadm monitor */
};

/* Send an event object to every client subscribed to that stream. */
void control_publish(struct control *c, enum control_stream stream, json_t *event);

#endif
