// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Groups and members: creation, the activation policy (spec 3.14), the
 * failure and repair actions (spec 3.13), the group state (spec 3.15) and
 * the commit that makes each decision real once. The only writers of
 * state are member_chstate() and group_chstate(). Offline and duplicate
 * hardware addresses (spec 3.16) are agent/offline.c; members joining,
 * leaving and making their first transition are agent/membership.c.
 * One concern, past 600 lines: the state machine and its commit read and
 * write the same fields, and split they would need each other's insides.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "group_int.h"
#include "ipmp_errors.h"
#include "log.h"

const char *const member_state_names[MEMBER_STATE__MAX] = {
	[MEMBER_INIT] = "init",
	[MEMBER_RUNNING] = "running",
	[MEMBER_FAILED] = "failed",
	[MEMBER_OFFLINE] = "offline",
	[MEMBER_NOTARGETS] = "notargets",
};

const char *const group_state_names[GROUP_STATE__MAX] = {
	[GROUP_OK] = "ok",
	[GROUP_DEGRADED] = "degraded",
	[GROUP_FAILED] = "failed",
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

/* spec 3.14: PI_RUNNING, or PI_NOTARGETS without IFF_FAILED. */
bool member_functioning(const struct ipmp_member *m)
{
	return m->state == MEMBER_RUNNING ||
	       (m->state == MEMBER_NOTARGETS && !(m->flags & MEMBER_F_FAILED));
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
void member_event(struct ipmp_member *m, enum group_event_kind kind)
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
	struct group_event ev = { .kind = GROUP_EVENT_GROUP_STATE, .from = g->state, .to = state };
	const struct ipmp_member *m;

	if (g->state == state)
		return;
	pr_info("group %s: %s -> %s", g->name, group_state_names[g->state],
		group_state_names[state]);
	g->state = state;
	g->generation++;
	group_event(g, &ev);
	if (state == GROUP_FAILED && g->started) {
		pr_err("All IP interfaces in group %s are now unusable", g->name);
		g->failure_logged = true;
		/* spec 3.13: the targets may all have been replaced; find them anew */
		group_for_each_member(g, o) {
			targets_flush_hosts(&o->probe);
			targets_flush_hosts(&o->probe6);
		}
	} else if (ev.from == GROUP_FAILED && g->failure_logged) {
		m = group_first_functioning(g);
		pr_err("At least 1 IP interface (%s) in group %s is now usable",
		       m ? m->ifname : "?", g->name);
		g->failure_logged = false;
	}
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
static void group_commit_once(struct ipmp_group *g)
{
	unsigned moved;
	bool departing = false;

	/*
	 * Most decisions change nothing (a probe answered, a timer): every
	 * change bumps the generation, so an unchanged one with nothing
	 * queued has nothing to rebalance, push or announce. This keeps a
	 * probe's cost apart from the number of addresses.
	 */
	for (unsigned i = 0; i < IPMP_MAX_MEMBERS && !departing; i++)
		departing = g->members[i].departing;
	if (g->generation == g->pushed_generation && !g->npending && !departing)
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
	for (unsigned i = 0; i < IPMP_MAX_MEMBERS; i++) {
		struct ipmp_member *m = &g->members[i];

		if (!m->departing)
			continue;
		m->departing = false;
		if (g->ops->member_left)
			g->ops->member_left(g, m, g->ops_ctx);
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

static void group_commit(struct ipmp_group *g)
{
	/*
	 * What the commit's own callbacks do (a departed member's release
	 * stops its probing, a decision of its own) must not commit inside
	 * this one: they are held, and committed by another round here.
	 */
	for (unsigned round = 0; round < 4 && g->started; round++) {
		g->holds++;
		group_commit_once(g);
		g->holds--;
		if (!g->npending && g->generation == g->pushed_generation)
			return;
	}
}

/* A decision's log lines wait for its commit and first announcements (log_hold()). */
void group_begin(struct ipmp_group *g)
{
	if (!g->holds++)
		log_hold();
}

/*
 * PI_NOTARGETS (spec 3.6, 3.12), refreshed at the end of every decision
 * rather than at each place a target list changes: a running or failed
 * member whose probing is enabled but has no target at all (and whose
 * link is up) goes to it, keeping its FAILED flag; it leaves it for
 * running or failed (by that flag) once a target is known, or once no
 * family probes any more.
 */
static void member_targets_refresh(struct ipmp_member *m)
{
	bool enabled = member_probe_enabled(m), capable = member_probe_capable(m);

	if ((m->state == MEMBER_RUNNING || m->state == MEMBER_FAILED) && enabled && !capable &&
	    m->link_up)
		member_chstate(m, MEMBER_NOTARGETS, m->flags);
	else if (m->state == MEMBER_NOTARGETS && (capable || !enabled))
		member_chstate(m, m->flags & MEMBER_F_FAILED ? MEMBER_FAILED : MEMBER_RUNNING,
			       m->flags);
}

void group_end(struct ipmp_group *g)
{
	if (g->started) {
		group_for_each_member(g, m)
			member_targets_refresh(m);
		group_refresh_state(g);	/* may flush host targets (spec 3.13) */
		group_for_each_member(g, m)
			member_targets_refresh(m);
	}
	if (g->holds && --g->holds == 0) {
		group_commit(g);
		if (g->ops->committed)
			g->ops->committed(g, g->ops_ctx);
		log_release();
	}
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
void group_activate_another(struct ipmp_group *g, const struct ipmp_member *except)
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
void member_run(struct ipmp_member *m, enum run_reason why)
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
 * another member still works with its link up and the group is not
 * failed; otherwise the whole group has failed. in.mpathd counts only
 * PI_RUNNING members there, so a member waiting for probe targets
 * (PI_NOTARGETS) made any other member's link-down a group failure, a
 * total outage with a working link left; here a functioning member with
 * its link up counts, as a member without probing does (design.md).
 */
bool group_link_failure_is_group(const struct ipmp_group *g, const struct ipmp_member *m)
{
	if (g->state == GROUP_FAILED)
		return true;
	group_for_each_member(g, o) {
		if (o != m && member_functioning(o) && o->link_up)
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
		offline_hwaddr_check_at_start(m);
	g->started = true;
	group_end(g);	/* binds every address; announces those that moved */
}

bool group_has_family(const struct ipmp_group *g, int family)
{
	for (unsigned i = 0; i < g->naddrs; i++)
		if (g->addrs[i].prefix.family == family)
			return true;
	return false;
}
