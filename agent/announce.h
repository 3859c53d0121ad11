/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Announcing where a data address now lives: gratuitous ARP (request form,
 * sender = target = the address) or an unsolicited NA from its bound
 * member's MAC, the first at once and the rest every interval, so peers
 * and switches move at once. Paced (agent/announce_queue.h): a failover of
 * thousands of addresses sends ANNOUNCE_BURST frames at once, then
 * ANNOUNCE_RATE a millisecond. A new announcement of the same address
 * replaces a pending one.
 */
#ifndef IPMP_ANNOUNCE_H
#define IPMP_ANNOUNCE_H

#include <event2/event.h>
#include <stdint.h>

#include "ipaddr.h"

struct announcer;

struct announcer *announcer_new(struct event_base *base, unsigned count, unsigned interval_ms);
void announcer_free(struct announcer *an);
/* From the next announcement on (reload). */
void announcer_configure(struct announcer *an, unsigned count, unsigned interval_ms);
/* vlan: the address is on a VLAN of the group interface: the frames carry its tag (0: none). */
int announcer_start(struct announcer *an, int ifindex, const uint8_t mac[6], uint16_t vlan,
		    const struct ip_prefix *addr);
/* Send what is due now, not at the loop's next turn: a decision's first announcements, by
 * the handler that made it once it has committed. The rest keep their pace. */
void announcer_pump(struct announcer *an);

#endif
