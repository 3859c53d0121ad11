// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Gratuitous ARP announcements with repeats (agent/announce.h). */
#include <errno.h>
#include <linux/if_ether.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "announce.h"
#include "arp.h"
#include "ndp.h"
#include "log.h"

struct announcement {
	struct announcement *next;
	struct announcer *an;
	struct event *timer;
	int ifindex;
	uint8_t mac[6];
	struct ip_prefix addr;
	uint16_t vlan;		/* 802.1Q tag, 0: none */
	unsigned left;		/* frames still to send */
};

struct announcer {
	struct event_base *base;
	int fd;
	unsigned count;
	struct timeval interval;
	struct announcement *pending;
};

void announcer_configure(struct announcer *an, unsigned count, unsigned interval_ms)
{
	an->count = count;
	an->interval.tv_sec = interval_ms / 1000;
	an->interval.tv_usec = (interval_ms % 1000) * 1000;
}

struct announcer *announcer_new(struct event_base *base, unsigned count, unsigned interval_ms)
{
	struct announcer *an = calloc(1, sizeof(*an));

	if (!an)
		return NULL;
	an->fd = arp_socket_open();
	if (an->fd < 0) {
		pr_err("cannot open a packet socket for gratuitous ARP: %s", strerror(-an->fd));
		errno = -an->fd;
		free(an);
		return NULL;
	}
	an->base = base;
	announcer_configure(an, count, interval_ms);
	return an;
}

static void announcement_unlink(struct announcement *a)
{
	struct announcement **pp = &a->an->pending;

	while (*pp && *pp != a)
		pp = &(*pp)->next;
	if (*pp)
		*pp = a->next;
	event_free(a->timer);
	free(a);
}

void announcer_free(struct announcer *an)
{
	if (!an)
		return;
	while (an->pending)
		announcement_unlink(an->pending);
	close(an->fd);
	free(an);
}

/*
 * IPv4: gratuitous ARP, request form: sender = target = the address (RFC
 * 5227 announcement). IPv6: unsolicited neighbour advertisement to all
 * nodes with the override flag (RFC 4861 7.2.6).
 */
static void announcement_send(struct announcement *a)
{
	static const uint8_t zero_mac[6];
	uint8_t na[NDP_NA_LEN];
	struct arp_packet arp;
	char buf[IP_PREFIX_STRLEN];
	int ret;

	static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t all_nodes[6] = { 0x33, 0x33, 0, 0, 0, 1 };

	if (a->addr.family == AF_INET6) {
		ndp_build_unsolicited_na(na, a->mac, a->addr.addr);
		ret = packet_send_vlan(a->an->fd, a->ifindex, a->vlan, ETH_P_IPV6, all_nodes, na,
				       sizeof(na));
	} else {
		arp_build(&arp, ARP_OP_REQUEST, a->mac, a->addr.addr, zero_mac, a->addr.addr);
		ret = packet_send_vlan(a->an->fd, a->ifindex, a->vlan, ETH_P_ARP, broadcast, &arp,
				       sizeof(arp));
	}
	if (ret)
		pr_warn("%s for %s on ifindex %d: %s",
			a->addr.family == AF_INET6 ? "neighbour advertisement" : "gratuitous ARP",
			ip_prefix_str(&a->addr, false, buf, sizeof(buf)), a->ifindex,
			strerror(-ret));
	a->left--;
}

static void announcement_timer(evutil_socket_t fd, short what, void *arg)
{
	struct announcement *a = arg;

	announcement_send(a);
	if (a->left)
		evtimer_add(a->timer, &a->an->interval);
	else
		announcement_unlink(a);
}

int announcer_start(struct announcer *an, int ifindex, const uint8_t mac[6], uint16_t vlan,
		    const struct ip_prefix *addr)
{
	struct announcement *a;

	for (a = an->pending; a; a = a->next)
		if (ip_prefix_same_addr(&a->addr, addr))
			break;
	if (!a) {
		a = calloc(1, sizeof(*a));
		if (!a)
			return -ENOMEM;
		a->timer = evtimer_new(an->base, announcement_timer, a);
		if (!a->timer) {
			free(a);
			return -ENOMEM;
		}
		a->an = an;
		a->addr = *addr;
		a->next = an->pending;
		an->pending = a;
	}
	evtimer_del(a->timer);
	a->ifindex = ifindex;
	a->vlan = vlan;
	memcpy(a->mac, mac, 6);
	a->left = an->count;
	announcement_send(a);
	if (a->left)
		evtimer_add(a->timer, &an->interval);
	else
		announcement_unlink(a);
	return 0;
}
