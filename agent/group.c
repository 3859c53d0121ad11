// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Groups and members: creation, the activation policy (spec 3.14), the
 * failure and repair actions (spec 3.13) and the group state (spec 3.15).
 * The only writers of state are member_chstate() and group_chstate().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "ipmp_errors.h"
#include "log.h"

const char *const member_state_names[MEMBER_STATE__MAX] = {
	[MEMBER_INIT] = "init",
	[MEMBER_RUNNING] = "running",
	[MEMBER_FAILED] = "failed",
	[MEMBER_OFFLINE] = "offline",
};

const char *const group_state_names[GROUP_STATE__MAX] = {
	[GROUP_OK] = "ok",
	[GROUP_DEGRADED] = "degraded",
	[GROUP_FAILED] = "failed",
};

enum run_reason {
	RUN_INITIAL,	/* the agent starts */
	RUN_REPAIR,	/* failure repaired */
	RUN_ONLINE,	/* offline undone */
};

int group_init(struct ipmp_group *g, const struct config_group *cg, const struct ipmp_config *cfg,
	       const struct ipmp_clock *clock, const struct group_ops *ops, void *ops_ctx)
{
	memset(g, 0, sizeof(*g));
	snprintf(g->ifname, sizeof(g->ifname), "%s", cg->ifname);
	snprintf(g->name, sizeof(g->name), "%s", cg->name);
	g->failback = cfg->failback;
	g->state = GROUP_FAILED;	/* spec 3.3: a new named group starts failed */
	g->clock = clock;
	g->ops = ops;
	g->ops_ctx = ops_ctx;
	probe_group_init(&g->probe, cfg->fdt_ms);
	for (unsigned i = 0; i < cg->nmembers; i++)
		group_member_add(g, &cg->members[i], NULL);
	g->addrs = calloc(cg->naddrs ? cg->naddrs : 1, sizeof(*g->addrs));
	if (!g->addrs)
		return -ENOMEM;
	g->naddrs = cg->naddrs;
	for (unsigned i = 0; i < cg->naddrs; i++)
		g->addrs[i].prefix = cg->addrs[i];
	return 0;
}

void group_set_probe_ops(struct ipmp_group *g, const struct probe_ops *ops, void *ctx)
{
	g->probe_ops = ops;
	g->probe_ctx = ctx;
}

static void member_reset_rtt(struct ipmp_member *m)
{
	for (unsigned i = 0; i < m->probe.ntargets; i++)
		target_rtt_reset(&m->probe.targets[i]);
	for (unsigned i = 0; i < m->probe6.ntargets; i++)
		target_rtt_reset(&m->probe6.targets[i]);
}

void group_free(struct ipmp_group *g)
{
	free(g->addrs);
	g->addrs = NULL;
	g->naddrs = 0;
}

struct ipmp_member *group_member_by_ifindex(struct ipmp_group *g, int ifindex)
{
	group_for_each_member(g, m)
		if (ifindex && m->ifindex == ifindex)
			return m;
	return NULL;
}

struct ipmp_member *group_member_by_name(struct ipmp_group *g, const char *ifname)
{
	group_for_each_member(g, m)
		if (!strcmp(m->ifname, ifname))
			return m;
	return NULL;
}

unsigned group_members_newest_first(const struct ipmp_group *g,
				    const struct ipmp_member *out[IPMP_MAX_MEMBERS])
{
	unsigned n = 0;

	group_for_each_member(g, m) {
		unsigned i = n++;

		for (; i > 0 && out[i - 1]->joined < m->joined; i--)
			out[i] = out[i - 1];
		out[i] = m;
	}
	return n;
}

bool member_functioning(const struct ipmp_member *m)
{
	return m->state == MEMBER_RUNNING;
}

bool member_active(const struct ipmp_member *m)
{
	return m->used && member_functioning(m) &&
	       !(m->flags & (MEMBER_F_INACTIVE | MEMBER_F_FAILED | MEMBER_F_OFFLINE));
}

