// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Link watching (agent/linkwatch.h): rtnetlink link events into the
 * model. A member netdev that appears is taken over, one that goes is
 * failed over, carrier changes go to link_update(), MAC and MTU changes
 * are followed. Address and route events only wake those who follow them
 * (the link-local follower, IPv6 probing, router targets).
 */
#include <errno.h>
#include <string.h>

#include <linux/rtnetlink.h>

#include "agent.h"
#include "linkwatch.h"
#include "managers.h"
#include "log.h"
#include "probe_io.h"
#include "provision.h"
#include "routes.h"

void linkwatch_xdp_attached(struct agent *a, struct agent_group *ag, struct ipmp_member *m)
{
	ag->xdp_attached_ms[m->slot] = clock_now_ms(a->clock);
}

static void xdp_hold_end(evutil_socket_t fd, short what, void *arg)
{
	struct ipmp_member *m = arg;
	struct agent_group *ag = m->group->ops_ctx;
	struct nl_link l;
	bool up = !nl_link_get(&ag->agent->nl, m->ifname, &l) && nl_link_is_up(&l);

	agent_mark(ag->agent);
	event_free(ag->xdp_hold[m->slot]);
	ag->xdp_hold[m->slot] = NULL;
	m->link_held = false;
	if (up)
		return;
	pr_info("%s: the carrier did not come back after attaching XDP: a failure", m->ifname);
	group_begin(&ag->group);
	link_update(m, false);
	group_end(&ag->group);
}

/*
 * Our own XDP attach resetting the driver (linkwatch.h): true when this
 * link change is that reset, or its end, and is not to reach the model.
 */
static bool xdp_reset_held(struct agent *a, struct agent_group *ag, struct ipmp_member *m, bool up)
{
	struct event **hold = &ag->xdp_hold[m->slot];
	uint64_t attached = ag->xdp_attached_ms[m->slot];

	if (*hold && up) {
		event_free(*hold);
		*hold = NULL;
		m->link_held = false;
		pr_info("%s: the carrier came back after attaching XDP (the driver's reset, not a "
			"failure)", m->ifname);
		return true;
	}
	if (*hold)
		return true;	/* still down: the hold decides */
	if (up || !m->link_up || !attached ||
	    clock_now_ms(a->clock) - attached > LINKWATCH_XDP_GRACE_MS)
		return false;
	agent_timer_arm(a, hold, xdp_hold_end, m, clock_now_ms(a->clock) + LINKWATCH_XDP_HOLD_MS);
	m->link_held = *hold != NULL;
	pr_info("%s: carrier lost %llu ms after attaching XDP; waiting up to %u ms for the driver",
		m->ifname, (unsigned long long)(clock_now_ms(a->clock) - attached),
		LINKWATCH_XDP_HOLD_MS);
	return *hold != NULL;
}

/* A link changed: adopt a member that appeared, follow one that left. */
static void group_link_event(struct agent *a, struct agent_group *ag, const struct nl_link *l)
{
	struct ipmp_group *g = &ag->group;
	struct ipmp_member *m = group_member_by_ifindex(g, l->ifindex);
	uint8_t old_mac[IPMP_ETH_ALEN];

	if (!m && !l->deleted) {
		m = group_member_by_name(g, l->ifname);
		if (!m || m->ifindex)
			return;
		pr_info("IP interface %s of group %s appeared", m->ifname, g->name);
		if (provision_member_take(a, ag, m, l))
			return;
		provision_group_mtu(a, ag);
		group_member_hwaddr_changed(m, NULL);
		agent_probing_sync(a, ag);
	}
	if (!m)
		return;
	/* a netlink message (it names the link) after linkwatch_carrier_lost()'s: how much later */
	if (l->ifname[0] && ag->carrier_early_ns[m->slot]) {
		uint64_t later_us = (clock_now_ns(a->clock) - ag->carrier_early_ns[m->slot]) / 1000;

		if (!l->deleted && !nl_link_is_up(l))
			pr_debug("%s: its netlink event came %llu us after the driver's carrier loss",
				 m->ifname, (unsigned long long)later_us);
		ag->carrier_early_ns[m->slot] = 0;
	}
	if (l->deleted) {
		pr_err("IP interface %s of group %s has been removed", m->ifname, g->name);
		dataplane_member_gone(&ag->dp, m->slot);
		probe_io_member_stop(ag, m, true);
		m->ifindex = 0;
		link_update(m, false);
		group_member_hwaddr_changed(m, NULL);	/* a duplicate it shadowed is free */
		agent_probing_sync(a, ag);
		return;
	}
	if (l->mtu && l->mtu != m->mtu) {
		m->mtu = l->mtu;
		provision_group_mtu(a, ag);
	}
	if (l->has_mac && memcmp(l->mac, m->mac, sizeof(m->mac))) {
		memcpy(old_mac, m->mac, sizeof(old_mac));
		memcpy(m->mac, l->mac, sizeof(m->mac));
		group_member_relearn(m);
		group_member_hwaddr_changed(m, old_mac);
		agent_probing_sync(a, ag);
	}
	if (xdp_reset_held(a, ag, m, nl_link_is_up(l)))
		return;
	link_update(m, nl_link_is_up(l));
}

