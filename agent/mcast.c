// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Multicast for a group: lists on the nominees, reports through them (agent/mcast.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent.h"
#include "inet_csum.h"
#include "log.h"
#include "mcast.h"
#include "undo.h"

#define MCAST_MAX	1024	/* link-layer groups of one interface we follow */

struct maddr {
	int ifindex;
	uint8_t mac[6];
	bool global;		/* added with SIOCADDMULTI (by someone) */
};

/*
 * /proc/net/dev_mcast: "ifindex name users global address" per entry.
 * The interface's link-layer multicast list (ifindex > 0: that one only).
 */
static unsigned dev_mcast_read(int ifindex, struct maddr *out, unsigned max)
{
	FILE *f = fopen("/proc/net/dev_mcast", "re");
	char line[256], hex[13];
	unsigned n = 0;

	if (!f)
		return 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		int idx, users, global;

		if (sscanf(line, "%d %*s %d %d %12s", &idx, &users, &global, hex) != 4 ||
		    (ifindex && idx != ifindex) || strlen(hex) != 12)
			continue;
		out[n].ifindex = idx;
		out[n].global = global > 0;
		for (int i = 0; i < 6; i++) {
			char byte[3] = { hex[2 * i], hex[2 * i + 1], 0 };

			out[n].mac[i] = (uint8_t)strtoul(byte, NULL, 16);
		}
		n++;
	}
	fclose(f);
	return n;
}

static bool mac_is_ipv6_multicast(const uint8_t *mac)
{
	return mac[0] == 0x33 && mac[1] == 0x33;
}

/* The nominee of a family, if it has a netdev. */
static const struct ipmp_member *nominee(const struct ipmp_group *g, bool v6)
{
	const struct ipmp_member *m = v6 ? g->nominated6 : g->nominated;

	return m && m->ifindex ? m : NULL;
}

/* --- the lists ---------------------------------------------------------------------- */

struct wanted {
	const struct maddr *group_list;	/* the group interface's */
	unsigned n;
	int nominee4, nominee6;
	bool allmulti4, allmulti6;	/* the fallback, per family */
};

/* Is this (member, address), or allmulti on this member (mac NULL), wanted now? */
static bool keep_wanted(int ifindex, const uint8_t *mac, void *ctx)
{
	const struct wanted *w = ctx;

	if (!mac)
		return (w->allmulti4 && ifindex == w->nominee4) ||
		       (w->allmulti6 && ifindex == w->nominee6);
	for (unsigned i = 0; i < w->n; i++) {
		bool v6 = mac_is_ipv6_multicast(w->group_list[i].mac);

		if (!memcmp(w->group_list[i].mac, mac, 6) && ifindex == (v6 ? w->nominee6 : w->nominee4) &&
		    !(v6 ? w->allmulti6 : w->allmulti4))
			return true;
	}
	return false;
}

/* Put an address of the group's list on the member, unless it is already there as someone's. */
static void list_add(struct agent *a, struct agent_group *ag, const struct ipmp_member *m,
		     const uint8_t *mac, const struct maddr *member_list, unsigned nmember)
{
	char macbuf[MAC_STRLEN];
	int ret;

	if (undo_has_mcast(&a->undo, m->ifindex, mac))
		return;		/* ours already */
	for (unsigned i = 0; i < nmember; i++)
		if (member_list[i].ifindex == m->ifindex && member_list[i].global &&
		    !memcmp(member_list[i].mac, mac, 6))
			return;	/* someone else's (ip maddr add): leave it to them */
	ret = nl_link_maddr(m->ifname, mac, true);
	if (ret)
		pr_warn("%s: cannot add multicast address %s: %s", m->ifname, mac_str(mac, macbuf),
			strerror(-ret));
	else
		undo_note_mcast(&a->undo, ag->group.name, m->ifname, m->ifindex, mac);
}

static void allmulti_set(struct agent *a, struct agent_group *ag, const struct ipmp_member *m)
{
	struct nl_link l;

	if (undo_has_mcast(&a->undo, m->ifindex, NULL) || nl_link_get(&a->nl, m->ifname, &l) ||
	    (l.flags & IFF_ALLMULTI))
		return;
	if (nl_link_flags(&a->nl, m->ifindex, IFF_ALLMULTI, IFF_ALLMULTI))
		pr_warn("%s: cannot set allmulti", m->ifname);
	else
		undo_note_mcast(&a->undo, ag->group.name, m->ifname, m->ifindex, NULL);
}