/* Deliver an event now (the commit's own, in order, after the queued ones). */
static void group_event_deliver(struct ipmp_group *g, const struct group_event *ev)
{
	if (g->ops->event && g->started)
		g->ops->event(g, ev, g->ops_ctx);
}

/* Queue an event of the decision under way; the commit delivers it. */
static void group_event(struct ipmp_group *g, const struct group_event *ev)
{
	if (!g->ops->event || !g->started)
		return;
	if (g->npending == GROUP_EVENTS_MAX) {	/* cannot happen within one decision */
		pr_warn("group %s: more events than one decision makes; delivering early", g->name);
		for (unsigned i = 0; i < g->npending; i++)
			group_event_deliver(g, &g->pending[i]);
		g->npending = 0;
	}
	g->pending[g->npending++] = *ev;
}

/* A member event, carrying the member as it is now. */
static void member_event(struct ipmp_member *m, enum group_event_kind kind)
{
	struct group_event ev = { .kind = kind, .member = m, .state = m->state, .flags = m->flags,
				  .active = member_active(m) };

	snprintf(ev.ifname, sizeof(ev.ifname), "%s", m->ifname);
	group_event(m->group, &ev);
}

static const struct ipmp_member *group_first_functioning(const struct ipmp_group *g)
{
	group_for_each_member(g, m)
		if (member_functioning(m))
			return m;
	return NULL;
}

/*
 * The one writer of the group state (spec 3.15). Logs in.mpathd's
 * unusable/usable pair; "usable" only after "unusable" was printed, so
 * start-up says nothing.
 */
static void group_chstate(struct ipmp_group *g, enum group_state state)
{
	const struct ipmp_member *m;

	if (g->state == state)
		return;
	pr_info("group %s: %s -> %s", g->name, group_state_names[g->state],
		group_state_names[state]);
	if (state == GROUP_FAILED && g->started) {
		pr_err("All IP interfaces in group %s are now unusable", g->name);
		g->failure_logged = true;
		/* spec 3.13: the targets may all have been replaced; find them anew */
		group_for_each_member(g, o) {
			targets_flush_hosts(&o->probe);
			targets_flush_hosts(&o->probe6);
		}
	} else if (g->state == GROUP_FAILED && g->failure_logged) {
		m = group_first_functioning(g);
		pr_err("At least 1 IP interface (%s) in group %s is now usable",
		       m ? m->ifname : "?", g->name);
		g->failure_logged = false;
	}
	struct group_event ev = { .kind = GROUP_EVENT_GROUP_STATE, .from = g->state, .to = state };

	g->state = state;
	g->generation++;
	group_event(g, &ev);
}

/* spec 3.15; in.mpathd refreshes it at the end of each decision (spec 3.13). */
static void group_refresh_state(struct ipmp_group *g)
{
	unsigned nusable = 0;

	if (!g->started)
		return;
	group_for_each_member(g, m)
		nusable += member_functioning(m);
	if (nusable == 0)
		group_chstate(g, GROUP_FAILED);
	else if (nusable == g->nmembers)
		group_chstate(g, GROUP_OK);
	else
		group_chstate(g, GROUP_DEGRADED);
}

/*
 * Make the system match the model, once per decision: rebind addresses
 * (minimally, binding.c), pick the nominated members, push everything
 * into the data plane, tell monitors what changed in the order it
 * happened, and only then announce the addresses that moved (their ARP
 * replies must already come from the new member) with a failover event
 * each.
 */
