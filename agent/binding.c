// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Address binding (spec 3.14, last bullet): each data address is bound to
 * the active member with the fewest addresses; when a member becomes
 * active, addresses move to it from the most loaded member until no two
 * active members differ by more than one; when a member stops being
 * active, its addresses go to the least loaded ones. With no active
 * member the addresses stay unbound. Every change sets addr->moved, which
 * group_commit() turns into an announcement.
 */
#include <stddef.h>

#include "group.h"

static struct ipmp_member *least_loaded(struct ipmp_group *g)
{
	struct ipmp_member *best = NULL;

	group_for_each_member(g, m) {
		if (member_active(m) && (!best || m->nbound < best->nbound))
			best = m;
	}
	return best;
}

static struct ipmp_member *most_loaded(struct ipmp_group *g)
{
	struct ipmp_member *best = NULL;

	group_for_each_member(g, m) {
		if (member_active(m) && (!best || m->nbound > best->nbound))
			best = m;
	}
	return best;
}

static void addr_bind(struct ipmp_addr *a, struct ipmp_member *m)
{
	if (a->bound == m)
		return;
	if (a->bound) {
		a->was_bound = a->bound;	/* the last member it had, for monitors */
		a->bound->nbound--;
	}
	a->bound = m;
	if (m) {
		m->nbound++;
		a->moved = true;
	}
}

/* The last address bound to m: moving the newest keeps old bindings still. */
static struct ipmp_addr *last_bound_to(struct ipmp_group *g, struct ipmp_member *m)
{
	for (unsigned i = g->naddrs; i-- > 0;)
		if (g->addrs[i].bound == m)
			return &g->addrs[i];
	return NULL;
}

unsigned binding_rebalance(struct ipmp_group *g)
{
	struct ipmp_member *most, *least;
	unsigned moved = 0;

	for (unsigned i = 0; i < g->naddrs; i++)
		if (g->addrs[i].bound && !member_active(g->addrs[i].bound))
			addr_bind(&g->addrs[i], NULL);
	for (unsigned i = 0; i < g->naddrs; i++) {
		if (g->addrs[i].bound)
			continue;
		least = least_loaded(g);
		if (!least)
			return moved;
		addr_bind(&g->addrs[i], least);
		moved++;
	}
	for (;;) {
		most = most_loaded(g);
		least = least_loaded(g);
		if (!most || most->nbound <= least->nbound + 1)
			return moved;
		addr_bind(last_bound_to(g, most), least);
		moved++;
	}
}

/* Keep the nominated member while it is active; else the first active one. */
void binding_nominate(struct ipmp_group *g)
{
	if (g->nominated && member_active(g->nominated))
		return;
	g->nominated = NULL;
	group_for_each_member(g, m)
		if (member_active(m)) {
			g->nominated = m;
			return;
		}
}
