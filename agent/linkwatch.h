/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Link watching: the rtnetlink event socket (links, addresses, routes),
 * whose every read is one decision per group, and the link timers of the
 * flap rule (spec 3.5). Detection decisions themselves are agent/link.c's.
 */
#ifndef IPMP_LINKWATCH_H
#define IPMP_LINKWATCH_H

#include <stdint.h>

struct agent;
struct agent_group;
struct ipmp_member;

/* Subscribe before reading any state, so no change falls between the two. */
int linkwatch_open(struct agent *a);
/* After setup: drop the events setup made and read every member once. */
void linkwatch_settle(struct agent *a);
void linkwatch_close(struct agent *a);
/* Call link_timer(m) at deadline_ms (the model's group_ops.timer_arm). */
void linkwatch_timer_arm(struct agent_group *ag, struct ipmp_member *m, uint64_t deadline_ms);
void linkwatch_timer_free(struct agent_group *ag, struct ipmp_member *m);

/*
 * The agent attached a native XDP program to the member and the driver
 * reset to take it (the carrier went down during the attach: mlx5, ixgbe
 * do so). A carrier loss within LINKWATCH_XDP_GRACE_MS of the attach is
 * held, up to LINKWATCH_XDP_HOLD_MS: if the carrier returns meanwhile
 * nothing happened (no failure, no flap counted); if not, the failure is
 * handled then. Drivers that do not reset (veth) are never held.
 */
#define LINKWATCH_XDP_GRACE_MS	2000
#define LINKWATCH_XDP_HOLD_MS	5000
void linkwatch_xdp_attached(struct agent *a, struct agent_group *ag, struct ipmp_member *m);

/*
 * The device ifindex of our namespace lost its carrier (agent/carrier.h):
 * every member it is, or is stacked on, goes down now, as its netlink
 * event will say later; one decision per group.
 */
void linkwatch_carrier_lost(struct agent *a, int ifindex);

#endif