static void group_commit(struct ipmp_group *g)
{
	unsigned moved;

	if (!g->started)
		return;
	moved = binding_rebalance(g);
	binding_nominate(g);
	for (unsigned i = 0; i < g->naddrs && !moved; i++)
		moved = g->addrs[i].moved;
	if (moved)
		g->ncommits++;
	if (moved || g->generation != g->pushed_generation) {
		g->ops->push(g, g->ops_ctx);
		g->pushed_generation = g->generation;
	}
	for (unsigned i = 0; i < g->npending; i++)
		group_event_deliver(g, &g->pending[i]);
	g->npending = 0;
	for (unsigned i = 0; i < g->naddrs; i++) {
		struct ipmp_addr *a = &g->addrs[i];
		struct group_event ev = { .kind = GROUP_EVENT_FAILOVER, .addr = a,
					  .left_failed = a->left_failed };

		if (!a->moved)
			continue;
		snprintf(ev.left, sizeof(ev.left), "%s", a->left);
		g->ops->announce(g, a, g->ops_ctx);
		binding_announced(a);
		group_event_deliver(g, &ev);
	}
}

void group_begin(struct ipmp_group *g)
{
	g->holds++;
}

void group_end(struct ipmp_group *g)
{
	group_refresh_state(g);
	if (g->holds && --g->holds == 0)
		group_commit(g);
}

static void flags_str(unsigned flags, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", flags & MEMBER_F_STANDBY ? " standby" : "",
		 flags & MEMBER_F_INACTIVE ? " inactive" : "", flags & MEMBER_F_FAILED ? " failed" : "",
		 flags & MEMBER_F_OFFLINE ? " offline" : "");
}

/*
 * The one writer of a member's state and flags (in.mpathd's
 * phyint_chstate() and change_pif_flags() in one). Returns early when
 * nothing changes; otherwise logs the transition, bumps the generation
 * and queues the event. It never rebinds, pushes or announces: the
 * decision that called it commits once, at its end (group_end()).
 */
void member_chstate(struct ipmp_member *m, enum member_state state, unsigned flags)
{
	struct ipmp_group *g = m->group;
	char before[64], after[64];

	if (m->state == state && m->flags == flags)
		return;
	flags_str(m->flags, before, sizeof(before));
	flags_str(flags, after, sizeof(after));
	pr_debug("%s: %s%s -> %s%s", m->ifname, member_state_names[m->state], before,
		 member_state_names[state], after);
	m->state = state;
	m->flags = flags;
	g->generation++;
	member_event(m, GROUP_EVENT_MEMBER_STATE);
}

/*
 * spec 3.14 "activate another": after an active member stops carrying
 * data, the first functioning inactive standby takes over, else the last
 * functioning inactive member, walking the group's list as in.mpathd
 * does: the most recently joined member first.
 */
static void group_activate_another(struct ipmp_group *g, const struct ipmp_member *except)
{
	const struct ipmp_member *list[IPMP_MAX_MEMBERS];
	unsigned n = group_members_newest_first(g, list);
	struct ipmp_member *pick = NULL;

	for (unsigned i = 0; i < n; i++) {
		struct ipmp_member *m = &g->members[list[i]->slot];

		if (m == except || !member_functioning(m) || !(m->flags & MEMBER_F_INACTIVE))
			continue;
		pick = m;
		if (m->flags & MEMBER_F_STANDBY)
			break;
	}
	if (pick)
		member_chstate(pick, pick->state, pick->flags & ~MEMBER_F_INACTIVE);
}

/*
 * spec 3.14 "transition to running" (start, repair, online). Counts the
 * members that are not standby and the functioning ones that carry data
 * (not counting m), then decides whether m is active or inactive and
 * whether an active standby goes back to idle (failback): the last one
 * in the group's list, as in.mpathd's walk leaves it.
 */
