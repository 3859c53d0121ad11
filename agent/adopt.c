// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Restart adoption (agent/adopt.h). */
#include <stdio.h>
#include <string.h>

#include "adopt.h"
#include "agent.h"
#include "log.h"
#include "probe_io.h"

static const struct dataplane_prior_member *prior_find(const struct dataplane_prior *prior,
						       const char *ifname)
{
	for (unsigned i = 0; i < IPMP_MAX_MEMBERS; i++)
		if (prior->members[i].ifname[0] && !strcmp(prior->members[i].ifname, ifname))
			return &prior->members[i];
	return NULL;
}

/*
 * Each member resumes from its recorded state. A failed member keeps its
 * failure only where probing will run again to repair it; without probes
 * its link decides, as at any start. A slot whose counters were another
 * member's starts them over. Each address keeps the member it was bound
 * to, unannounced, while that member is still a member.
 */
void adopt_group(struct agent *a, struct agent_group *ag, struct dataplane_prior *prior)
{
	struct ipmp_group *g = &ag->group;

	if (dataplane_prior_read(&ag->dp, prior))
		return;
	group_adopt_state(g, prior->group_state);
	group_for_each_member(g, m) {
		const struct dataplane_prior_member *pm = prior_find(prior, m->ifname);
		unsigned flags;

		if (strcmp(prior->members[m->slot].ifname, m->ifname))
			dataplane_stats_reset(&ag->dp, m->slot);
		if (!pm || !pm->known)
			continue;
		flags = pm->flags;
		if (!probe_io_member_will_probe(a, ag, m))
			flags &= ~MEMBER_F_FAILED;
		group_adopt_member(m, pm->state, flags);
	}
	for (unsigned i = 0; i < g->naddrs; i++) {
		const struct addrmap_entry *e = addrmap_lookup(&prior->bindings, &g->addrs[i].prefix);
		struct ipmp_member *m = e ? group_member_by_ifindex(g, e->value) : NULL;

		if (m)
			group_adopt_binding(g, i, m);
	}
	pr_info("group %s: resuming from the state the previous agent left in %s", g->name,
		ag->dp.pin_dir);
}

/* An address the previous agent had on the group interface and the config no longer has. */
static void stale_addr_remove(struct agent *a, struct agent_group *ag, const struct ip_prefix *addr)
{
	char buf[IP_PREFIX_STRLEN];
	struct ip_prefix p;

	/* the kernel's link-local is the kernel's, even if not followed yet (DAD) */
	if (ip_is_link_local6(addr))
		return;
	if (nl_addr_find(&a->nl, ag->group.ifindex, addr, &p))
		return;
	/* only what the agent put there: another tool's stays, and is followed */
	if (!undo_has_addr(&a->undo, ag->group.ifindex, &p))
		return;
	pr_info("group %s: %s is no longer configured; removing it from %s", ag->group.name,
		ip_prefix_str(&p, true, buf, sizeof(buf)), ag->group.ifname);
	undo_addr_release(&a->undo, &a->nl, ag->group.ifindex, &p);
}

/* Is ifname a member of another group in the config now? */
static bool member_elsewhere(const struct agent *a, const struct agent_group *ag, const char *ifname)
{
	for (unsigned i = 0; i < a->cfg.ngroups; i++) {
		const struct config_group *cg = &a->cfg.groups[i];

		if (cg == ag->cfg)
			continue;
		for (unsigned j = 0; j < cg->nmembers; j++)
			if (!strcmp(cg->members[j].ifname, ifname))
				return true;
	}
	return false;
}

/*
 * Members the previous agent had and the config no longer has: its XDP
 * link on them goes, and what it changed on them is undone, as
 * remove-interface would have; unless the member moved to another group,
 * which takes the netdev as it is: the XDP link (dataplane.c hands it the
 * pinned link, whichever group is set up first) and what was recorded on
 * it (agent/undo.h, undo_claim()).
 */
static void departed_release(struct agent *a, struct agent_group *ag,
			     const struct dataplane_prior_member *pm)
{
	struct nl_link l;

	if (member_elsewhere(a, ag, pm->ifname)) {
		pr_info("group %s: %s is now a member of another group", ag->group.name, pm->ifname);
		return;
	}
	dataplane_unpin_xdp(&ag->dp, pm->ifname);
	pr_info("group %s: %s is no longer a member; releasing it", ag->group.name, pm->ifname);
	if (nl_link_get(&a->nl, pm->ifname, &l) || l.ifindex != pm->ifindex)
		return;	/* gone, or another netdev by now */
	dataplane_detach_ifindex(l.ifindex, false);
	undo_netdev(&a->undo, &a->nl, l.ifindex);
}

void adopt_finish(struct agent *a, struct agent_group *ag, const struct dataplane_prior *prior)
{
	struct ipmp_group *g = &ag->group;

	if (!prior->found)
		return;
	dataplane_prune_members(&ag->dp, g);
	addrmap_for_each(&prior->bindings, e) {
		struct ip_prefix p;

		addrmap_key(e, &p);
		if (group_addr_find(g, &p) < 0)
			stale_addr_remove(a, ag, &p);
	}
	for (unsigned i = 0; i < IPMP_MAX_MEMBERS; i++) {
		const struct dataplane_prior_member *pm = &prior->members[i];

		/* a member that stays had its old test address removed when it was taken */
		if (pm->ifname[0] && !group_member_by_name(g, pm->ifname))
			departed_release(a, ag, pm);
	}
}
