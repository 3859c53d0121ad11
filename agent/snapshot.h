/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The agent's state as the tools see it (spec 3.17, the views libipmp
 * gives ipmpstat): every group, member and data address, with the
 * illumos enumerations already worked out, as one JSON object. Built
 * from the model in one pass, so it is self-consistent.
 */
#ifndef IPMP_SNAPSHOT_H
#define IPMP_SNAPSHOT_H

#include <jansson.h>

#include "group.h"

#define IPMP_PROTOCOL_VERSION	1

/* How a snapshot carries the data addresses. */
enum snapshot_addrs {
	SNAPSHOT_ADDRS_NONE,	/* an empty list (ipmpstat -g, -i, -t do not need them) */
	SNAPSHOT_ADDRS_OBJECTS,	/* "addresses": one object per address */
	/*
	 * "address_table": one string, a line per address, fields split by
	 * tabs: address, state, group, inbound (an interface name has no
	 * white space). Ten times cheaper to build and read with thousands
	 * of addresses than an object each; what ipmpstat asks for.
	 */
	SNAPSHOT_ADDRS_TABLE,
};

/* groups[ngroups] as a snapshot object; NULL when out of memory. */
json_t *snapshot_build(struct ipmp_group *const *groups, unsigned ngroups,
		       enum snapshot_addrs addrs);

/* The member flags string of ipmpstat -i (spec 1.3.3): "i s m b M d h" or '-'. */
/* ipmpstat's FLAGS column for m with these MEMBER_F_* flags (an event's, or m's own). */
void snapshot_member_flags(const struct ipmp_member *m, unsigned flags, char out[8]);
/* ipmpstat -i's PROBE (ok, failed, unknown, disabled) and STATE (ok, failed, offline, unknown). */
const char *snapshot_member_probe(const struct ipmp_member *m);
const char *snapshot_member_state(const struct ipmp_member *m);

#endif
