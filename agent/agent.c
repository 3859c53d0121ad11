// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Bringing groups up on the system, following link events, and cleanup.
 *
 * Setup order for a group, chosen so no half-made group carries traffic:
 * group interface (veth pair), data plane loaded and attached, members
 * read and attached, first state pushed into the maps, and only then the
 * data addresses on the group interface. A group whose setup fails is
 * undone (group_rollback()) and the agent exits; groups set up before it
 * keep forwarding, as after any stop, until --cleanup.
 */
#include <errno.h>
#include <limits.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/rtnetlink.h>

#include "agent.h"
#include "control.h"
#include "log.h"
#include "metrics.h"
#include "prober.h"
#include "snapshot.h"
#include "sysctl.h"
#include <sys/random.h>

static void ops_push(struct ipmp_group *g, void *ctx)
{
	struct agent_group *ag = ctx;

	dataplane_push(&ag->dp, g);
}

static void ops_announce(struct ipmp_group *g, struct ipmp_addr *addr, void *ctx)
{
	struct agent_group *ag = ctx;
	char buf[IP_PREFIX_STRLEN];

	if (!addr->bound)
		return;
	pr_info("%s is now bound to %s in group %s",
		ip_prefix_str(&addr->prefix, false, buf, sizeof(buf)), addr->bound->ifname, g->name);
	announcer_start(ag->agent->announcer, addr->bound->ifindex, addr->bound->mac,
			&addr->prefix);
}

static void link_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ipmp_member *m = arg;
	struct agent_group *ag = m->group->ops_ctx;

	agent_mark(ag->agent);
	link_timer(m);
}

void agent_timer_arm(struct agent *a, struct event **ev, event_callback_fn cb, void *arg,
		     uint64_t deadline_ms)
{
	uint64_t now = clock_now_ms(a->clock);
	uint64_t delay = deadline_ms > now ? deadline_ms - now : 0;
	struct timeval tv = { .tv_sec = delay / 1000, .tv_usec = (delay % 1000) * 1000 };

	if (!*ev) {
		*ev = evtimer_new(a->base, cb, arg);
		if (*ev)
			event_priority_set(*ev, AGENT_PRIO_DETECT);
	}
	if (*ev)
		evtimer_add(*ev, &tv);
}

static void ops_timer_arm(struct ipmp_member *m, uint64_t deadline_ms, void *ctx)
{
	struct agent_group *ag = ctx;

	agent_timer_arm(ag->agent, &ag->link_timers[m->slot], link_timer_cb, m, deadline_ms);
}

void agent_event_stamp(struct agent *a, json_t *obj)
{
	struct timespec wall;

	clock_gettime(CLOCK_REALTIME, &wall);
	json_object_set_new(obj, "mono_ns", json_integer(clock_now_ns(a->clock)));
	json_object_set_new(obj, "wall", json_real(wall.tv_sec + wall.tv_nsec / 1e9));
}

/*
 * What ipmpadm monitor prints: one object per event, each with its kind,
 * the monotonic and the wall-clock time. Every event also refreshes the
 * metrics file; a failover (an address leaving a member) is counted and
 * timed from the start of the handler that detected it.
 */