static void member_run(struct ipmp_member *m, enum run_reason why)
{
	struct ipmp_group *g = m->group;
	const struct ipmp_member *list[IPMP_MAX_MEMBERS];
	unsigned n = group_members_newest_first(g, list);
	struct ipmp_member *active_standby = NULL;
	unsigned nnonstandby = 0, nactive = 0;
	unsigned flags;

	for (unsigned i = 0; i < n; i++) {
		struct ipmp_member *o = &g->members[list[i]->slot];

		if (!(o->flags & MEMBER_F_STANDBY))
			nnonstandby++;
		if (o == m || !member_functioning(o) || (o->flags & MEMBER_F_INACTIVE))
			continue;
		nactive++;
		if (o->flags & MEMBER_F_STANDBY)
			active_standby = o;
	}
	flags = m->flags & ~(why == RUN_ONLINE ? MEMBER_F_OFFLINE : MEMBER_F_FAILED);
	if (flags & MEMBER_F_STANDBY) {
		if (nactive >= nnonstandby)
			flags |= MEMBER_F_INACTIVE;
		else
			flags &= ~MEMBER_F_INACTIVE;
		active_standby = NULL;
	} else if (why == RUN_ONLINE || g->failback) {
		flags &= ~MEMBER_F_INACTIVE;
		if (nactive < nnonstandby)
			active_standby = NULL;
	} else {
		if (why != RUN_INITIAL && g->state != GROUP_FAILED)
			flags |= MEMBER_F_INACTIVE;
		else
			flags &= ~MEMBER_F_INACTIVE;
		active_standby = NULL;
	}
	if (active_standby)
		member_chstate(active_standby, active_standby->state,
			       active_standby->flags | MEMBER_F_INACTIVE);
	member_chstate(m, MEMBER_RUNNING, flags);
}

/*
 * spec 3.13, interface failure action, in in.mpathd's order: the member is
 * marked failed, then, if it carried data, another is activated. Nothing
 * moves until the commit at the end of the decision, which moves the
 * failed member's addresses once, to the least loaded active members.
 * An offline member stays offline with the flag set (its link failed
 * while it was offline; undo-offline finds it failed).
 */
void member_fail(struct ipmp_member *m)
{
	struct ipmp_group *g = m->group;
	bool was_active = member_active(m);

	group_begin(g);
	pr_err("IP interface failure detected on %s of group %s", m->ifname, g->name);
	member_reset_rtt(m);
	member_chstate(m, m->state == MEMBER_OFFLINE ? MEMBER_OFFLINE : MEMBER_FAILED,
		       (m->flags | MEMBER_F_FAILED) & ~MEMBER_F_INACTIVE);
	if (was_active)
		group_activate_another(g, m);
	group_end(g);
}

/* spec 3.13, group failure action: every member fails, no per-member message. */
void group_fail(struct ipmp_group *g)
{
	group_begin(g);
	group_for_each_member(g, m) {
		unsigned flags = (m->flags | MEMBER_F_FAILED) & ~MEMBER_F_INACTIVE;

		if (m->state == MEMBER_OFFLINE)
			continue;
		member_reset_rtt(m);
		member_chstate(m, m->state == MEMBER_RUNNING || m->state == MEMBER_INIT ?
					  MEMBER_FAILED : m->state, flags);
	}
	group_end(g);
}

/*
 * spec 3.13 classification for a link-down on m: an interface failure when
 * another member is running with its link up and the group is not failed;
 * otherwise the whole group has failed.
 */
bool group_link_failure_is_group(const struct ipmp_group *g, const struct ipmp_member *m)
{
	if (g->state == GROUP_FAILED)
		return true;
	group_for_each_member(g, o) {
		if (o != m && o->state == MEMBER_RUNNING && o->link_up)
			return false;
	}
	return true;
}

/* A member's MAC changed: the maps and the peers must learn the new one. */
void group_member_relearn(struct ipmp_member *m)
{
	struct ipmp_group *g = m->group;

	group_begin(g);
	for (unsigned i = 0; i < g->naddrs; i++)
		if (g->addrs[i].bound == m)
			g->addrs[i].moved = true;
	g->generation++;
	group_end(g);
}

