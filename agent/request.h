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
#include "ipmp_commands.h"

#define REQUEST_ERROR_MAX	256

struct request {
	enum ipmp_cmd cmd;
	bool privileged;	/* changes state (ipmp_commands.h) */
	/* an argument error: an ipmp_errors.h code, or code 0 and a text */
	int code;
	char error[REQUEST_ERROR_MAX];
	char ifname[IFNAMSIZ];		/* "interface" */
	char group[IPMP_GROUP_NAME_MAX]; /* "group": a group's name or interface */
	struct ip_prefix address;	/* add-address / remove-address */
	struct config_member member;	/* add-interface: ifname, standby, test address, probe */
	bool standby;			/* standby */
	int addresses;			/* snapshot: enum snapshot_addrs */
};

/* 0, or -1 with error (the reply's text) set: the line is no request. */
int request_decode(const char *line, size_t len, struct request *req);
/* The request has an argument error to answer with. */
static inline bool request_failed(const struct request *req)
{
	return req->code || req->error[0];
}

#endif
