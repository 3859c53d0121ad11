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

static int learning_frame(int fd, const struct ipmp_member *m)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_ifindex = m->ifindex,
				  .sll_halen = ETH_ALEN };
	uint8_t f[ETH_ZLEN] = { 0 };	/* padded to the minimum, as a NIC would */

	memcpy(f, m->mac, ETH_ALEN);
	memcpy(f + ETH_ALEN, m->mac, ETH_ALEN);
	f[12] = ETH_P_LOOPBACK >> 8;
	f[13] = ETH_P_LOOPBACK & 0xff;
	memcpy(ll.sll_addr, m->mac, ETH_ALEN);
	return sendto(fd, f, sizeof(f), 0, (struct sockaddr *)&ll, sizeof(ll)) < 0 ? -errno : 0;
}

/* One look at a link of the namespace: a member of ours with carrier, silent since the last? */
static void look(const struct nl_link *l, void *ctx)
{
	struct agent *a = ctx;

	for (unsigned i = 0; i < a->ngroups; i++) {
		struct agent_group *ag = a->groups[i];

		group_for_each_member(&ag->group, m) {
			uint64_t *last = &ag->learn_tx[m->slot], tx = l->tx_packets;

			if (m->ifindex != l->ifindex || strcmp(m->ifname, l->ifname))
				continue;
			ag->learn_seen[m->slot] = true;
			if (m->state == MEMBER_OFFLINE || !nl_link_is_up(l)) {
				*last = 0;
				continue;
			}
			if (*last && tx == *last && learning_frame(a->raw_fd, m) == 0)
				tx++;	/* our own frame: silence is still silence next time */
			*last = tx ? tx : 1;
		}
	}
}

static void look_dumped(const struct nl_link *l, void *ctx)
{
	struct agent *a = ctx;

	a->learn_links++;
	look(l, a);
}

/*
 * Every link from one dump: a request per member was 16 round trips a
 * second with 16 members. Where the namespace has many more links than
 * the groups have members (a container host), a request per member is
 * cheaper than the dump, and is what the next looks do. The frames leave
 * through the agent's one packet socket (agent.h, raw_fd).
 */
static void tick(evutil_socket_t fd, short what, void *arg)
{
	struct agent *a = arg;
	unsigned members = 0;
	int ret = 0;

	for (unsigned i = 0; i < a->ngroups; i++) {
		memset(a->groups[i]->learn_seen, 0, sizeof(a->groups[i]->learn_seen));
		members += a->groups[i]->group.nmembers;
	}
	if (a->learn_links > 4 * members + 8) {
		for (unsigned i = 0; i < a->ngroups; i++)
			group_for_each_member(&a->groups[i]->group, m) {
				struct nl_link l;

				if (m->ifindex && !nl_link_get(&a->nl, m->ifname, &l))
					look(&l, a);
			}
		/* a dump again, now and then */
		a->learn_links = a->learn_links > 1 ? a->learn_links - 1 : 0;
	} else {
		a->learn_links = 0;
		ret = nl_links_each(&a->nl, look_dumped, a);
	}
	if (ret)
		return;
	for (unsigned i = 0; i < a->ngroups; i++) {
		struct agent_group *ag = a->groups[i];

		group_for_each_member(&ag->group, m)
			if (!ag->learn_seen[m->slot])
				ag->learn_tx[m->slot] = 0;	/* gone: start over */
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
