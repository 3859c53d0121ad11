// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Members joining and leaving (spec 3.14 phyint removal), their first
 * transition, and resuming where a previous agent left off (restart
 * adoption): part of the model (agent/group.h), no I/O.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "group.h"
#include "group_int.h"
#include "log.h"

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
void member_first_transition(struct ipmp_member *m)
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

void group_adopt_state(struct ipmp_group *g, enum group_state state)
{
	if (!g->started && state < GROUP_STATE__MAX)
		g->state = state;
}

void group_adopt_member(struct ipmp_member *m, enum member_state state, unsigned flags)
{
	if (!m->group->started)
		m->prior = (struct member_prior){ .known = true, .state = state, .flags = flags };
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
		if (!g->members[i].used && !g->members[i].departing)
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
	offline_hwaddr_check(m, NULL);
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
	m->departing = g->started;	/* released by the commit, after the push */
	g->nmembers--;
	g->generation++;
	if (g->nominated == m)
		g->nominated = NULL;
	if (g->nominated6 == m)
		g->nominated6 = NULL;
	if (!(m->flags & MEMBER_F_HWADDRDUP))
		offline_release_shadowed(m, m->mac);
	group_for_each_member(g, o)
		nactive += member_active(o);
	if (nactive == 0 || active_standby)
		group_activate_another(g, m);
	group_end(g);
}

void group_member_reconfigure(struct ipmp_member *m, const struct config_member *cm)
{
	m->cfg = *cm;
}

