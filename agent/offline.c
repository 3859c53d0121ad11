// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Offline, undo-offline and duplicate hardware addresses (spec 3.16):
 * part of the model (agent/group.h), no I/O. An administrative offline
 * needs another usable member (minimum redundancy 1); an offline for a
 * duplicate MAC (flag h) needs none, and is undone when the MAC becomes
 * unique, or when the member it shadowed changes MAC, goes offline, leaves
 * or loses its netdev.
 */
#include <string.h>

#include "group.h"
#include "group_int.h"
#include "ipmp_errors.h"
#include "log.h"

/*
 * The member it duplicates (spec 3.16): another online member with a
 * netdev and the same MAC. Offlined members never count (duplicates
 * are onlined one at a time, see offline_release_shadowed()).
 */
static struct ipmp_member *hwaddr_twin(struct ipmp_group *g, const struct ipmp_member *m,
				       const uint8_t mac[IPMP_ETH_ALEN])
{
	group_for_each_member(g, o)
		if (o != m && o->ifindex && o->state != MEMBER_OFFLINE &&
		    !memcmp(o->mac, mac, IPMP_ETH_ALEN))
			return o;
	return NULL;
}

/* Offline with flag h: always allowed (no minimum redundancy), addresses move first. */
static void member_hwaddr_offline(struct ipmp_member *m)
{
	struct ipmp_group *g = m->group;

	bool was_active = member_active(m);

	pr_err("IP interface %s has a hardware address which is not unique in group %s; offlining",
	       m->ifname, g->name);
	member_chstate(m, MEMBER_OFFLINE,
		       (m->flags | MEMBER_F_OFFLINE | MEMBER_F_HWADDRDUP) & ~MEMBER_F_INACTIVE);
	if (was_active)
		group_activate_another(g, m);
}

/* Back from an h offline: failed if it failed meanwhile, else running (spec 3.16 undo). */
static void member_hwaddr_online(struct ipmp_member *m)
{
	pr_err("IP interface %s now has a unique hardware address in group %s; onlining", m->ifname,
	       m->group->name);
	member_chstate(m, m->state, m->flags & ~MEMBER_F_HWADDRDUP);
	if (m->flags & MEMBER_F_FAILED || !m->link_up)
		member_chstate(m, MEMBER_FAILED, (m->flags | MEMBER_F_FAILED) & ~MEMBER_F_OFFLINE);
	else
		member_run(m, RUN_ONLINE);
}

/* The h-offlined member that m's MAC shadowed, if m no longer holds that MAC. */
void offline_release_shadowed(struct ipmp_member *m, const uint8_t mac[IPMP_ETH_ALEN])
{
	group_for_each_member(m->group, o) {
		if (o == m || !(o->flags & MEMBER_F_HWADDRDUP) || memcmp(o->mac, mac, IPMP_ETH_ALEN))
			continue;
		if (!hwaddr_twin(m->group, o, o->mac))
			member_hwaddr_online(o);
		return;
	}
}

/* spec 3.16: offline m if its MAC is an online member's; online it when no longer. */
void offline_hwaddr_check(struct ipmp_member *m, const uint8_t *old_mac)
{
	struct ipmp_group *g = m->group;

	if (!m->ifindex) {	/* its netdev is gone: a member it shadowed is free */
		if (!(m->flags & MEMBER_F_HWADDRDUP))
			offline_release_shadowed(m, m->mac);
		return;
	}
	if (m->flags & MEMBER_F_HWADDRDUP) {
		if (!hwaddr_twin(g, m, m->mac))
			member_hwaddr_online(m);
		return;
	}
	if (old_mac && memcmp(old_mac, m->mac, IPMP_ETH_ALEN))
		offline_release_shadowed(m, old_mac);
	if (m->state != MEMBER_OFFLINE && hwaddr_twin(g, m, m->mac))
		member_hwaddr_offline(m);
}

/* At start the member listed first keeps a shared MAC, as if it had been seen first. */
void offline_hwaddr_check_at_start(struct ipmp_member *m)
{
	struct ipmp_member *twin = hwaddr_twin(m->group, m, m->mac);

	if (!m->ifindex)
		return;
	if (m->flags & MEMBER_F_HWADDRDUP)
		offline_hwaddr_check(m, NULL);
	else if (m->state != MEMBER_OFFLINE && twin && twin < m)
		member_hwaddr_offline(m);
}

void group_member_hwaddr_changed(struct ipmp_member *m, const uint8_t old_mac[IPMP_ETH_ALEN])
{
	if (!m->group->started)
		return;
	group_begin(m->group);
	offline_hwaddr_check(m, old_mac);
	group_end(m->group);
}

/*
 * spec 3.16 offline: refused when no other member is usable (in a failed
 * group: when every other member is offline). The member's addresses and
 * flows move to a replacement before it stops carrying data; its link
 * stays up, so frames still in flight to it are still handed to the
 * group: a planned offline loses nothing.
 */
int member_offline(struct ipmp_member *m)
{
	struct ipmp_group *g = m->group;
	bool was_active = member_active(m);
	unsigned usable = 0;

	if (m->state == MEMBER_OFFLINE)
		return IPMP_SUCCESS;
	group_for_each_member(g, o) {
		if (o == m)
			continue;
		if (g->state == GROUP_FAILED ? o->state != MEMBER_OFFLINE : member_functioning(o))
			usable++;
	}
	if (usable < 1)
		return IPMP_EMINRED;
	group_begin(g);
	pr_info("%s: offline by request", m->ifname);
	member_chstate(m, MEMBER_OFFLINE, (m->flags | MEMBER_F_OFFLINE) & ~MEMBER_F_INACTIVE);
	offline_release_shadowed(m, m->mac);	/* a duplicate it shadowed comes back */
	if (was_active)
		group_activate_another(g, m);
	group_end(g);
	return IPMP_SUCCESS;
}

/* spec 3.16 undo-offline: failed if it failed while offline, else back to running. */
int member_undo_offline(struct ipmp_member *m)
{
	int ret = IPMP_SUCCESS;

	if (m->state != MEMBER_OFFLINE)
		return IPMP_FAILURE;	/* with EINVAL, as in.mpathd */
	group_begin(m->group);
	if (m->ifindex && hwaddr_twin(m->group, m, m->mac)) {
		member_chstate(m, m->state, m->flags | MEMBER_F_HWADDRDUP);
		ret = IPMP_EHWADDRDUP;
	} else if (m->flags & MEMBER_F_HWADDRDUP) {
		member_hwaddr_online(m);
	} else {
		pr_info("%s: online by request", m->ifname);
		if (m->flags & MEMBER_F_FAILED || !m->link_up)
			member_chstate(m, MEMBER_FAILED,
				       (m->flags | MEMBER_F_FAILED) & ~MEMBER_F_OFFLINE);
		else
			member_run(m, RUN_ONLINE);
	}
	group_end(m->group);
	return ret;
}

