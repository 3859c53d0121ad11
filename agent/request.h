/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Decoding one control request (docs/protocol.md) into a plain struct,
 * apart from carrying it out: no agent state is touched here, so the
 * decoder can be fuzzed on its own (fuzz/fuzz_request.c).
 *
 * A line that is not a request at all (not JSON, not an object, another
 * protocol version, no cmd, an unknown cmd) fails to decode. A request
 * whose arguments are wrong decodes, with the error to answer kept in
 * the struct: a command that changes state checks the caller's privilege
 * first, so an unprivileged caller learns nothing from its arguments.
 */
#ifndef IPMP_REQUEST_H
#define IPMP_REQUEST_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"

#define REQUEST_ERROR_MAX	256

enum request_cmd {
	REQ_PING,
	REQ_SNAPSHOT,
	REQ_PROBES,		/* subscribe to the probe stream */
	REQ_EVENTS,		/* subscribe to the event stream */
	REQ_ADD_ADDRESS,
	REQ_REMOVE_ADDRESS,
	REQ_ADD_INTERFACE,
	REQ_REMOVE_INTERFACE,
	REQ_RELOAD,
	REQ_STANDBY,
	REQ_OFFLINE,
	REQ_UNDO_OFFLINE,
};

struct request {
	enum request_cmd cmd;
	bool privileged;	/* changes state: uid 0 or CAP_NET_ADMIN only */
	/* an argument error: an ipmp_errors.h code, or code 0 and a text */
	int code;
	char error[REQUEST_ERROR_MAX];
	char ifname[IFNAMSIZ];		/* "interface" */
	char group[IPMP_GROUP_NAME_MAX]; /* "group": a group's name or interface */
	struct ip_prefix address;	/* add-address / remove-address */
	struct config_member member;	/* add-interface: ifname, standby, test address, probe */
	bool standby;			/* standby */
	bool with_addresses;		/* snapshot: false leaves the address list out */
};

/* 0, or -1 with error (the reply's text) set: the line is no request. */
int request_decode(const char *line, size_t len, struct request *req);
/* The command's name on the wire ("offline", ...). */
const char *request_name(enum request_cmd cmd);
/* The request has an argument error to answer with. */
static inline bool request_failed(const struct request *req)
{
	return req->code || req->error[0];
}

#endif
