// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Router targets from the routing table (agent/routes.h). */
#include <string.h>

#include "agent.h"
#include "log.h"
#include "routes.h"

#define ROUTE_GATEWAYS_MAX	64

/* A next hop through the group's interface or one of its members: on the group's link. */
static bool gateway_on_group(const struct ipmp_group *g, const struct nl_gateway *gw)
{
	if (gw->ifindex && gw->ifindex == g->ifindex)
		return true;
	group_for_each_member(g, m)
		if (gw->ifindex && gw->ifindex == m->ifindex)
			return true;
	return false;
}

static bool gateway_listed(const struct ipmp_group *g, const struct nl_gateway *gw, int n,
			   const struct ip_prefix *addr)
{
	for (int i = 0; i < n; i++)
		if (gateway_on_group(g, &gw[i]) && ip_prefix_same_addr(&gw[i].addr, addr))
			return true;
	return false;
}

/*
 * spec 3.12 routes mode: every next hop of a route through the group (its
 * interface or a member) on a member's test subnet is a router target, and
 * replaces the hosts discovery found. Routers gone from the table are
 * dropped, except while the group is failed (the failure may be why the
 * route went away); with the last one gone, discovery takes over again.
 */
static void instance_routes_apply(struct probe_instance *pi, const struct nl_gateway *gw, int n)
{
	struct ipmp_member *m = pi->member;
	char buf[IP_PREFIX_STRLEN];

	if (!pi->enabled || pi->mode == TARGETS_CONFIGURED)
		return;
	for (int i = 0; i < n; i++) {
		const struct ip_prefix *r = &gw[i].addr;

		if (r->family != pi->family || !gateway_on_group(m->group, &gw[i]) ||
		    (pi->mode == TARGETS_ROUTES && targets_find(pi, r)))
			continue;
		if (!targets_add(pi, r, TARGETS_ROUTES))
			pr_info("%s: probe target %s (router)", m->ifname,
				ip_prefix_str(r, false, buf, sizeof(buf)));
	}
	if (pi->mode != TARGETS_ROUTES || m->group->state == GROUP_FAILED)
		return;
	for (unsigned i = pi->ntargets; i-- > 0;)
		if (!gateway_listed(m->group, gw, n, &pi->targets[i].addr)) {
			pr_info("%s: probe target %s left the routing table", m->ifname,
				ip_prefix_str(&pi->targets[i].addr, false, buf, sizeof(buf)));
			targets_remove(pi, &pi->targets[i].addr);
		}
}

static void routes_rescan(struct agent *a)
{
	struct nl_gateway gw[ROUTE_GATEWAYS_MAX];
	int n = nl_route_gateways(&a->nl, AF_INET, gw, ROUTE_GATEWAYS_MAX), n6;

	if (n < 0 || (n6 = nl_route_gateways(&a->nl, AF_INET6, gw + n, ROUTE_GATEWAYS_MAX - n)) < 0) {
		pr_warn("cannot read the routing table: %s", strerror(n < 0 ? -n : -n6));
		return;
	}
	n += n6;
	for (unsigned i = 0; i < a->ngroups; i++) {
		struct ipmp_group *g = &a->groups[i]->group;

		group_begin(g);	/* targets may come or go: members' states follow (PI_NOTARGETS) */
		group_for_each_member(g, m) {
			instance_routes_apply(&m->probe, gw, n);
			instance_routes_apply(&m->probe6, gw, n);
		}
		group_end(g);
	}
}

static void rescan_cb(evutil_socket_t fd, short what, void *arg)
{
	routes_rescan(arg);
}

/*
 * One read of the routing table (two dumps, thousands of routes with
 * many IPv6 addresses) for however many members started or routes changed
 * in this turn of the event loop.
 */
void routes_rescan_soon(struct agent *a)
{
	agent_timer_arm(a, &a->rescan_ev, rescan_cb, a, 0);
}

