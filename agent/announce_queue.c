// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Paced announcements (agent/announce_queue.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "announce_queue.h"

static unsigned addr_bucket(const struct ip_prefix *p)
{
	uint32_t h = 2166136261u;	/* FNV-1a over the address */

	for (unsigned i = 0; i < ip_addr_len(p->family); i++)
		h = (h ^ p->addr[i]) * 16777619u;
	return h % ANNOUNCE_HASH;
}

static void unlink_queue(struct announce_queue *q, struct announcement *a)
{
	struct announcement **head = a->repeat ? &q->rep_head : &q->first_head;
	struct announcement **tail = a->repeat ? &q->rep_tail : &q->first_tail;

	if (a->prev)
		a->prev->next = a->next;
	else
		*head = a->next;
	if (a->next)
		a->next->prev = a->prev;
	else
		*tail = a->prev;
	a->prev = a->next = NULL;
}

/* Into the first or the repeat queue, after `after` (NULL: at its head). */
static void insert_after(struct announce_queue *q, struct announcement *a, bool repeat,
			 struct announcement *after)
{
	struct announcement **head = repeat ? &q->rep_head : &q->first_head;
	struct announcement **tail = repeat ? &q->rep_tail : &q->first_tail;

	a->repeat = repeat;
	a->prev = after;
	a->next = after ? after->next : *head;
	if (a->next)
		a->next->prev = a;
	else
		*tail = a;
	if (after)
		after->next = a;
	else
		*head = a;
}

static void forget(struct announce_queue *q, struct announcement *a)
{
	struct announcement **pp = &q->index[addr_bucket(&a->addr)];

	unlink_queue(q, a);
	while (*pp && *pp != a)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = a->hnext;
	q->pending--;
	free(a);
}

void announce_queue_configure(struct announce_queue *q, unsigned count, unsigned interval_ms)
{
	q->count = count;
	q->interval_us = (uint64_t)interval_ms * 1000;
}

void announce_queue_init(struct announce_queue *q, unsigned count, unsigned interval_ms,
			 uint64_t now_us)
{
	memset(q, 0, sizeof(*q));
	announce_queue_configure(q, count, interval_ms);
	q->tokens_milli = ANNOUNCE_BURST * 1000ull;
	q->refilled_us = now_us;
}

void announce_queue_free(struct announce_queue *q)
{
	while (q->first_head)
		forget(q, q->first_head);
	while (q->rep_head)
		forget(q, q->rep_head);
}

int announce_queue_add(struct announce_queue *q, int ifindex, const uint8_t mac[6], uint16_t vlan,
		       const struct ip_prefix *addr)
{
	unsigned b = addr_bucket(addr);
	struct announcement *a;

	if (!q->count)
		return 0;
	for (a = q->index[b]; a; a = a->hnext)
		if (ip_prefix_same_addr(&a->addr, addr))
			break;
	if (a) {
		unlink_queue(q, a);	/* starts over, first frame first */
	} else {
		a = calloc(1, sizeof(*a));
		if (!a)
			return -ENOMEM;
		a->addr = *addr;
		a->hnext = q->index[b];
		q->index[b] = a;
		q->pending++;
	}
	a->ifindex = ifindex;
	a->vlan = vlan;
	memcpy(a->mac, mac, 6);
	a->left = q->count;
	insert_after(q, a, false, q->first_tail);
	return 0;
}

static void refill(struct announce_queue *q, uint64_t now_us)
{
	uint64_t max = ANNOUNCE_BURST * 1000ull;

	if (now_us > q->refilled_us) {
		/* ANNOUNCE_RATE tokens a millisecond: RATE thousandths a microsecond */
		q->tokens_milli += (now_us - q->refilled_us) * ANNOUNCE_RATE;
		if (q->tokens_milli > max)
			q->tokens_milli = max;
	}
	q->refilled_us = now_us;
}

struct announcement *announce_queue_next(struct announce_queue *q, uint64_t now_us,
					 uint64_t *wake_us)
{
	struct announcement *a = q->first_head;

	*wake_us = 0;
	if (!a && q->rep_head && q->rep_head->due_us <= now_us)
		a = q->rep_head;
	if (!a) {
		if (q->rep_head)
			*wake_us = q->rep_head->due_us;
		return NULL;
	}
	refill(q, now_us);
	if (q->tokens_milli < 1000) {
		/*
		 * A millisecond on, when ANNOUNCE_RATE tokens are back: an event
		 * loop's timers are milliseconds (epoll), so one wake a token
		 * would send one frame a millisecond.
		 */
		*wake_us = now_us + 1000;
		return NULL;
	}
	q->tokens_milli -= 1000;
	return a;
}

void announce_queue_sent(struct announce_queue *q, struct announcement *a, uint64_t now_us)
{
	struct announcement *after;

	if (a->left)
		a->left--;
	if (!a->left) {
		forget(q, a);
		return;
	}
	unlink_queue(q, a);
	after = q->rep_tail;
	a->due_us = now_us + q->interval_us;
	/* in due order: at the tail, but a reload may have shortened the interval */
	while (after && after->due_us > a->due_us)
		after = after->prev;
	insert_after(q, a, true, after);
}
