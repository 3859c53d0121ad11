// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Address binding (spec 3.14, last bullet): each data address is bound to
 * the active member with the fewest addresses of its family (IPv4 and
 * IPv6 are balanced apart, as illumos' two IP interfaces of a group are);
 * when a member becomes active, addresses move to it from the most loaded
 * member until no two active members differ by more than one; when a
 * member stops being active, its addresses go to the least loaded ones. With no active
 * member the addresses stay unbound. Every change sets addr->moved, which
 * the group's commit turns into an announcement.
 *
 * Called once per commit, after every state change of the decision, so
 * binding is minimal: a member that stops carrying data gives up only its
 * own addresses, to the least loaded active members (an activated standby
 * included, which takes them all when it is the least loaded); a member
 * that starts carrying data takes only what balance needs; two members that
 * carry data on both sides of the commit never trade an address unless
 * they were out of balance before it.
 */
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#include "group.h"

/* Addresses of one family bound to m: each family is balanced on its own, as in illumos. */
static unsigned load(const struct ipmp_member *m, int family)
{
	return family == AF_INET6 ? m->nbound6 : m->nbound - m->nbound6;
}

static struct ipmp_member *least_loaded(struct ipmp_group *g, int family)
{
	struct ipmp_member *best = NULL;

	group_for_each_member(g, m)
		if (member_active(m) && (!best || load(m, family) < load(best, family)))
			best = m;
	return best;
}

static struct ipmp_member *most_loaded(struct ipmp_group *g, int family)
{
	struct ipmp_member *best = NULL;

	group_for_each_member(g, m)
		if (member_active(m) && (!best || load(m, family) > load(best, family)))
			best = m;
	return best;
}

/* The member it leaves, for monitors: a failover when that one no longer carries data. */
static void addr_unbind(struct ipmp_addr *a, bool failed)
{
	struct ipmp_member *m = a->bound;

	if (!m)
		return;
	if (!a->left[0]) {
		snprintf(a->left, sizeof(a->left), "%s", m->ifname);
		a->left_failed = failed;
	}
	m->nbound--;
	m->nbound6 -= a->prefix.family == AF_INET6;
	a->bound = NULL;
}

static void addr_bind(struct ipmp_addr *a, struct ipmp_member *m)
{
	if (a->bound == m)
		return;
	addr_unbind(a, a->bound && !member_active(a->bound) &&
			       !(a->bound->flags & MEMBER_F_INACTIVE));
	a->bound = m;
	if (m) {
		m->nbound++;
		m->nbound6 += a->prefix.family == AF_INET6;
		a->moved = true;
	}
}

/* The last address of the family bound to m: moving the newest keeps old bindings still. */
static struct ipmp_addr *last_bound_to(struct ipmp_group *g, struct ipmp_member *m, int family)
{
	for (unsigned i = g->naddrs; i-- > 0;)
		if (g->addrs[i].bound == m && g->addrs[i].prefix.family == family)
			return &g->addrs[i];
	return NULL;
}

static unsigned rebalance_family(struct ipmp_group *g, int family)
{
	struct ipmp_member *most, *least;
	unsigned moved = 0;

	for (unsigned i = 0; i < g->naddrs; i++) {
		if (g->addrs[i].bound || g->addrs[i].prefix.family != family)
			continue;
		least = least_loaded(g, family);
		if (!least)
			return moved;
		addr_bind(&g->addrs[i], least);
		moved++;
	}
	for (;;) {
		most = most_loaded(g, family);
		least = least_loaded(g, family);
		if (!most || load(most, family) <= load(least, family) + 1)
			return moved;
		addr_bind(last_bound_to(g, most, family), least);
		moved++;
	}
}

unsigned binding_rebalance(struct ipmp_group *g)
{
	for (unsigned i = 0; i < g->naddrs; i++)
		if (g->addrs[i].bound && !member_active(g->addrs[i].bound))
			addr_bind(&g->addrs[i], NULL);
	return rebalance_family(g, AF_INET) + rebalance_family(g, AF_INET6);
}

/* Keep a nominee while it is active; else the first active member (spec 1.3.3). */
static void nominate(struct ipmp_group *g, struct ipmp_member **nominee)
{
	if (*nominee && member_active(*nominee))
		return;
	*nominee = NULL;
	group_for_each_member(g, m)
		if (member_active(m)) {
			*nominee = m;
			return;
		}
}

/* IPv4 broadcast/multicast and IPv6 multicast are nominated apart, by the same rule. */
void binding_nominate(struct ipmp_group *g)
{
	nominate(g, &g->nominated);
	nominate(g, &g->nominated6);
}

/* Restart adoption: the address keeps the member it had, unannounced. */
void binding_adopt(struct ipmp_addr *a, struct ipmp_member *m)
{
	addr_bind(a, m);
	binding_announced(a);
}

void binding_release(struct ipmp_group *g, struct ipmp_member *m)
{
	for (unsigned i = 0; i < g->naddrs; i++)
		if (g->addrs[i].bound == m)
			addr_unbind(&g->addrs[i], true);
}

void binding_announced(struct ipmp_addr *a)
{
	a->moved = false;
	a->left[0] = '\0';
	a->left_failed = false;
}