static void ops_event(struct ipmp_group *g, const struct group_event *ev, void *ctx)
{
	struct agent_group *ag = ctx;
	struct agent *a = ag->agent;
	char buf[IP_PREFIX_STRLEN], mac[18], flags[8];
	json_t *obj = NULL;

	metrics_changed(a);
	/* a failover: an address left a member that stopped carrying data (not a failback) */
	if (ev->kind == GROUP_EVENT_FAILOVER && ev->addr->bound && ev->left_failed)
		metrics_failover(a, ag);
	if (!a->control)
		return;
	switch (ev->kind) {
	case GROUP_EVENT_GROUP_STATE:
		obj = json_pack("{s:s, s:s, s:s, s:s}", "event", "group-state", "group", g->ifname,
				"state", group_state_names[ev->to], "previous",
				group_state_names[ev->from]);
		break;
	case GROUP_EVENT_MEMBER_STATE:
		snapshot_member_flags(ev->member, ev->flags, flags);
		obj = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "event", "member-state", "interface",
				ev->ifname, "group", g->ifname, "state", member_state_names[ev->state],
				"flags", flags, "active", ev->active);
		break;
	case GROUP_EVENT_MEMBER_JOINED:
	case GROUP_EVENT_MEMBER_LEFT:
		obj = json_pack("{s:s, s:s, s:s}", "event",
				ev->kind == GROUP_EVENT_MEMBER_JOINED ? "member-joined" : "member-left",
				"interface", ev->ifname, "group", g->ifname);
		break;
	case GROUP_EVENT_FAILOVER:
		if (!ev->addr->bound)
			return;
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", ev->addr->bound->mac[0],
			 ev->addr->bound->mac[1], ev->addr->bound->mac[2], ev->addr->bound->mac[3],
			 ev->addr->bound->mac[4], ev->addr->bound->mac[5]);
		obj = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s, s:I}", "event", "failover", "group",
				g->ifname, "address",
				ip_prefix_str(&ev->addr->prefix, false, buf, sizeof(buf)), "from",
				ev->left[0] ? ev->left : NULL, "to",
				ev->addr->bound->ifname, "mac", mac, "duration_us",
				(json_int_t)((clock_now_ns(a->clock) - a->handling_ns) / 1000));
		break;
	}
	if (!obj)
		return;
	agent_event_stamp(a, obj);
	control_publish(a->control, CONTROL_STREAM_EVENTS, obj);
	json_decref(obj);
}

static const struct group_ops agent_group_ops = {
	.push = ops_push,
	.announce = ops_announce,
	.timer_arm = ops_timer_arm,
	.event = ops_event,
};

static void sysctl_or_warn(const char *family, const char *ifname, const char *key,
			   const char *value)
{
	int ret = sysctl_if_set(family, ifname, key, value);

	if (ret)
		pr_warn("cannot set net.%s.conf.%s.%s=%s: %s", family, ifname, key, value,
			strerror(-ret));
}

/* The group interface: our veth pair, made or found. */
static int group_iface_setup(struct agent *a, struct agent_group *ag)
{
	struct ipmp_group *g = &ag->group;
	struct nl_link l;
	int ret;

	ret = nl_link_get(&a->nl, g->ifname, &l);
	if (ret == -ENODEV) {
		ret = nl_veth_create(&a->nl, g->ifname, ag->cfg->peer_ifname);
		if (ret) {
			pr_err("cannot create group interface %s (veth peer %s): %s", g->ifname,
			       ag->cfg->peer_ifname, strerror(-ret));
			return ret;
		}
		pr_info("created group interface %s", g->ifname);
		ag->created_iface = true;
		ret = nl_link_get(&a->nl, g->ifname, &l);
	}
	if (ret) {
		pr_err("cannot read interface %s: %s", g->ifname, strerror(-ret));
		return ret;
	}
	if (strcmp(l.kind, "veth")) {
		pr_err("%s exists and is not a group interface (kind '%s', not veth)", g->ifname,
		       l.kind);
		return -EEXIST;
	}
	g->ifindex = l.ifindex;
	memcpy(g->mac, l.mac, sizeof(g->mac));
	/*
	 * IPv6 on the group: its addresses come from the config (no SLAAC from
	 * router advertisements) plus its link-local, which group_egress
	 * announces with a member's MAC like any data address. The far end
	 * carries nothing.
	 */
	sysctl_or_warn("ipv6", g->ifname, "disable_ipv6", "0");
	sysctl_or_warn("ipv6", g->ifname, "accept_ra", "0");
	sysctl_or_warn("ipv6", g->ifname, "autoconf", "0");
	sysctl_or_warn("ipv6", ag->cfg->peer_ifname, "disable_ipv6", "1");
	sysctl_or_warn("ipv4", g->ifname, "rp_filter", "2");
	/*
	 * The group hears broadcast ARP through the nominated member; it must
	 * answer only for its own addresses, never for a member's test address
	 * (that would pull probe replies to the wrong member).
	 */
	sysctl_or_warn("ipv4", g->ifname, "arp_ignore", "1");
	sysctl_or_warn("ipv4", g->ifname, "arp_announce", "2");
	return 0;
}

