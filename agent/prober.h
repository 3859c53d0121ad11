/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The agent side of probing: per member a test address, a probe socket,
 * the XDP program and its probe_cfg entry, a timer; per group the ring
 * buffer the XDP program fills. Decisions stay in agent/probe.c.
 */
#ifndef IPMP_PROBER_H
#define IPMP_PROBER_H

#include "agent.h"

int prober_group_start(struct agent *a, struct agent_group *ag);
void prober_group_stop(struct agent_group *ag);
/* Start probing on a present member, if it has a test address. */
void prober_member_start(struct agent *a, struct agent_group *ag, struct ipmp_member *m);
/*
 * Stop probing on a member (offline, or the agent stops: XDP stays
 * attached). With release, also detach XDP and forget its probe config:
 * the netdev left, or the member leaves the group.
 */
void prober_member_stop(struct agent_group *ag, struct ipmp_member *m, bool release);
/* Will the member probe once started (a test address, ARP, or IPv6 data addresses)? */
bool prober_member_will_probe(struct agent *a, struct agent_group *ag, struct ipmp_member *m);

/* An address appeared or went: start IPv6 probing where a link-local passed DAD. */
void prober_addresses_changed(struct agent *a);
/*
 * Routers on the test subnets from the routing table (spec 3.12): read
 * again from the event loop, once, after members start or routes change.
 */
void prober_routes_rescan_soon(struct agent *a);

#endif