static void link_event(const struct nl_link *l, void *ctx)
{
	struct agent *a = ctx;

	for (unsigned i = 0; i < a->ngroups; i++)
		group_link_event(a, a->groups[i], l);
}

/* Read every member again: after lost events, and once after setup. */
static void linkwatch_resync(struct agent *a)
{
	struct nl_link l;

	for (unsigned i = 0; i < a->ngroups; i++) {
		struct agent_group *ag = a->groups[i];

		group_for_each_member(&ag->group, m) {
			if (nl_link_get(&a->nl, m->ifname, &l)) {
				if (m->ifindex) {
					struct nl_link gone = { .ifindex = m->ifindex, .deleted = true };

					group_link_event(a, ag, &gone);
				}
				continue;
			}
			group_link_event(a, ag, &l);
		}
	}
}

/* A decision's time: rebound when the maps were committed, handled once the first announcements
 * had gone out too. */
static void log_handled(struct agent *a, struct agent_group *ag, const char *what,
			uint64_t start_ns)
{
	uint64_t end_ns = clock_now_ns(a->clock);
	uint64_t commit_ns = ag->committed_ns >= start_ns ? ag->committed_ns : end_ns;

	pr_debug("group %s: %s handled in %llu us (rebound in %llu us)", ag->group.name, what,
		 (unsigned long long)(end_ns - start_ns) / 1000,
		 (unsigned long long)(commit_ns - start_ns) / 1000);
}

/*
 * One decision per group around fn(a, ctx): every group begins, fn takes
 * in what happened, every group commits, and a group that changed logs
 * how long it took (what: "link events", "carrier loss").
 */
static void decide(struct agent *a, const char *what, void (*fn)(struct agent *a, void *ctx),
		   void *ctx)
{
	uint64_t start_ns = clock_now_ns(a->clock), gen[a->ngroups ? a->ngroups : 1];
	unsigned ngroups = a->ngroups;

	agent_mark(a);
	for (unsigned i = 0; i < ngroups; i++) {
		gen[i] = a->groups[i]->group.generation;
		group_begin(&a->groups[i]->group);
	}
	fn(a, ctx);
	for (unsigned i = 0; i < ngroups; i++) {
		struct agent_group *ag = a->groups[i];

		group_end(&ag->group);
		if (ag->group.generation != gen[i])
			log_handled(a, ag, what, start_ns);
	}
}

static void read_events(struct agent *a, void *ctx)
{
	unsigned *changed = ctx;

	if (nl_events_read(&a->events, link_event, a, changed) == -ENOBUFS) {
		pr_warn("netlink events were lost; re-reading every member, address and route");
		linkwatch_resync(a);
		*changed = NL_CHANGED_ROUTES | NL_CHANGED_ADDRS | NL_CHANGED_MULTICAST;
	}
}

/*
 * One read of the netlink socket is one decision per group: however many
 * messages it brings (a bond of links going down together, a member
 * deleted with its addresses), each group commits once at the end.
 */
