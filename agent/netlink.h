/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * rtnetlink through libmnl: the links and addresses the agent reads and
 * changes, and the link events it listens to. No text from ip(8) is parsed.
 */
#ifndef IPMP_NETLINK_H
#define IPMP_NETLINK_H

#include <libmnl/libmnl.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "ipaddr.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP	0x10000	/* linux/if.h; glibc net/if.h lacks it */
#endif

struct nl_link {
	int ifindex;
	char ifname[IFNAMSIZ];
	unsigned flags;		/* IFF_* */
	unsigned mtu;
	uint8_t mac[6];
	bool has_mac;
	char kind[16];		/* IFLA_INFO_KIND, "" if none */
	uint64_t tx_packets;	/* IFLA_STATS64, 0 if not given */
	int link_ifindex;	/* IFLA_LINK: a veth's peer, a macvlan's or VLAN's lower; 0 if none */
	bool link_netns;	/* IFLA_LINK_NETNSID given: link_ifindex is another namespace's */
	uint32_t carrier_down_count;	/* IFLA_CARRIER_DOWN_COUNT: carrier losses so far */
	uint16_t vlan_id;	/* kind "vlan": its id */
	bool deleted;		/* RTM_DELLINK */
};

struct nl {
	struct mnl_socket *sock;
	unsigned seq;
	unsigned portid;
};

int nl_open(struct nl *nl, unsigned groups);
void nl_close(struct nl *nl);
int nl_fd(const struct nl *nl);

/* -ENODEV when there is no such link. */
int nl_link_get(struct nl *nl, const char *ifname, struct nl_link *out);
/* The VLAN interfaces on top of lower: how many (at most max), or -errno. */
int nl_vlan_uppers(struct nl *nl, int lower, struct nl_link *out, unsigned max);
/* fn for every link of the namespace, from one dump. 0 or -errno. */
int nl_links_each(struct nl *nl, void (*fn)(const struct nl_link *l, void *ctx), void *ctx);
/* A veth pair; mac (or NULL: the kernel's random one) for ifname. */
int nl_veth_create(struct nl *nl, const char *ifname, const char *peer, const uint8_t *mac);
int nl_link_set(struct nl *nl, int ifindex, bool up, unsigned mtu);
/* Set (or clear) the IFF_* flags in change to their values in flags. */
int nl_link_flags(struct nl *nl, int ifindex, unsigned flags, unsigned change);
int nl_link_del(struct nl *nl, int ifindex);
/*
 * Add (or drop our reference to) a link-layer multicast address on ifname's
 * list: 0 or -errno. SIOCADDMULTI/SIOCDELMULTI, as `ip maddr`: rtnetlink
 * has no request for it.
 */
int nl_link_maddr(const char *ifname, const uint8_t mac[6], bool add);
/* Listen to one more rtnetlink group (RTNLGRP_*): 0, or -EINVAL where the kernel has no such group. */
int nl_join_group(struct nl *nl, unsigned group);
int nl_addr_add(struct nl *nl, int ifindex, const struct ip_prefix *p, bool noprefixroute);
int nl_addr_del(struct nl *nl, int ifindex, const struct ip_prefix *p);
/*
 * The first usable address of family and scope (RT_SCOPE_*) on ifindex
 * (not tentative, not failed DAD): 0, or -ENOENT.
 */
int nl_addr_first(struct nl *nl, int ifindex, int family, int scope, struct ip_prefix *out);
/*
 * Every address on ifindex (not host scope, not failed DAD), both
 * families, and whether each is usable (not tentative): how many, or -errno.
 */
int nl_addr_list(struct nl *nl, int ifindex, struct ip_prefix *out, bool *usable, unsigned max);
/* The address on ifindex equal to addr's (any scope, any state), with its prefix length. */
int nl_addr_find(struct nl *nl, int ifindex, const struct ip_prefix *addr, struct ip_prefix *out);

/* Filters on ifindex's clsact ingress (or egress) hook: how many, or -errno. */
int nl_tc_filter_count(struct nl *nl, int ifindex, bool egress);

/* Routes through ifindex (main table, not the kernel's own): their destinations; how many, or -errno. */
int nl_routes_on(struct nl *nl, int ifindex, struct ip_prefix *out, unsigned max);

/* A route's next hop and the interface it is reached through. */
struct nl_gateway {
	struct ip_prefix addr;
	int ifindex;
};

/*
 * Next hops (gateways) of every route of family, including each hop of a
 * multipath one, each with its interface (once per pair): up to max into
 * out; returns how many, or -errno.
 */
int nl_route_gateways(struct nl *nl, int family, struct nl_gateway *out, unsigned max);

/*
 * Link state as the agent sees it: administratively up with carrier
 * (IFF_LOWER_UP). Not IFF_RUNNING: it follows the operational state,
 * which the kernel updates lazily, so a member just set up is announced
 * first with carrier but without RUNNING, a flap that never happened. A
 * carrier loss clears both at once.
 */
/*
 * The device whose carrier loss is l's too, in l's namespace (a macvlan's,
 * VLAN's or ipvlan's lower: the kernel stacks their operstate on it; a
 * bridge_binding VLAN follows its bridge's ports, all of them down when the
 * bridge's carrier is), or 0.
 */
int nl_link_stacked_lower(const struct nl_link *l);

static inline bool nl_link_is_up(const struct nl_link *l)
{
	return (l->flags & IFF_UP) && (l->flags & IFF_LOWER_UP);
}

#define NL_CHANGED_ROUTES	0x1	/* a route was added or removed */
/* 0x2 was link-local addresses only */
#define NL_CHANGED_MULTICAST	0x4	/* an interface joined or left an IP multicast group */
#define NL_CHANGED_ADDRS	0x8	/* an address came, changed or went (any interface) */
#define NL_CHANGED_OTHER_ROUTES	0x10	/* a route not the kernel's own came or went */

/* Multicast membership notifications: newer than Debian 12 (6.1 has neither; 6.18 has both). */
#ifndef RTNLGRP_IPV4_MCADDR
#define RTNLGRP_IPV4_MCADDR	37
#define RTNLGRP_IPV6_MCADDR	38
#endif
#ifndef RTM_NEWMULTICAST
#define RTM_NEWMULTICAST	56
#define RTM_DELMULTICAST	57
#endif

/*
 * Read what is waiting on an event socket; fn runs for every link message,
 * and *changed (if given) says what else changed (NL_CHANGED_*). -ENOBUFS
 * means events were lost: the caller must re-read the state.
 */
int nl_events_read(struct nl *nl, void (*fn)(const struct nl_link *l, void *ctx), void *ctx,
		   unsigned *changed);

#endif
