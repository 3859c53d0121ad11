/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Multicast for a group: what the group interface listens to, the member
 * that receives for the group hears, and the switch knows it.
 *
 * A NIC filters multicast in hardware: it accepts only the groups on its
 * own list. The groups are joined on the group interface (solicited-node
 * groups of its IPv6 addresses, all-nodes, every group an application
 * joins there), never on a member. So the group interface's link-layer
 * multicast list is mirrored onto the member nominated for each family
 * (IPv4 groups onto the IPv4 nominee, IPv6 groups onto the IPv6 nominee:
 * the only members whose multicast the group takes), and moved with the
 * nomination. The list is followed live from rtnetlink's multicast
 * membership notifications (RTNLGRP_IPV4_MCADDR, RTNLGRP_IPV6_MCADDR);
 * on a kernel without them the nominee of that family is set allmulti
 * instead (said at start).
 *
 * A snooping switch sends a group's traffic only to ports that reported
 * membership. The kernel's own IGMP/MLD reports and answers to queries
 * leave through the nominee (group_egress sends multicast there); when
 * the nominee changes, the group's memberships are reported at once
 * through the new one (IGMPv3 and MLDv2 current-state reports, as
 * bonding's resend_igmp), so the switch moves the groups to its port
 * without waiting for the next query.
 *
 * Everything added to a member is recorded (agent/undo.h) and taken off
 * when the nomination moves, the member leaves, or at --cleanup; it stays
 * while the agent is stopped, since the data plane goes on forwarding.
 */
#ifndef IPMP_MCAST_H
#define IPMP_MCAST_H

#include <stdbool.h>

struct agent;
struct agent_group;
struct event;

/* A group's multicast state: the nominees the lists were last put on. */
struct mcast_state {
	int nominee4, nominee6;		/* ifindex; 0: none */
	bool sync_due;			/* pushed: mcast_sync() on the next turn */
};

/* Subscribe to membership notifications (on the link event socket) and say which are missing. */
void mcast_open(struct agent *a);
void mcast_close(struct agent *a);
/* Something joined or left a group somewhere: every group's lists are reconciled soon. */
void mcast_changed(struct agent *a);
/*
 * After a push: the lists follow the nominees; a family whose nominee
 * changed reports the group's memberships through the new one, at once
 * (a snooping switch forwards nothing to the new nominee's port before).
 */
void mcast_sync(struct agent *a, struct agent_group *ag);
/*
 * mcast_sync() on the next turn of the event loop, after what waits at
 * the detection priority: a failover's first announcements (which bring
 * the unicast traffic back) leave before the multicast handover's dozen
 * system calls.
 */
void mcast_sync_soon(struct agent *a, struct agent_group *ag);

#endif