static unsigned group_min_mtu(const struct ipmp_group *g)
{
	unsigned mtu = 0;

	group_for_each_member(g, m)
		if (m->ifindex && (!mtu || m->mtu < mtu))
			mtu = m->mtu;
	return mtu;
}

static void group_mtu_sync(struct agent *a, struct agent_group *ag)
{
	struct nl_link peer;
	unsigned mtu = group_min_mtu(&ag->group);
	int ret;

	if (!mtu)
		return;
	/* the far end first: a veth refuses an MTU above its peer's max */
	if (!nl_link_get(&a->nl, ag->cfg->peer_ifname, &peer))
		nl_link_set(&a->nl, peer.ifindex, true, mtu);
	ret = nl_link_set(&a->nl, ag->group.ifindex, true, mtu);
	if (ret)
		pr_err("cannot set %s up with MTU %u: %s", ag->group.ifname, mtu, strerror(-ret));
}

/* Put the configured test address on the member's netdev, or take it off. */
static void member_test_address_set(struct agent *a, const struct ipmp_member *m, bool add)
{
	char buf[IP_PREFIX_STRLEN];
	int ret;

	if (!m->ifindex || !m->cfg.has_test_address)
		return;
	ret = add ? nl_addr_add(&a->nl, m->ifindex, &m->cfg.test_address, true) :
		    nl_addr_del(&a->nl, m->ifindex, &m->cfg.test_address);
	if (ret && ret != (add ? -EEXIST : -EADDRNOTAVAIL))
		pr_warn("cannot %s test address %s %s %s: %s", add ? "add" : "remove",
			ip_prefix_str(&m->cfg.test_address, true, buf, sizeof(buf)),
			add ? "to" : "from", m->ifname, strerror(-ret));
}

/* A member netdev exists: take it over (up, no ARP of its own, our filter). */
static int member_adopt(struct agent *a, struct agent_group *ag, struct ipmp_member *m,
			const struct nl_link *l)
{
	struct nl_link now;
	int ret;

	/* a member never answers ARP for addresses it does not hold itself */
	sysctl_or_warn("ipv4", m->ifname, "arp_ignore", "1");
	sysctl_or_warn("ipv4", m->ifname, "arp_announce", "2");
	/* nor gets global IPv6 addresses of its own from router advertisements */
	sysctl_or_warn("ipv6", m->ifname, "accept_ra", "0");
	sysctl_or_warn("ipv6", m->ifname, "autoconf", "0");
	if (!(l->flags & IFF_UP)) {
		ret = nl_link_set(&a->nl, l->ifindex, true, 0);
		if (ret)
			pr_warn("cannot set %s up: %s", m->ifname, strerror(-ret));
	}
	if (nl_link_get(&a->nl, m->ifname, &now))
		now = *l;
	ret = dataplane_attach_member(&ag->dp, m->slot, now.ifindex);
	if (ret)
		return ret;
	m->ifindex = now.ifindex;
	memcpy(m->mac, now.mac, sizeof(m->mac));
	m->mtu = now.mtu;
	member_test_address_set(a, m, true);
	return 0;
}

void agent_member_reconfigure(struct agent *a, struct agent_group *ag, struct ipmp_member *m,
			      const struct config_member *cm)
{
	prober_member_stop(ag, m, false);
	member_test_address_set(a, m, false);
	m->cfg = *cm;
	member_test_address_set(a, m, true);
	if (m->ifindex && m->state != MEMBER_OFFLINE)
		prober_member_start(a, ag, m);
}

