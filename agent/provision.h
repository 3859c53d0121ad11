/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Interface provisioning: the group interface (our veth pair, its
 * sysctls, its MTU following the smallest member's, its data addresses,
 * its kernel link-local followed as a data address) and the members'
 * netdevs (up, sysctls so they never answer ARP or take RAs for
 * themselves, our tc filter, the configured test address). Everything
 * here changes the system, and records what it changed for undoing
 * (agent/undo.h); the decisions are the model's.
 */
#ifndef IPMP_PROVISION_H
#define IPMP_PROVISION_H

#include <stdbool.h>

struct agent;
struct agent_group;
struct ipmp_member;
struct ip_prefix;
struct nl_link;

/* Add (or refresh) an address; recorded for undoing if it was not there before. */
int provision_addr_add(struct agent *a, const char *group, const char *ifname, int ifindex,
		       const struct ip_prefix *p, bool noprefixroute);

/* The group interface: made (or found, if it is a veth) and configured. */
int provision_group_iface(struct agent *a, struct agent_group *ag);
/* The group interface's MTU (and its peer's): the smallest member MTU. */
void provision_group_mtu(struct agent *a, struct agent_group *ag);
/* The configured data addresses onto the group interface (the last step of setup). */
int provision_group_addrs(struct agent *a, struct agent_group *ag);
/*
 * Every address on the group interface is a data address (the kernel's
 * link-local, another tool's): follow what came and (release) what went.
 */
void provision_addresses_follow(struct agent *a, struct agent_group *ag, bool release);

/* A member's netdev, if it exists: taken over and its link state read; missing is no error. */
int provision_member_find(struct agent *a, struct agent_group *ag, struct ipmp_member *m);
/* Take over the netdev l of member m: sysctls, up, our filter, its test address. */
int provision_member_take(struct agent *a, struct agent_group *ag, struct ipmp_member *m,
			  const struct nl_link *l);
/*
 * Give a member's netdev back: probing stopped, filter and XDP off, and
 * what the agent changed on it undone (test address, sysctls, hook).
 */
void provision_member_release(struct agent *a, struct agent_group *ag, struct ipmp_member *m);
/* Put the configured test address on the member's netdev, or take it off (if it was ours). */
void provision_test_address(struct agent *a, const struct ipmp_member *m, bool add);

#endif
