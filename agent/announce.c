// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Gratuitous ARP announcements with repeats (agent/announce.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "announce.h"
#include "log.h"

struct announcement {
	struct announcement *next;
	struct announcer *an;
	struct event *timer;
	int ifindex;
	uint8_t mac[6];
	struct ip_prefix addr;
	unsigned left;		/* frames still to send */
};

struct announcer {
	struct event_base *base;
	int fd;
	unsigned count;
	struct timeval interval;
	struct announcement *pending;
	uint64_t sent;
};

struct arp_garp {
	uint16_t hrd, pro;
	uint8_t hln, pln;
	uint16_t op;
	uint8_t sha[6], spa[4], tha[6], tpa[4];
} __attribute__((packed));

struct announcer *announcer_new(struct event_base *base, unsigned count, unsigned interval_ms)
{
	struct announcer *an = calloc(1, sizeof(*an));

	if (!an)
		return NULL;
	an->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ARP));
	if (an->fd < 0) {
		pr_err("cannot open a packet socket for gratuitous ARP: %s", strerror(errno));
		free(an);
		return NULL;
	}
	/* we only send: a receive queue would only fill up */
	shutdown(an->fd, SHUT_RD);
	an->base = base;
	an->count = count;
	an->interval.tv_sec = interval_ms / 1000;
	an->interval.tv_usec = (interval_ms % 1000) * 1000;
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

uint64_t announcer_sent(const struct announcer *an)
{
	return an->sent;
}

static void announcement_send(struct announcement *a)
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ARP),
		.sll_ifindex = a->ifindex,
		.sll_halen = ETH_ALEN,
		.sll_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	struct arp_garp arp = {
		.hrd = htons(1), .pro = htons(ETH_P_IP), .hln = 6, .pln = 4, .op = htons(1),
	};
	char buf[IP_PREFIX_STRLEN];

	memcpy(arp.sha, a->mac, 6);
	memcpy(arp.spa, a->addr.addr, 4);
	memcpy(arp.tpa, a->addr.addr, 4);
	if (sendto(a->an->fd, &arp, sizeof(arp), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		pr_warn("gratuitous ARP for %s on ifindex %d: %s",
			ip_prefix_str(&a->addr, false, buf, sizeof(buf)), a->ifindex,
			strerror(errno));
	else
		a->an->sent++;
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

int announcer_start(struct announcer *an, int ifindex, const uint8_t mac[6],
		    const struct ip_prefix *addr)
{
	struct announcement *a;

	if (addr->family != AF_INET)
		return -EAFNOSUPPORT;
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
	memcpy(a->mac, mac, 6);
	a->left = an->count;
	announcement_send(a);
	if (a->left)
		evtimer_add(a->timer, &an->interval);
	else
		announcement_unlink(a);
	return 0;
}
