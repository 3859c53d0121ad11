// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Learning frames for silent members (agent/learning.h). */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent.h"
#include "learning.h"
#include "log.h"

static int learning_frame(const struct ipmp_member *m)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_ifindex = m->ifindex,
				  .sll_halen = ETH_ALEN };
	uint8_t f[ETH_ZLEN] = { 0 };	/* padded to the minimum, as a NIC would */
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0)
		return -errno;
	memcpy(f, m->mac, ETH_ALEN);
	memcpy(f + ETH_ALEN, m->mac, ETH_ALEN);
	f[12] = ETH_P_LOOPBACK >> 8;
	f[13] = ETH_P_LOOPBACK & 0xff;
	memcpy(ll.sll_addr, m->mac, ETH_ALEN);
	if (sendto(fd, f, sizeof(f), 0, (struct sockaddr *)&ll, sizeof(ll)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static void tick(evutil_socket_t fd, short what, void *arg)
{
	struct agent *a = arg;

	for (unsigned i = 0; i < a->ngroups; i++) {
		struct agent_group *ag = a->groups[i];

		group_for_each_member(&ag->group, m) {
			uint64_t *last = &ag->learn_tx[m->slot];
			struct nl_link l;

			if (!m->ifindex || m->state == MEMBER_OFFLINE ||
			    nl_link_get(&a->nl, m->ifname, &l) || !nl_link_is_up(&l)) {
				*last = 0;
				continue;
			}
			if (*last && l.tx_packets == *last && learning_frame(m) == 0)
				l.tx_packets++;	/* our own frame: silence is still silence next time */
			*last = l.tx_packets ? l.tx_packets : 1;
		}
	}
}

int learning_start(struct agent *a)
{
	unsigned ms = a->cfg.learn_interval_ms;
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	learning_stop(a);
	if (!ms)
		return 0;
	a->learn_ev = event_new(a->base, -1, EV_PERSIST, tick, a);
	if (!a->learn_ev || event_add(a->learn_ev, &tv))
		return -ENOMEM;
	return 0;
}

void learning_stop(struct agent *a)
{
	if (a->learn_ev)
		event_free(a->learn_ev);
	a->learn_ev = NULL;
}
