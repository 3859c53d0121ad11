// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Link-based failure detection (spec 3.5): carrier loss fails a member at
 * once; carrier back repairs it, unless the link came up more than
 * LINK_UP_PERMIN times in the last minute, in which case repair waits
 * until the oldest of those link-ups leaves the minute.
 *
 *   Event      State                  New state / action
 *   link down  running, others up     failed; addresses rebound (member_fail)
 *   link down  running, none else up  group failure (group_fail)
 *   link down  offline, group not     "IP interface failure detected"; stays
 *              failed                 offline with the FAILED flag (member_fail)
 *   link down  offline, group failed  offline, FAILED flag set
 *   link up    failed, not flapping   repaired: running, active or inactive
 *   link up    failed, probing        failed; probes repair it (10 replies), even
 *              enabled                while no target is known yet
 *   link up    failed, flapping       failed; timer at end of flap window
 *   timer      failed, link up        re-check as for link up
 *
 * Each event is one decision (group_begin/group_end): whatever it changes
 * is committed once, at its end.
 */
#include "group.h"
#include "log.h"

static void link_record_up(struct ipmp_member *m, uint64_t now)
{
	for (unsigned i = LINK_UP_PERMIN; i > 0; i--)
		m->linkup_ms[i] = m->linkup_ms[i - 1];
	m->linkup_ms[0] = now ? now : 1;	/* 0 means "no link-up" */
}

/* More than LINK_UP_PERMIN link-ups within the last minute? */
static bool link_flapping(const struct ipmp_member *m, uint64_t now, uint64_t *until_ms)
{
	uint64_t oldest = m->linkup_ms[LINK_UP_PERMIN];

	if (!oldest || now - oldest >= LINK_FLAP_WINDOW_MS)
		return false;
	*until_ms = oldest + LINK_FLAP_WINDOW_MS;
	return true;
}

static void link_check_repair(struct ipmp_member *m)
{
	uint64_t now = clock_now_ms(m->group->clock), until_ms;

	if (!m->link_up || !(m->flags & MEMBER_F_FAILED))
		return;
	if (member_probe_enabled(m))
		return;		/* spec 3.13: with probing, repair is the probes' (targets or not) */
	if (link_flapping(m, now, &until_ms)) {
		if (!m->flap_logged)
			pr_err("The link has come up on %s more than %d times in the last minute; "
			       "disabling repair until it stabilizes", m->ifname, LINK_UP_PERMIN);
		m->flap_logged = true;
		m->repair_deferred = true;
		m->group->ops->timer_arm(m, until_ms, m->group->ops_ctx);
		return;
	}
	m->flap_logged = false;
	m->repair_deferred = false;
	member_repair(m);
}

/*
 * spec 3.5: a link-down is classified (interface or group failure) unless
 * the member has failed already or its group has; an offline member keeps
 * the failure as a flag, so undo-offline finds it failed.
 */
static void link_down(struct ipmp_member *m)
{
	struct ipmp_group *g = m->group;

	pr_err("The link has gone down on %s", m->ifname);
	m->repair_deferred = false;
	probe_link_down(&m->probe);
	probe_link_down(&m->probe6);
	if (m->state == MEMBER_RUNNING ||
	    (m->state != MEMBER_FAILED && g->state != GROUP_FAILED)) {
		if (group_link_failure_is_group(g, m))
			group_fail(g);
		else
			member_fail(m);
	}
	if (m->state == MEMBER_OFFLINE)
		member_chstate(m, MEMBER_OFFLINE, m->flags | MEMBER_F_FAILED);
}

void link_update(struct ipmp_member *m, bool up)
{
	struct ipmp_group *g = m->group;

	if (m->link_up == up)
		return;
	m->link_up = up;
	if (!g->started)
		return;
	group_begin(g);
	if (!up) {
		link_down(m);
	} else {
		pr_err("The link has come up on %s", m->ifname);
		link_record_up(m, clock_now_ms(g->clock));
		link_check_repair(m);
	}
	group_end(g);
}

void link_timer(struct ipmp_member *m)
{
	if (!m->repair_deferred)
		return;
	group_begin(m->group);
	link_check_repair(m);
	group_end(m->group);
}