/*
 * The group interface's IPv6 link-local address is a data address like
 * the others (illumos lists it too): bound to a member and announced from
 * its MAC, so the group's own MAC never leaks through ND. The kernel makes
 * it when the interface comes up; the agent follows it.
 */
static void group_link_local_sync(struct agent *a, struct agent_group *ag)
{
	struct ipmp_group *g = &ag->group;
	struct ip_prefix ll;
	bool have = !nl_addr_first(&a->nl, g->ifindex, AF_INET6, RT_SCOPE_LINK, &ll);
	int idx = -1;

	for (unsigned i = 0; i < g->naddrs; i++)
		if (g->addrs[i].kernel)
			idx = i;
	if (idx >= 0 && have && ip_prefix_same_addr(&g->addrs[idx].prefix, &ll))
		return;
	if (idx >= 0) {
		dataplane_addr_forget(&ag->dp, idx, &g->addrs[idx].prefix);
		group_addr_remove(g, idx);
	}
	if (!have)
		return;
	if (dataplane_addrs_reserve(&ag->dp, g->naddrs + 1) || group_addr_add(g, &ll)) {
		pr_warn("group %s: cannot follow the link-local address of %s", g->name, g->ifname);
		return;
	}
	g->addrs[g->naddrs - 1].kernel = true;
}

/* Adopt a member's netdev if it exists and read its link state; missing is no error. */
static int member_find_netdev(struct agent *a, struct agent_group *ag, struct ipmp_member *m)
{
	struct nl_link l;
	int ret;

	if (nl_link_get(&a->nl, m->ifname, &l))
		return 0;	/* missing: its first transition says so */
	ret = member_adopt(a, ag, m, &l);
	if (ret)
		return ret;
	nl_link_get(&a->nl, m->ifname, &l);
	m->link_up = nl_link_is_up(&l);
	return 0;
}