/*
 * The member it duplicates (spec 3.16): another online member with a
 * netdev and the same MAC. Offlined members never count (duplicates
 * are onlined one at a time, see hwaddr_release_shadowed()).
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
static void hwaddr_release_shadowed(struct ipmp_member *m, const uint8_t mac[IPMP_ETH_ALEN])
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
static void hwaddr_check(struct ipmp_member *m, const uint8_t *old_mac)
{
	struct ipmp_group *g = m->group;

	if (!m->ifindex) {	/* its netdev is gone: a member it shadowed is free */
		if (!(m->flags & MEMBER_F_HWADDRDUP))
			hwaddr_release_shadowed(m, m->mac);
		return;
	}
	if (m->flags & MEMBER_F_HWADDRDUP) {
		if (!hwaddr_twin(g, m, m->mac))
			member_hwaddr_online(m);
		return;
	}
	if (old_mac && memcmp(old_mac, m->mac, IPMP_ETH_ALEN))
		hwaddr_release_shadowed(m, old_mac);
	if (m->state != MEMBER_OFFLINE && hwaddr_twin(g, m, m->mac))
		member_hwaddr_offline(m);
}

/* At start the member listed first keeps a shared MAC, as if it had been seen first. */
static void hwaddr_check_at_start(struct ipmp_member *m)
{
	struct ipmp_member *twin = hwaddr_twin(m->group, m, m->mac);

	if (!m->ifindex)
		return;
	if (m->flags & MEMBER_F_HWADDRDUP)
		hwaddr_check(m, NULL);
	else if (m->state != MEMBER_OFFLINE && twin && twin < m)
		member_hwaddr_offline(m);
}

