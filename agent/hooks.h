/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Notify hooks: the notify program of a group (or the global one) runs on
 * every group state change, member state change and failover, with the
 * facts in its environment, as keepalived's notify scripts do: for cloud
 * hosts that move an address through an API, pagers, anything.
 *
 *   IPMP_EVENT            group-state, member-state, member-joined, member-left, failover
 *   IPMP_GROUP            the group's name;   IPMP_GROUP_INTERFACE  its interface
 *   IPMP_STATE            the new state (group or member);  IPMP_PREVIOUS_STATE (group)
 *   IPMP_INTERFACE        the member;  IPMP_FLAGS, IPMP_ACTIVE (member-state)
 *   IPMP_ADDRESS, IPMP_FROM, IPMP_TO, IPMP_MAC   (failover)
 *   IPMP_TIME             seconds since 1970, when the agent saw it
 *
 * Never in detection's way: a hook is spawned and the loop goes on; at
 * most HOOKS_RUNNING run at once, HOOKS_QUEUED more wait in order (beyond
 * that the oldest waiting is dropped, said). One that runs longer than
 * notify_timeout is sent SIGTERM, then SIGKILL a second later (its whole
 * process group); its exit status and how it ended are logged. A program
 * that someone other than root may write (or whose directory they may) is
 * refused each time, said: it would run as root.
 */
#ifndef IPMP_HOOKS_H
#define IPMP_HOOKS_H

struct agent;
struct agent_group;
struct group_event;

#define HOOKS_RUNNING	4
#define HOOKS_QUEUED	64

int hooks_open(struct agent *a);
/* Kill what still runs (it would outlive us otherwise), forget what waits. */
void hooks_close(struct agent *a);
void hooks_event(struct agent *a, struct agent_group *ag, const struct group_event *ev);

#endif
