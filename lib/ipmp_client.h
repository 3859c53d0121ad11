/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The client side of the control socket, shared by every command: connect
 * (IPMP_SOCKET, else /run/ipmp/ipmp.sock), send one request, read one
 * reply, and decode a snapshot into plain structs. No command parses JSON
 * itself.
 */
#ifndef IPMP_CLIENT_H
#define IPMP_CLIENT_H

#include <net/if.h>
#include <stdbool.h>

#include <jansson.h>

#include "ipmp_commands.h"

#define IPMP_CLIENT_NAME_MAX	48	/* interface, group, address strings */

struct ipmp_snap_group {
	char ifname[IPMP_CLIENT_NAME_MAX];
	char name[IPMP_CLIENT_NAME_MAX];
	char state[16];
	unsigned fdt_ms;
	char (*interfaces)[IPMP_CLIENT_NAME_MAX];	/* group order */
	unsigned ninterfaces;
	char (*outbound)[IPMP_CLIENT_NAME_MAX];		/* what any bound address sends from */
	unsigned noutbound;
};

struct ipmp_snap_if {
	char name[IPMP_CLIENT_NAME_MAX];
	char group[IPMP_CLIENT_NAME_MAX];		/* group interface */
	bool active;
	char flags[8];
	char link[16], probe[16], state[16], mode[16];
	char testaddr[IPMP_CLIENT_NAME_MAX];
	char (*targets)[IPMP_CLIENT_NAME_MAX];		/* firing order */
	unsigned ntargets;
	/* the same for IPv6 probing ("disabled" when the agent sends none) */
	char mode6[16];
	char testaddr6[IPMP_CLIENT_NAME_MAX];
	char (*targets6)[IPMP_CLIENT_NAME_MAX];
	unsigned ntargets6;
};

struct ipmp_snap_addr {
	char address[IPMP_CLIENT_NAME_MAX];
	char state[8];
	char group[IPMP_CLIENT_NAME_MAX];
	char inbound[IPMP_CLIENT_NAME_MAX];
	char (*outbound)[IPMP_CLIENT_NAME_MAX];	/* its group's list, or its own */
	unsigned noutbound;
	bool outbound_owned;
};

struct ipmp_snapshot {
	struct ipmp_snap_group *groups;
	unsigned ngroups;
	struct ipmp_snap_if *ifs;
	unsigned nifs;
	struct ipmp_snap_addr *addrs;
	unsigned naddrs;
};

struct ipmp_client {
	int fd;
	char error[256];	/* the agent's or ours, for the last failure */
	int code;		/* enum ipmp_error of the last failure */
	int err;		/* its errno, for IPMP_FAILURE */
	char *rbuf;		/* bytes read past the last line */
	size_t rlen, rcap;
};

/* path NULL: $IPMP_SOCKET, else the default. 0 or -errno. */
int ipmp_client_open(struct ipmp_client *c, const char *path);
void ipmp_client_close(struct ipmp_client *c);
/* Send {"version":1,"cmd":cmd} (plus args' members); *reply is the object on success. */
int ipmp_client_call(struct ipmp_client *c, enum ipmp_cmd cmd, json_t *args, json_t **reply);
int ipmp_client_ping(struct ipmp_client *c);
/* After a subscribing call ("probes"): the next event object; -ECONNRESET at the end. */
int ipmp_client_next(struct ipmp_client *c, json_t **event);
/* with_addrs false: the agent leaves the data addresses out (cheaper with thousands). */
int ipmp_client_snapshot(struct ipmp_client *c, struct ipmp_snapshot *snap, bool with_addrs);

/* What a reload did: lines saying what changed, and what was wrong. */
struct ipmp_reload {
	char **changes;
	unsigned nchanges;
	char **errors;		/* the config file's errors, or changes that failed */
	unsigned nerrors;
};

/* Ask the agent to re-read its config file; the lists are filled either way. */
int ipmp_client_reload(struct ipmp_client *c, struct ipmp_reload *r);
void ipmp_reload_free(struct ipmp_reload *r);

/* Decode a snapshot object; -EPROTO with err set when it is malformed. */
int ipmp_snapshot_decode(const json_t *obj, struct ipmp_snapshot *snap, char *err, size_t errlen);
void ipmp_snapshot_free(struct ipmp_snapshot *snap);
const struct ipmp_snap_if *ipmp_snapshot_if(const struct ipmp_snapshot *snap, const char *name);

#endif
