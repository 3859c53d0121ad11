// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Gratuitous ARP announcements with repeats (agent/announce.h). */
#include <errno.h>
#include <linux/if_ether.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "announce.h"
#include "announce_queue.h"
#include "arp.h"
#include "ndp.h"
#include "log.h"

struct announcer {
	struct event_base *base;
	int fd;
	struct event *timer;
	struct announce_queue q;
};

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void announcer_configure(struct announcer *an, unsigned count, unsigned interval_ms)
{
	announce_queue_configure(&an->q, count, interval_ms);
}

static void pump_cb(evutil_socket_t fd, short what, void *arg);

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
	an->timer = evtimer_new(base, pump_cb, an);
	/* announcing is part of the failover: before metrics, clients, housekeeping */
	if (an->timer && event_priority_set(an->timer, 0)) {
		event_free(an->timer);
		an->timer = NULL;
	}
	if (!an->timer) {
		close(an->fd);
		free(an);
		errno = ENOMEM;
		return NULL;
	}
	an->base = base;
	announce_queue_init(&an->q, count, interval_ms, mono_us());
	return an;
}

void announcer_free(struct announcer *an)
{
	if (!an)
		return;
	announce_queue_free(&an->q);
	event_free(an->timer);
	close(an->fd);
	free(an);
}

/*
 * IPv4: gratuitous ARP, request form: sender = target = the address (RFC
 * 5227 announcement). IPv6: unsolicited neighbour advertisement to all
 * nodes with the override flag (RFC 4861 7.2.6).
 */
static void announcement_send(struct announcer *an, const struct announcement *a)
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
		ret = packet_send_vlan(an->fd, a->ifindex, a->vlan, ETH_P_IPV6, all_nodes, na,
				       sizeof(na));
	} else {
		arp_build(&arp, ARP_OP_REQUEST, a->mac, a->addr.addr, zero_mac, a->addr.addr);
		ret = packet_send_vlan(an->fd, a->ifindex, a->vlan, ETH_P_ARP, broadcast, &arp,
				       sizeof(arp));
	}
	if (ret)
		pr_warn("%s for %s on ifindex %d: %s",
			a->addr.family == AF_INET6 ? "neighbour advertisement" : "gratuitous ARP",
			ip_prefix_str(&a->addr, false, buf, sizeof(buf)), a->ifindex,
			strerror(-ret));
}

/* Send what is due and the bucket allows; the timer for the rest. */
static void pump(struct announcer *an)
{
	uint64_t now = mono_us(), wake;
	struct announcement *a;

	while ((a = announce_queue_next(&an->q, now, &wake))) {
		announcement_send(an, a);
		announce_queue_sent(&an->q, a, now);
	}
	evtimer_del(an->timer);
	if (wake) {
		uint64_t us = wake > now ? wake - now : 0;
		struct timeval tv = { .tv_sec = us / 1000000, .tv_usec = us % 1000000 };

		evtimer_add(an->timer, &tv);
	}
}

static void pump_cb(evutil_socket_t fd, short what, void *arg)
{
	pump(arg);
}

void announcer_pump(struct announcer *an)
{
	if (an)
		pump(an);
}

/*
 * Queued, and sent once the decision that moved the address has finished
 * (the maps pushed, every address rebound): the turn of the event loop
 * right after, at the first priority, so a failover of thousands of
 * addresses moves the traffic first and announces it next.
 */
int announcer_start(struct announcer *an, int ifindex, const uint8_t mac[6], uint16_t vlan,
		    const struct ip_prefix *addr)
{
	static const struct timeval now;
	int ret = announce_queue_add(&an->q, ifindex, mac, vlan, addr);

	if (!ret) {		/* the next turn, whatever the timer waited for */
		evtimer_del(an->timer);
		evtimer_add(an->timer, &now);
	}
	return ret;
}