void group_member_hwaddr_changed(struct ipmp_member *m, const uint8_t old_mac[IPMP_ETH_ALEN])
{
	if (!m->group->started)
		return;
	group_begin(m->group);
	hwaddr_check(m, old_mac);
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
	hwaddr_release_shadowed(m, m->mac);	/* a duplicate it shadowed comes back */
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

int group_addr_find(const struct ipmp_group *g, const struct ip_prefix *p)
{
	for (unsigned i = 0; i < g->naddrs; i++)
		if (ip_prefix_same_addr(&g->addrs[i].prefix, p))
			return i;
	return -1;
}

/* A new data address: bound to the least loaded active member and announced. */
int group_addr_add(struct ipmp_group *g, const struct ip_prefix *p)
{
	struct ipmp_addr *grown;

	if (g->naddrs >= IPMP_MAX_ADDRS)
		return -ENOSPC;
	grown = realloc(g->addrs, (g->naddrs + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	g->addrs = grown;
	memset(&g->addrs[g->naddrs], 0, sizeof(*grown));
	g->addrs[g->naddrs].prefix = *p;
	g->naddrs++;
	group_begin(g);
	g->generation++;
	group_end(g);
	return 0;
}

/* Forget a data address; the others keep their members (then rebalanced). */
void group_addr_remove(struct ipmp_group *g, unsigned index)
{
	struct ipmp_addr *a = &g->addrs[index];

	group_begin(g);
	if (a->bound) {
		a->bound->nbound--;
		a->bound->nbound6 -= a->prefix.family == AF_INET6;
	}
	memmove(a, a + 1, (g->naddrs - index - 1) * sizeof(*a));
	g->naddrs--;
	g->generation++;
	group_end(g);
}

/*
 * spec 3.14 standby refresh, when the administrator marks a member standby
 * (or not): a functioning standby stays active while the group has fewer
 * active members than non-standby ones, and goes idle when it has more.
 */
void member_set_standby(struct ipmp_member *m, bool standby)
{
	struct ipmp_group *g = m->group;
	unsigned nnonstandby = 0, nactive = 0, flags = m->flags;

	group_begin(g);
	if (!standby) {
		member_chstate(m, m->state, flags & ~(MEMBER_F_STANDBY | MEMBER_F_INACTIVE));
		group_end(g);
		return;
	}
	flags |= MEMBER_F_STANDBY;
	group_for_each_member(g, o) {
		if (o != m && !(o->flags & MEMBER_F_STANDBY))
			nnonstandby++;
		if (member_functioning(o) && !(o->flags & MEMBER_F_INACTIVE))
			nactive++;
	}
	if (member_functioning(m)) {
		if (nactive == 0 || nactive < nnonstandby)
			flags &= ~MEMBER_F_INACTIVE;
		else if (nactive > nnonstandby)
			flags |= MEMBER_F_INACTIVE;
	}
	member_chstate(m, m->state, flags);
	group_end(g);
}

/* spec 3.13, repair action. */
void member_repair(struct ipmp_member *m)
{
	group_begin(m->group);
	pr_err("IP interface repair detected on %s of group %s", m->ifname, m->group->name);
	if (m->state == MEMBER_OFFLINE)
		member_chstate(m, MEMBER_OFFLINE, m->flags & ~MEMBER_F_FAILED);
	else
		member_run(m, RUN_REPAIR);
	group_end(m->group);
}

/*
 * Resume from what the previous agent left (restart adoption): offline
 * stays offline (flag h too), a failed member with its link up stays
 * failed for probing to repair (the agent keeps the flag only where
 * probing will run), an inactive one stays inactive. The link, read
 * now, has the last word: a member whose link went down while no agent
 * ran is found failed.
 */
static bool member_resume(struct ipmp_member *m)
{
	unsigned kept = m->prior.flags &
			(MEMBER_F_FAILED | MEMBER_F_OFFLINE | MEMBER_F_INACTIVE | MEMBER_F_HWADDRDUP);
	unsigned flags = (m->flags & MEMBER_F_STANDBY) | kept;

	if (!m->prior.known)
		return false;
	m->prior.known = false;
	if (m->prior.state == MEMBER_OFFLINE) {
		if (!m->ifindex || !m->link_up)
			flags |= MEMBER_F_FAILED;
		member_chstate(m, MEMBER_OFFLINE, flags | MEMBER_F_OFFLINE);
		return true;
	}
	if (!m->ifindex || !m->link_up)
		return false;	/* found failed: the usual first transition says so */
	if (m->prior.state == MEMBER_FAILED && (kept & MEMBER_F_FAILED)) {
		pr_info("%s: failed when the previous agent stopped; probes will repair it",
			m->ifname);
		member_chstate(m, MEMBER_FAILED, flags & ~MEMBER_F_INACTIVE);
		return true;
	}
	if (m->prior.state != MEMBER_RUNNING)
		return false;
	member_chstate(m, MEMBER_RUNNING, flags & ~(MEMBER_F_FAILED | MEMBER_F_OFFLINE));
	return true;
}

/* A member's first transition: running if its link is up, else failed. */
static void member_first_transition(struct ipmp_member *m)
{
	if (member_resume(m))
		return;
	if (m->ifindex && m->link_up) {
		member_run(m, RUN_INITIAL);
		return;
	}
	if (!m->ifindex)
		pr_err("IP interface %s of group %s does not exist; treating it as failed", m->ifname,
		       m->group->name);
	else
		pr_err("The link has gone down on %s", m->ifname);
	member_chstate(m, MEMBER_FAILED, (m->flags | MEMBER_F_FAILED) & ~MEMBER_F_INACTIVE);
}

static bool group_any_active(const struct ipmp_group *g)
{
	group_for_each_member(g, m)
		if (member_active(m))
			return true;
	return false;
}

/*
 * First transitions: members whose link is up start running (standby ones
 * inactive), the others start failed, as if their link had just gone down
 * (in.mpathd initialises link state to up for that reason, spec 3.4).
 * Members resumed inactive after a restart may leave none active while
 * one functions: one is activated, as after a failure. Members sharing a
 * MAC are offlined with flag h (spec 3.16). Nothing reaches the data plane
 * until the single commit at the end.
 */
void group_start(struct ipmp_group *g)
{
	group_begin(g);
	group_for_each_member(g, m)
		member_first_transition(m);
	if (!group_any_active(g))
		group_activate_another(g, NULL);
	group_for_each_member(g, m)
		hwaddr_check_at_start(m);
	g->started = true;
	group_end(g);	/* binds every address; announces those that moved */
}

void group_adopt_state(struct ipmp_group *g, enum group_state state)
{
	if (!g->started && state < GROUP_STATE__MAX)
		g->state = state;
}

void group_adopt_binding(struct ipmp_group *g, unsigned index, struct ipmp_member *m)
{
	if (!g->started && index < g->naddrs)
		binding_adopt(&g->addrs[index], m);
}

int group_member_add(struct ipmp_group *g, const struct config_member *cm,
		     struct ipmp_member **out)
{
	struct ipmp_member *m = NULL;

	if (group_member_by_name(g, cm->ifname))
		return -EEXIST;
	for (unsigned i = 0; i < IPMP_MAX_MEMBERS && !m; i++)
		if (!g->members[i].used)
			m = &g->members[i];
	if (!m)
		return -ENOSPC;
	memset(m, 0, sizeof(*m));
	m->used = true;
	m->slot = m - g->members;
	m->joined = ++g->njoined;
	m->cfg = *cm;
	snprintf(m->ifname, sizeof(m->ifname), "%s", cm->ifname);
	m->group = g;
	m->flags = cm->standby ? MEMBER_F_STANDBY : 0;
	m->probe.member = m;
	m->probe.family = AF_INET;
	m->probe6.member = m;
	m->probe6.family = AF_INET6;
	g->nmembers++;
	g->generation++;
	if (out)
		*out = m;
	if (g->started) {
		group_begin(g);
		pr_info("%s: joined group %s", m->ifname, g->name);
		member_event(m, GROUP_EVENT_MEMBER_JOINED);
		group_end(g);
	}
	return 0;
}

void group_member_start(struct ipmp_member *m)
{
	struct ipmp_group *g = m->group;

	if (!g->started || m->state != MEMBER_INIT)
		return;
	group_begin(g);
	member_first_transition(m);
	hwaddr_check(m, NULL);
	group_end(g);
}

/*
 * spec 3.14 phyint removal, in in.mpathd's order: the member leaves the
 * group (its addresses are unbound at once: its slot may be taken by a
 * member joining in the same decision), a duplicate it shadowed comes
 * back (spec 3.16), and another member is activated when none that
 * carries data remains or the one leaving was an active standby. The
 * commit then binds its addresses to the least loaded active members and
 * deletes it from the data plane before announcing them.
 */
void group_member_remove(struct ipmp_member *m)
{
	struct ipmp_group *g = m->group;
	bool active_standby = member_active(m) && (m->flags & MEMBER_F_STANDBY);
	unsigned nactive = 0;

	group_begin(g);
	pr_info("%s: left group %s", m->ifname, g->name);
	member_event(m, GROUP_EVENT_MEMBER_LEFT);
	binding_release(g, m);
	m->used = false;
	g->nmembers--;
	g->generation++;
	if (g->nominated == m)
		g->nominated = NULL;
	if (g->nominated6 == m)
		g->nominated6 = NULL;
	if (!(m->flags & MEMBER_F_HWADDRDUP))
		hwaddr_release_shadowed(m, m->mac);
	group_for_each_member(g, o)
		nactive += member_active(o);
	if (nactive == 0 || active_standby)
		group_activate_another(g, m);
	group_end(g);
}

bool group_has_family(const struct ipmp_group *g, int family)
{
	for (unsigned i = 0; i < g->naddrs; i++)
		if (g->addrs[i].prefix.family == family)
			return true;
	return false;
}