/* Make the nominees' lists (or allmulti) what the group interface's list wants. */
static void lists_sync(struct agent *a, struct agent_group *ag)
{
	static struct maddr group_list[MCAST_MAX], member_list[MCAST_MAX];
	const struct ipmp_member *n4 = nominee(&ag->group, false), *n6 = nominee(&ag->group, true);
	struct wanted w = { .group_list = group_list, .nominee4 = n4 ? n4->ifindex : 0,
			    .nominee6 = n6 ? n6->ifindex : 0, .allmulti4 = !a->mcast_live4,
			    .allmulti6 = !a->mcast_live6 };
	unsigned nmember;

	w.n = dev_mcast_read(ag->group.ifindex, group_list, MCAST_MAX);
	undo_mcast_prune(&a->undo, &a->nl, ag->group.name, keep_wanted, &w);
	nmember = dev_mcast_read(0, member_list, MCAST_MAX);
	for (int v6 = 0; v6 <= 1; v6++) {
		const struct ipmp_member *m = v6 ? n6 : n4;

		if (!m)
			continue;
		if (v6 ? w.allmulti6 : w.allmulti4) {
			allmulti_set(a, ag, m);
			continue;
		}
		for (unsigned i = 0; i < w.n; i++) {
			/* IPv6 groups to the IPv6 nominee; IPv4 (and any other) to the IPv4 one */
			if (mac_is_ipv6_multicast(group_list[i].mac) == (bool)v6)
				list_add(a, ag, m, group_list[i].mac, member_list, nmember);
		}
	}
}

/* --- reports through a new nominee ----------------------------------------------------- */

#define REPORT_MAX	1400	/* bytes of group records per report: fits any link */

/* The group's IPv4 memberships from /proc/net/igmp (all-hosts is never reported). */
static unsigned igmp_groups(int ifindex, uint32_t *out, unsigned max)
{
	FILE *f = fopen("/proc/net/igmp", "re");
	char line[256];
	unsigned n = 0;
	int current = -1;

	if (!f)
		return 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		unsigned group;
		int idx;

		if (line[0] != '\t') {
			current = sscanf(line, "%d", &idx) == 1 ? idx : -1;
			continue;
		}
		/* the group as the kernel holds it (network order), printed as a number */
		if (current == ifindex && sscanf(line, " %x", &group) == 1 &&
		    group != htonl(0xe0000001))
			out[n++] = group;
	}
	fclose(f);
	return n;
}

/* The group's IPv6 memberships from /proc/net/igmp6 (all-nodes and node-local are never reported). */
static unsigned mld_groups(int ifindex, uint8_t (*out)[16], unsigned max)
{
	FILE *f = fopen("/proc/net/igmp6", "re");
	char line[256], hex[33];
	unsigned n = 0;

	if (!f)
		return 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		int idx;

		if (sscanf(line, "%d %*s %32s", &idx, hex) != 2 || idx != ifindex || strlen(hex) != 32)
			continue;
		for (int i = 0; i < 16; i++) {
			char byte[3] = { hex[2 * i], hex[2 * i + 1], 0 };

			out[n][i] = (uint8_t)strtoul(byte, NULL, 16);
		}
		if ((out[n][1] & 0x0f) < 2)
			continue;	/* interface-local scope */
		if (out[n][1] == 0x02 && !memcmp(out[n] + 2, "\0\0\0\0\0\0\0\0\0\0\0\0\0", 13) &&
		    out[n][15] == 1)
			continue;	/* ff02::1 */
		n++;
	}
	fclose(f);
	return n;
}

/* Through the agent's one packet socket (agent.h, raw_fd): a socket a report cost ~10 ms each. */
static int packet_send(int fd, const struct ipmp_member *m, const uint8_t *frame, size_t len)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_ifindex = m->ifindex, .sll_halen = 6 };

	if (fd < 0)
		return -EBADF;
	memcpy(ll.sll_addr, frame, 6);
	return sendto(fd, frame, len, 0, (struct sockaddr *)&ll, sizeof(ll)) < 0 ? -errno : 0;
}

/*
 * IGMPv3 current-state reports (RFC 3376 4.2: every group MODE_IS_EXCLUDE
 * with no source, as to a general query) to 224.0.0.22, TTL 1, with the
 * Router Alert option, from the group's first IPv4 data address.
 */