static void events_cb(evutil_socket_t fd, short what, void *arg)
{
	struct agent *a = arg;
	unsigned changed = 0;

	decide(a, "link events", read_events, &changed);
	if (changed & NL_CHANGED_ADDRS) {
		for (unsigned i = 0; i < a->ngroups; i++) {
			group_begin(&a->groups[i]->group);
			provision_addresses_follow(a, a->groups[i], true);
			group_end(&a->groups[i]->group);
		}
		probe_io_addresses_changed(a);
	}
	if (changed & NL_CHANGED_ROUTES)
		routes_rescan_soon(a);
	if (changed & NL_CHANGED_MULTICAST)
		mcast_changed(a);
	if (changed & (NL_CHANGED_ADDRS | NL_CHANGED_OTHER_ROUTES))
		managers_watch_members(a);
}

/* Each member that is the device, or is stacked on it, goes down as its netlink message will say */
static void carrier_lost(struct agent *a, void *ctx)
{
	int ifindex = *(const int *)ctx;
	uint64_t now_ns = clock_now_ns(a->clock);

	for (unsigned i = 0; i < a->ngroups; i++) {
		struct agent_group *ag = a->groups[i];

		group_for_each_member(&ag->group, m) {
			/* up, without the lower layer */
			struct nl_link l = { .ifindex = m->ifindex, .flags = IFF_UP };

			if (!m->ifindex || !m->link_up ||
			    (m->ifindex != ifindex && ag->lower_ifindex[m->slot] != ifindex))
				continue;
			pr_debug("%s: carrier lost (ifindex %d), before its netlink event", m->ifname,
				 ifindex);
			ag->carrier_early_ns[m->slot] = now_ns;
			group_link_event(a, ag, &l);
		}
	}
}

void linkwatch_carrier_lost(struct agent *a, int ifindex)
{
	if (ifindex > 0)	/* 0: not a registered device; and 0 is "no lower" */
		decide(a, "carrier loss", carrier_lost, &ifindex);
}

static void discard_event(const struct nl_link *l, void *ctx)
{
}

int linkwatch_open(struct agent *a)
{
	int ret = nl_open(&a->events, RTMGRP_LINK | RTMGRP_IPV4_ROUTE | RTMGRP_IPV4_IFADDR |
					      RTMGRP_IPV6_IFADDR |
					      RTMGRP_IPV6_ROUTE);

	if (ret) {
		pr_err("cannot open rtnetlink: %s", strerror(-ret));
		return ret;
	}
	mcast_open(a);
	a->events_ev = event_new(a->base, nl_fd(&a->events), EV_READ | EV_PERSIST, events_cb, a);
	if (!a->events_ev || event_priority_set(a->events_ev, AGENT_PRIO_DETECT) ||
	    event_add(a->events_ev, NULL))
		return -ENOMEM;
	return 0;
}

/*
 * Setup itself made events (members set up, the veth created); they are
 * history by now. Drop them and read the present once: what happens from
 * here on arrives as events.
 */
void linkwatch_settle(struct agent *a)
{
	nl_events_read(&a->events, discard_event, NULL, NULL);
	for (unsigned i = 0; i < a->ngroups; i++)
		group_begin(&a->groups[i]->group);
	linkwatch_resync(a);
	for (unsigned i = 0; i < a->ngroups; i++)
		provision_addresses_follow(a, a->groups[i], true);
	for (unsigned i = 0; i < a->ngroups; i++)
		group_end(&a->groups[i]->group);
}

void linkwatch_close(struct agent *a)
{
	if (a->events_ev)
		event_free(a->events_ev);
	a->events_ev = NULL;
	mcast_close(a);
	nl_close(&a->events);
}

static void link_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ipmp_member *m = arg;
	struct agent_group *ag = m->group->ops_ctx;

	agent_mark(ag->agent);
	link_timer(m);
}

void linkwatch_timer_arm(struct agent_group *ag, struct ipmp_member *m, uint64_t deadline_ms)
{
	agent_timer_arm(ag->agent, &ag->link_timers[m->slot], link_timer_cb, m, deadline_ms);
}

void linkwatch_timer_free(struct agent_group *ag, struct ipmp_member *m)
{
	if (ag->xdp_hold[m->slot]) {
		event_free(ag->xdp_hold[m->slot]);
		ag->xdp_hold[m->slot] = NULL;
	}
	m->link_held = false;
	ag->xdp_attached_ms[m->slot] = 0;
	if (!ag->link_timers[m->slot])
		return;
	event_free(ag->link_timers[m->slot]);
	ag->link_timers[m->slot] = NULL;
}
