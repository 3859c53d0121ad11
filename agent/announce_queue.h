/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The announcements waiting to go, paced (agent/announce.h has the frames
 * and the timer). A failover of thousands of addresses must not hit the
 * switch with thousands of broadcasts in one burst, nor hold back the
 * first ones: a token bucket lets ANNOUNCE_BURST frames out at once and
 * then ANNOUNCE_RATE a millisecond. A first announcement goes before any
 * repeat; repeats follow every interval. No clock and no socket here:
 * the caller passes the time and sends what announce_queue_next() hands
 * out, so the pacing is unit-tested on its own.
 */
#ifndef IPMP_ANNOUNCE_QUEUE_H
#define IPMP_ANNOUNCE_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "ipaddr.h"

#define ANNOUNCE_BURST	256	/* frames that may leave at once */
#define ANNOUNCE_RATE	20	/* frames a millisecond after that (20,000/s) */
#define ANNOUNCE_HASH	1024	/* buckets of the address index */

struct announcement {
	struct announcement *prev, *next;	/* in the first or the repeat queue */
	struct announcement *hnext;		/* in the address index */
	bool repeat;				/* in which queue */
	struct ip_prefix addr;
	int ifindex;
	uint8_t mac[6];
	uint16_t vlan;		/* 802.1Q tag, 0: none */
	unsigned left;		/* frames still to send */
	uint64_t due_us;	/* a repeat: when */
};

struct announce_queue {
	unsigned count;			/* frames per announcement */
	uint64_t interval_us;		/* between them */
	struct announcement *first_head, *first_tail;	/* first frames, in order */
	struct announcement *rep_head, *rep_tail;	/* repeats, by due time */
	struct announcement *index[ANNOUNCE_HASH];
	uint64_t tokens_milli;		/* tokens x 1000 */
	uint64_t refilled_us;
	unsigned pending;
};

void announce_queue_init(struct announce_queue *q, unsigned count, unsigned interval_ms,
			 uint64_t now_us);
void announce_queue_free(struct announce_queue *q);
/* From the next announcement on (reload). */
void announce_queue_configure(struct announce_queue *q, unsigned count, unsigned interval_ms);
/*
 * Announce addr from (ifindex, mac, vlan): a first frame as soon as the
 * bucket allows, then count - 1 repeats. One already waiting is replaced
 * (a newer binding wins) and starts over. 0, or -ENOMEM.
 */
int announce_queue_add(struct announce_queue *q, int ifindex, const uint8_t mac[6], uint16_t vlan,
		       const struct ip_prefix *addr);
/*
 * The next frame to send now, or NULL: nothing due, or no token (then
 * *wake_us says when to ask again; 0: nothing pending). The caller sends
 * it and calls announce_queue_sent(). With no token, the wake is a
 * millisecond on, when ANNOUNCE_RATE are back.
 */
struct announcement *announce_queue_next(struct announce_queue *q, uint64_t now_us,
					 uint64_t *wake_us);
/* After a frame of a went: queued for its next repeat, or freed. */
void announce_queue_sent(struct announce_queue *q, struct announcement *a, uint64_t now_us);

#endif