static unsigned report4(int fd, const struct ipmp_group *g, const struct ipmp_member *m)
{
	static uint32_t groups[MCAST_MAX];
	unsigned n = igmp_groups(g->ifindex, groups, MCAST_MAX), sent = 0;
	uint32_t src = 0;

	for (unsigned i = 0; i < g->naddrs; i++)
		if (g->addrs[i].prefix.family == AF_INET) {
			memcpy(&src, g->addrs[i].prefix.addr, 4);
			break;
		}
	for (unsigned first = 0; first < n; first += REPORT_MAX / 8) {
		unsigned count = n - first < REPORT_MAX / 8 ? n - first : REPORT_MAX / 8;
		uint8_t f[14 + 24 + 8 + REPORT_MAX] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x16 };
		uint8_t *ip = f + 14, *igmp = ip + 24;
		size_t igmp_len = 8 + 8 * count;
		uint16_t c;

		memcpy(f + 6, m->mac, 6);
		f[12] = 0x08, f[13] = 0x00;
		ip[0] = 0x46;				/* 24-byte header: Router Alert */
		ip[1] = 0xc0;				/* internetwork control */
		ip[2] = (uint8_t)((24 + igmp_len) >> 8), ip[3] = (uint8_t)(24 + igmp_len);
		ip[8] = 1, ip[9] = 2;			/* TTL 1, IGMP */
		memcpy(ip + 12, &src, 4);
		ip[16] = 224, ip[19] = 22;
		ip[20] = 0x94, ip[21] = 0x04;		/* Router Alert, value 0 */
		c = inet_csum(ip, 24);
		memcpy(ip + 10, &c, 2);
		igmp[0] = 0x22;				/* v3 membership report */
		igmp[6] = (uint8_t)(count >> 8), igmp[7] = (uint8_t)count;
		for (unsigned i = 0; i < count; i++) {
			igmp[8 + 8 * i] = 2;		/* MODE_IS_EXCLUDE, no sources */
			memcpy(igmp + 8 + 8 * i + 4, &groups[first + i], 4);
		}
		c = inet_csum(igmp, igmp_len);
		memcpy(igmp + 2, &c, 2);
		sent += !packet_send(fd, m, f, 14 + 24 + igmp_len);
	}
	return sent;
}

/*
 * MLDv2 current-state reports (RFC 3810 5.2) to ff02::16, hop limit 1,
 * behind a hop-by-hop Router Alert, from the group's link-local address
 * (or :: while it has none, RFC 3590).
 */
static unsigned report6(int fd, const struct ipmp_group *g, const struct ipmp_member *m)
{
	static uint8_t groups[MCAST_MAX][16];
	static const uint8_t all_mldv2[16] = { 0xff, 0x02, [15] = 0x16 };
	unsigned n = mld_groups(g->ifindex, groups, MCAST_MAX), sent = 0;
	uint8_t src[16] = { 0 };

	for (unsigned i = 0; i < g->naddrs; i++)
		if (g->addrs[i].prefix.family == AF_INET6 && ip_is_link_local6(&g->addrs[i].prefix)) {
			memcpy(src, g->addrs[i].prefix.addr, 16);
			break;
		}
	for (unsigned first = 0; first < n; first += REPORT_MAX / 20) {
		unsigned count = n - first < REPORT_MAX / 20 ? n - first : REPORT_MAX / 20;
		uint8_t f[14 + 40 + 8 + 8 + REPORT_MAX] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x16 };
		uint8_t pseudo[40 + 8 + REPORT_MAX];
		uint8_t *ip6 = f + 14, *hbh = ip6 + 40, *icmp = hbh + 8;
		size_t icmp_len = 8 + 20 * count;
		uint16_t c;

		memcpy(f + 6, m->mac, 6);
		f[12] = 0x86, f[13] = 0xdd;
		ip6[0] = 0x60;
		ip6[4] = (uint8_t)((8 + icmp_len) >> 8), ip6[5] = (uint8_t)(8 + icmp_len);
		ip6[6] = 0, ip6[7] = 1;			/* hop-by-hop header next; hop limit 1 */
		memcpy(ip6 + 8, src, 16);
		memcpy(ip6 + 24, all_mldv2, 16);
		hbh[0] = 58;				/* then ICMPv6 */
		hbh[2] = 5, hbh[3] = 2;			/* Router Alert: MLD (0) */
		hbh[6] = 1, hbh[7] = 0;			/* PadN */
		icmp[0] = 143;				/* v2 listener report */
		icmp[6] = (uint8_t)(count >> 8), icmp[7] = (uint8_t)count;
		for (unsigned i = 0; i < count; i++) {
			icmp[8 + 20 * i] = 2;		/* MODE_IS_EXCLUDE, no sources */
			memcpy(icmp + 8 + 20 * i + 4, groups[first + i], 16);
		}
		/* the checksum covers a pseudo-header: source, destination, length, next header */
		memset(pseudo, 0, sizeof(pseudo));
		memcpy(pseudo, src, 16);
		memcpy(pseudo + 16, all_mldv2, 16);
		pseudo[34] = (uint8_t)(icmp_len >> 8), pseudo[35] = (uint8_t)icmp_len;
		pseudo[39] = 58;
		memcpy(pseudo + 40, icmp, icmp_len);
		c = inet_csum(pseudo, 40 + icmp_len);
		memcpy(icmp + 2, &c, 2);
		sent += !packet_send(fd, m, f, 14 + 40 + 8 + icmp_len);
	}
	return sent;
}

