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
	pr_info("group %s: %s is no longer configured; removing it from %s", ag->group.name,
		ip_prefix_str(&p, true, buf, sizeof(buf)), ag->group.ifname);
	nl_addr_del(&a->nl, ag->group.ifindex, &p);
}

/* The test address pm had, if the netdev is still the one it was put on. */
static void old_test_address_remove(struct agent *a, const struct dataplane_prior_member *pm,
				    const struct nl_link *l)
{
	if (pm->has_test_address && l->ifindex == pm->ifindex)
		nl_addr_del(&a->nl, l->ifindex, &pm->test_address);
}

/*
 * Members the previous agent had and the config no longer has: what it
 * left on their netdevs (our filter, the XDP link, the test address) is
 * taken off, as remove-interface would have.
 */
static void departed_release(struct agent *a, struct agent_group *ag,
			     const struct dataplane_prior_member *pm)
{
	struct nl_link l;

	pr_info("group %s: %s is no longer a member; releasing it", ag->group.name, pm->ifname);
	dataplane_unpin_xdp(&ag->dp, pm->ifname);
	if (nl_link_get(&a->nl, pm->ifname, &l) || l.ifindex != pm->ifindex)
		return;	/* gone, or another netdev by now */
	dataplane_detach_ifindex(l.ifindex, false);
	old_test_address_remove(a, pm, &l);
}

/* A member that stays but whose configured test address changed while no agent ran. */
static void test_address_follow(struct agent *a, struct ipmp_member *m,
				const struct dataplane_prior_member *pm)
{
	char buf[IP_PREFIX_STRLEN];
	struct nl_link l;

	if (!pm->has_test_address || !m->ifindex ||
	    (m->cfg.has_test_address && ip_prefix_same_addr(&m->cfg.test_address, &pm->test_address) &&
	     m->cfg.test_address.plen == pm->test_address.plen))
		return;
	if (nl_link_get(&a->nl, m->ifname, &l))
		return;
	pr_info("%s: test address %s is no longer configured; removing it", m->ifname,
		ip_prefix_str(&pm->test_address, true, buf, sizeof(buf)));
	old_test_address_remove(a, pm, &l);
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
		struct ipmp_member *m;

		if (!pm->ifname[0])
			continue;
		m = group_member_by_name(g, pm->ifname);
		if (!m)
			departed_release(a, ag, pm);
		else
			test_address_follow(a, m, pm);
	}
}