static int group_addrs_add(struct agent *a, struct agent_group *ag)
{
	char buf[IP_PREFIX_STRLEN];
	int ret;

	for (unsigned i = 0; i < ag->group.naddrs; i++) {
		if (ag->group.addrs[i].kernel)
			continue;
		ret = nl_addr_add(&a->nl, ag->group.ifindex, &ag->group.addrs[i].prefix, false);
		if (ret) {
			pr_err("cannot add %s to %s: %s",
			       ip_prefix_str(&ag->group.addrs[i].prefix, true, buf, sizeof(buf)),
			       ag->group.ifname, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/*
 * Undo a group whose setup failed part way: detach what was attached,
 * drop the group interface if this agent made it, remove the pins. A
 * group this agent was adopting is left alone: it kept forwarding.
 */
static void group_rollback(struct agent *a, struct agent_group *ag)
{
	prober_group_stop(ag);
	if (ag->dp.inherited) {
		/* a previous agent's data plane: it forwards on as it is, never torn down */
		pr_err("group %s: leaving the running data plane as it is", ag->group.name);
		dataplane_close(&ag->dp);
		return;
	}
	for (unsigned i = 0; i < IPMP_MAX_MEMBERS; i++)
		dataplane_detach_member(&ag->dp, i);
	if (ag->created_iface && ag->group.ifindex)
		nl_link_del(&a->nl, ag->group.ifindex);
	dataplane_close(&ag->dp);
	dataplane_unpin(a->bpffs, ag->group.name);
}

/* An address the previous agent had on the group interface and the config no longer has. */
static void stale_addr_remove(const struct ip_prefix *addr, void *ctx)
{
	struct agent_group *ag = ctx;
	char buf[IP_PREFIX_STRLEN];
	struct ip_prefix p;

	/* the kernel's link-local is the kernel's, even if not followed yet (DAD) */
	if (ip_is_link_local6(addr))
		return;
	if (nl_addr_find(&ag->agent->nl, ag->group.ifindex, addr, &p))
		return;
	pr_info("group %s: %s is no longer configured; removing it from %s", ag->group.name,
		ip_prefix_str(&p, true, buf, sizeof(buf)), ag->group.ifname);
	nl_addr_del(&ag->agent->nl, ag->group.ifindex, &p);
}

/*
 * Members the previous agent had and the config no longer has: what it
 * left on their netdevs (our filter, the XDP link, the test address) is
 * taken off, as remove-interface would have.
 */
static void departed_release(struct agent *a, struct agent_group *ag,
			     const struct ipmp_agent_state *prev)
{
	for (unsigned i = 0; i < IPMP_MAX_MEMBERS; i++) {
		const struct ipmp_saved_member *s = &prev->members[i];
		char ifname[IFNAMSIZ + 1];
		struct nl_link l;

		if (!s->ifname[0])
			continue;
		snprintf(ifname, sizeof(ifname), "%.*s", (int)sizeof(s->ifname), s->ifname);
		if (group_member_by_name(&ag->group, ifname))
			continue;
		pr_info("group %s: %s is no longer a member; releasing it", ag->group.name, ifname);
		dataplane_unpin_xdp(&ag->dp, ifname);
		if (nl_link_get(&a->nl, ifname, &l) || l.ifindex != (int)s->ifindex)
			continue;	/* gone, or another netdev by now */
		dataplane_detach_ifindex(l.ifindex, false);
		if (s->test_family == IPMP_AF_INET) {
			struct ip_prefix t = { .family = AF_INET, .plen = s->test_plen };

			memcpy(t.addr, s->test_addr, 4);
			nl_addr_del(&a->nl, l.ifindex, &t);
		}
	}
}

/*
 * Restart adoption: resume from what the previous agent left in the
 * pinned maps. A failed member keeps its failure only where probing will
 * run again to repair it; without probes its link decides, as at any start.
 */
static void group_adopt(struct agent *a, struct agent_group *ag, struct ipmp_agent_state *prev)
{
	if (dataplane_adopt(&ag->dp, &ag->group, prev))
		return;
	group_for_each_member(&ag->group, m)
		if (m->prior.known && !prober_member_will_probe(a, ag, m))
			m->prior.flags &= ~MEMBER_F_FAILED;
	pr_info("group %s: resuming from the state the previous agent left in %s", ag->group.name,
		ag->dp.pin_dir);
}

static int group_setup(struct agent *a, struct agent_group *ag)
{
	struct ipmp_group *g = &ag->group;
	struct ipmp_agent_state prev = {};
	int ret;

	ret = group_iface_setup(a, ag);
	if (!ret)
		ret = dataplane_open(&ag->dp, a->bpffs, g->name, g->naddrs);
	if (!ret)
		ret = dataplane_attach_group(&ag->dp, g->ifindex);
	if (!ret)
		ret = prober_group_start(a, ag);
	if (ret)
		return ret;
	group_for_each_member(g, m) {
		ret = member_find_netdev(a, ag, m);
		if (ret)
			return ret;
	}
	group_mtu_sync(a, ag);
	group_link_local_sync(a, ag);
	group_adopt(a, ag, &prev);
	group_start(g);
	if (ag->dp.inherited) {
		dataplane_prune(&ag->dp, g, stale_addr_remove, ag);
		departed_release(a, ag, &prev);
	}
	group_for_each_member(g, m)
		if (m->ifindex && m->state != MEMBER_OFFLINE)
			prober_member_start(a, ag, m);
	return group_addrs_add(a, ag);
}

/* The agent's side of a group is gone: timers, probing, program handles, memory. */
static void agent_group_free(struct agent_group *ag)
{
	for (unsigned j = 0; j < IPMP_MAX_MEMBERS; j++)
		if (ag->link_timers[j])
			event_free(ag->link_timers[j]);
	prober_group_stop(ag);
	dataplane_close(&ag->dp);
	group_free(&ag->group);
	free(ag);
}

/* Failover durations, seconds: 100 us to 1 s (the event to the first announcement). */
static const double failover_bounds[] = { 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
					  0.01,   0.025,   0.05,   0.1,   0.25,   1 };

int agent_group_add(struct agent *a, const struct config_group *cg)
{
	struct agent_group **grown, *ag;
	int ret;

	grown = realloc(a->groups, (a->ngroups + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	a->groups = grown;
	ag = calloc(1, sizeof(*ag));
	if (!ag)
		return -ENOMEM;
	ag->agent = a;
	ag->cfg = cg;
	prom_histogram_init(&ag->failover_seconds, failover_bounds,
			    sizeof(failover_bounds) / sizeof(failover_bounds[0]));
	for (unsigned j = 0; j < IPMP_MAX_MEMBERS; j++)
		ag->probe_fds[j][0] = ag->probe_fds[j][1] = -1;
	ret = group_init(&ag->group, cg, &a->cfg, a->clock, &agent_group_ops, ag);
	if (!ret)
		ret = group_setup(a, ag);
	if (ret) {
		pr_err("cannot set up group %s; undoing it", cg->name);
		group_rollback(a, ag);
		agent_group_free(ag);
		return ret;
	}
	a->groups[a->ngroups++] = ag;
	pr_info("group %s (%s) is %s", ag->group.name, ag->group.ifname,
		group_state_names[ag->group.state]);
	return 0;
}

/* Release a member's netdev: our filters and XDP off, its test address removed. */
static void member_release(struct agent *a, struct agent_group *ag, struct ipmp_member *m)
{
	prober_member_stop(ag, m, true);
	dataplane_detach_member(&ag->dp, m->slot);
	member_test_address_set(a, m, false);
}

/*
 * A group leaves (reload): its members released, its group interface
 * deleted (with the data addresses on it), its pins removed.
 */
void agent_group_remove(struct agent *a, struct agent_group *ag)
{
	unsigned i;

	pr_info("group %s (%s): removing it", ag->group.name, ag->group.ifname);
	group_for_each_member(&ag->group, m)
		member_release(a, ag, m);
	if (nl_link_del(&a->nl, ag->group.ifindex))	/* its filter and addresses go with it */
		pr_warn("cannot delete group interface %s", ag->group.ifname);
	for (i = 0; i < a->ngroups && a->groups[i] != ag; i++)
		;
	memmove(a->groups + i, a->groups + i + 1, (a->ngroups - i - 1) * sizeof(*a->groups));
	a->ngroups--;
	if (dataplane_unpin(a->bpffs, ag->group.name))
		pr_warn("cannot remove %s/%s", a->bpffs, ag->group.name);
	agent_group_free(ag);
}

int agent_member_add(struct agent *a, struct agent_group *ag, const struct config_member *cm)
{
	struct ipmp_member *m;
	int ret = group_member_add(&ag->group, cm, &m);

	if (ret)
		return ret;
	ret = dataplane_stats_reset(&ag->dp, m->slot);
	if (!ret)
		ret = member_find_netdev(a, ag, m);
	if (ret) {
		member_release(a, ag, m);
		group_member_remove(m);
		return ret;
	}
	group_mtu_sync(a, ag);
	group_member_start(m);
	if (m->ifindex)
		prober_member_start(a, ag, m);
	return 0;
}

/*
 * A member leaves: its addresses move to the others and the maps forget
 * it before its filter comes off, so frames still arriving on it are
 * delivered until then.
 */
void agent_member_remove(struct agent *a, struct agent_group *ag, struct ipmp_member *m)
{
	unsigned slot = m->slot;

	if (ag->link_timers[slot]) {
		event_free(ag->link_timers[slot]);
		ag->link_timers[slot] = NULL;
	}
	group_member_remove(m);
	member_release(a, ag, m);	/* its fields stay readable until the slot is reused */
	group_mtu_sync(a, ag);
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Offline members do not probe; the others do once they have a netdev (spec 3.16). */
void agent_probing_sync(struct agent *a, struct agent_group *ag)
{
	group_for_each_member(&ag->group, m) {
		if (m->state == MEMBER_OFFLINE)
			prober_member_stop(ag, m, false);
		else if (m->ifindex)
			prober_member_start(a, ag, m);
	}
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
		if (member_adopt(a, ag, m, l))
			return;
		group_mtu_sync(a, ag);
		group_member_hwaddr_changed(m, NULL);
		agent_probing_sync(a, ag);
	}
	if (!m)
		return;
	if (l->deleted) {
		pr_err("IP interface %s of group %s has been removed", m->ifname, g->name);
		ag->dp.attached[m->slot] = 0;	/* the kernel dropped the filter with it */
		prober_member_stop(ag, m, true);
		m->ifindex = 0;
		link_update(m, false);
		group_member_hwaddr_changed(m, NULL);	/* a duplicate it shadowed is free */
		agent_probing_sync(a, ag);
		return;
	}
	if (l->mtu && l->mtu != m->mtu) {
		m->mtu = l->mtu;
		group_mtu_sync(a, ag);
	}
	if (l->has_mac && memcmp(l->mac, m->mac, sizeof(m->mac))) {
		memcpy(old_mac, m->mac, sizeof(old_mac));
		memcpy(m->mac, l->mac, sizeof(m->mac));
		group_member_relearn(m);
		group_member_hwaddr_changed(m, old_mac);
		agent_probing_sync(a, ag);
	}
	link_update(m, nl_link_is_up(l));
}

static void link_event(const struct nl_link *l, void *ctx)
{
	struct agent *a = ctx;

	for (unsigned i = 0; i < a->ngroups; i++)
		group_link_event(a, a->groups[i], l);
}

/* Read every member again: after lost events, and once after setup. */
static void agent_resync(struct agent *a)
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

/*
 * One read of the netlink socket is one decision per group: however many
 * messages it brings (a bond of links going down together, a member
 * deleted with its addresses), each group commits once at the end.
 */
static void events_cb(evutil_socket_t fd, short what, void *arg)
{
	struct agent *a = arg;
	uint64_t start_us = now_us(), gen[a->ngroups ? a->ngroups : 1];
	unsigned changed = 0, ngroups = a->ngroups;

	agent_mark(a);
	for (unsigned i = 0; i < ngroups; i++) {
		gen[i] = a->groups[i]->group.generation;
		group_begin(&a->groups[i]->group);
	}
	if (nl_events_read(&a->events, link_event, a, &changed) == -ENOBUFS) {
		pr_warn("netlink events were lost; re-reading every member, address and route");
		agent_resync(a);
		changed = NL_CHANGED_ROUTES | NL_CHANGED_LINK_LOCAL;
	}
	for (unsigned i = 0; i < ngroups; i++) {
		group_end(&a->groups[i]->group);
		if (a->groups[i]->group.generation != gen[i])
			pr_debug("group %s: link events handled in %llu us", a->groups[i]->group.name,
				 (unsigned long long)(now_us() - start_us));
	}
	if (changed & NL_CHANGED_LINK_LOCAL) {
		for (unsigned i = 0; i < a->ngroups; i++)
			group_link_local_sync(a, a->groups[i]);
		prober_addresses_changed(a);
	}
	if (changed & NL_CHANGED_ROUTES)
		prober_routes_rescan_soon(a);
}

static void discard_event(const struct nl_link *l, void *ctx)
{
}

int agent_start(struct agent *a)
{
	struct timespec wall;
	int ret;

	clock_gettime(CLOCK_REALTIME, &wall);
	a->start_wall = wall.tv_sec + wall.tv_nsec / 1e9;
	ret = nl_open(&a->nl, 0);
	if (!ret)
		ret = nl_open(&a->events, RTMGRP_LINK | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_IFADDR |
					  RTMGRP_IPV6_ROUTE);
	if (ret) {
		pr_err("cannot open rtnetlink: %s", strerror(-ret));
		return ret;
	}
	ret = dataplane_bpffs_prepare(a->bpffs);
	if (ret)
		return ret;
	if (getrandom(&a->nonce, sizeof(a->nonce), 0) != sizeof(a->nonce)) {
		pr_err("cannot get a random probe nonce: %s", strerror(errno));
		return -errno;
	}
	a->announcer = announcer_new(a->base, a->cfg.garp_count, a->cfg.garp_interval_ms);
	if (!a->announcer)
		return -EIO;	/* announcer_new() said why */
	/* listen before reading state, so no change falls between the two */
	a->events_ev = event_new(a->base, nl_fd(&a->events), EV_READ | EV_PERSIST, events_cb, a);
	if (!a->events_ev || event_priority_set(a->events_ev, AGENT_PRIO_DETECT) ||
	    event_add(a->events_ev, NULL))
		return -ENOMEM;
	for (unsigned i = 0; i < a->cfg.ngroups; i++) {
		ret = agent_group_add(a, &a->cfg.groups[i]);
		if (ret)
			return ret;
	}
	/*
	 * Setup itself made events (members set up, the veth created); they
	 * are history by now. Drop them and read the present once: what
	 * happens from here on arrives as events.
	 */
	nl_events_read(&a->events, discard_event, NULL, NULL);
	agent_resync(a);
	prober_routes_rescan_soon(a);
	a->control = control_open(a, a->socket_path);
	if (!a->control)
		return -EIO;
	ret = metrics_start(a);
	if (ret)
		pr_err("cannot start writing metrics: %s", strerror(-ret));
	return ret;
}

void agent_stop(struct agent *a)
{
	metrics_stop(a);
	control_close(a->control);
	a->control = NULL;
	for (unsigned i = 0; i < a->ngroups; i++)
		agent_group_free(a->groups[i]);
	free(a->groups);
	a->groups = NULL;
	a->ngroups = 0;
	if (a->events_ev)
		event_free(a->events_ev);
	if (a->rescan_ev)
		event_free(a->rescan_ev);
	announcer_free(a->announcer);
	nl_close(&a->events);
	nl_close(&a->nl);
}

int agent_cleanup(const struct ipmp_config *cfg, const char *bpffs)
{
	struct nl nl;
	struct nl_link l;
	int ret = nl_open(&nl, 0);

	if (ret) {
		pr_err("cannot open rtnetlink: %s", strerror(-ret));
		return ret;
	}
	for (unsigned i = 0; i < cfg->ngroups; i++) {
		const struct config_group *cg = &cfg->groups[i];

		for (unsigned j = 0; j < cg->nmembers; j++) {
			const struct config_member *cm = &cg->members[j];

			if (nl_link_get(&nl, cm->ifname, &l))
				continue;
			dataplane_detach_ifindex(l.ifindex, false);
			if (cm->has_test_address)
				nl_addr_del(&nl, l.ifindex, &cm->test_address);
		}
		if (!nl_link_get(&nl, cg->ifname, &l)) {
			if (strcmp(l.kind, "veth")) {
				pr_err("%s is not a group interface (kind '%s'); left alone", cg->ifname,
				       l.kind);
				ret = -EEXIST;
			} else {
				nl_link_del(&nl, l.ifindex);
				pr_info("removed group interface %s", cg->ifname);
			}
		}
		if (dataplane_unpin(bpffs, cg->name))
			pr_warn("cannot remove %s/%s", bpffs, cg->name);
	}
	nl_close(&nl);
	return ret;
}