/* --- following the group ------------------------------------------------------------- */

static void reports_send(struct agent *a, struct agent_group *ag)
{
	const struct ipmp_member *n4 = nominee(&ag->group, false), *n6 = nominee(&ag->group, true);
	struct mcast_state *ms = &ag->mcast;

	if (n4 && n4->ifindex != ms->nominee4 && group_has_family(&ag->group, AF_INET))
		pr_debug("group %s: %u IGMP report(s) through %s, the new IPv4 nominee",
			 ag->group.name, report4(a->raw_fd, &ag->group, n4), n4->ifname);
	if (n6 && n6->ifindex != ms->nominee6 && group_has_family(&ag->group, AF_INET6))
		pr_debug("group %s: %u MLD report(s) through %s, the new IPv6 nominee",
			 ag->group.name, report6(a->raw_fd, &ag->group, n6), n6->ifname);
	ms->nominee4 = n4 ? n4->ifindex : 0;
	ms->nominee6 = n6 ? n6->ifindex : 0;
}

static void changed_cb(evutil_socket_t fd, short what, void *arg)
{
	struct agent *a = arg;

	for (unsigned i = 0; i < a->ngroups; i++)
		lists_sync(a, a->groups[i]);
}

void mcast_sync(struct agent *a, struct agent_group *ag)
{
	if (!ag->group.ifindex)
		return;
	lists_sync(a, ag);	/* the new nominee takes the groups with the data plane */
	reports_send(a, ag);
}

static void sync_cb(evutil_socket_t fd, short what, void *arg)
{
	struct agent *a = arg;

	for (unsigned i = 0; i < a->ngroups; i++) {
		struct agent_group *ag = a->groups[i];

		if (!ag->mcast.sync_due)
			continue;
		ag->mcast.sync_due = false;
		mcast_sync(a, ag);
	}
}

void mcast_sync_soon(struct agent *a, struct agent_group *ag)
{
	if (!a->mcast_sync_ev) {	/* no event loop (tests): now */
		mcast_sync(a, ag);
		return;
	}
	ag->mcast.sync_due = true;
	if (!event_pending(a->mcast_sync_ev, EV_TIMEOUT, NULL))
		event_active(a->mcast_sync_ev, EV_TIMEOUT, 0);
}

void mcast_changed(struct agent *a)
{
	if (a->mcast_ev && !event_pending(a->mcast_ev, EV_TIMEOUT, NULL))
		event_active(a->mcast_ev, EV_TIMEOUT, 0);
}

void mcast_open(struct agent *a)
{
	a->mcast_live4 = !nl_join_group(&a->events, RTNLGRP_IPV4_MCADDR);
	a->mcast_live6 = !nl_join_group(&a->events, RTNLGRP_IPV6_MCADDR);
	if (!a->mcast_live4 || !a->mcast_live6)
		pr_info("this kernel does not say when an interface joins an %s multicast group: the "
			"group's nominee for it is set allmulti instead of given the group's list",
			!a->mcast_live4 && !a->mcast_live6 ? "IPv4 or IPv6" :
			!a->mcast_live4 ? "IPv4" : "IPv6");
	a->mcast_ev = evtimer_new(a->base, changed_cb, a);
	a->mcast_sync_ev = evtimer_new(a->base, sync_cb, a);
	if (a->mcast_sync_ev)
		event_priority_set(a->mcast_sync_ev, AGENT_PRIO_OTHER);
}

void mcast_close(struct agent *a)
{
	if (a->mcast_ev)
		event_free(a->mcast_ev);
	a->mcast_ev = NULL;
	if (a->mcast_sync_ev)
		event_free(a->mcast_sync_ev);
	a->mcast_sync_ev = NULL;
}
