// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Event fan-out (agent/events.h): the model's group_ops, and every event
 * turned into a monitor line, a metrics refresh, a failover counted.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "control.h"
#include "events.h"
#include "hooks.h"
#include "linkwatch.h"
#include "log.h"
#include "metrics.h"
#include "provision.h"
#include "snapshot.h"

static void ops_push(struct ipmp_group *g, void *ctx)
{
	struct agent_group *ag = ctx;

	dataplane_push(&ag->dp, g);
	mcast_sync_soon(ag->agent, ag);
}

static void ops_announce(struct ipmp_group *g, struct ipmp_addr *addr, void *ctx)
{
	struct agent_group *ag = ctx;
	char buf[IP_PREFIX_STRLEN];

	if (!addr->bound)
		return;
	pr_info("%s is now bound to %s in group %s",
		ip_prefix_str(&addr->prefix, false, buf, sizeof(buf)), addr->bound->ifname, g->name);
	announcer_start(ag->agent->announcer, addr->bound->ifindex, addr->bound->mac, addr->vlan,
			&addr->prefix);
}

static void ops_timer_arm(struct ipmp_member *m, uint64_t deadline_ms, void *ctx)
{
	linkwatch_timer_arm(ctx, m, deadline_ms);
}

void events_stamp(struct agent *a, json_t *obj)
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
	char buf[IP_PREFIX_STRLEN], mac[MAC_STRLEN], flags[8];
	json_t *obj = NULL;

	metrics_changed(a);
	hooks_event(a, ag, ev);
	/* a failover: an address left a member that stopped carrying data (not a failback) */
	if (ev->kind == GROUP_EVENT_FAILOVER && ev->addr->bound && ev->left_failed)
		metrics_failover(a, ag);
	if (!control_followers(a->control, CONTROL_STREAM_EVENTS))
		return;	/* nobody follows events (ipmpadm monitor): none built */
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
		mac_str(ev->addr->bound->mac, mac);
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
	events_stamp(a, obj);
	control_publish(a->control, CONTROL_STREAM_EVENTS, obj);
	json_decref(obj);
}

/* Act first, tell after: the decision's first announcements before its log lines. */
static void ops_committed(struct ipmp_group *g, void *ctx)
{
	struct agent_group *ag = ctx;

	ag->committed_ns = clock_now_ns(ag->agent->clock);
	announcer_pump(ag->agent->announcer);
}

/* Out of the maps now: its filter, XDP and test address come off; the group's MTU may grow. */
static void ops_member_left(struct ipmp_group *g, struct ipmp_member *m, void *ctx)
{
	struct agent_group *ag = ctx;

	provision_member_release(ag->agent, ag, m);
	provision_group_mtu(ag->agent, ag);
}

const struct group_ops events_group_ops = {
	.push = ops_push,
	.announce = ops_announce,
	.timer_arm = ops_timer_arm,
	.event = ops_event,
	.member_left = ops_member_left,
	.committed = ops_committed,
};

/* Every resolved probe goes to ipmpstat -p subscribers (spec 1.3.5). */
void events_probe_resolved(void *agent_group, const struct probe_instance *pi,
			   const struct probe_slot *s)
{
	struct agent_group *ag = agent_group;
	const struct probe_target *t = targets_find((struct probe_instance *)pi, &s->target);
	bool acked = s->status == PR_ACKED;
	char buf[IP_PREFIX_STRLEN];
	json_t *ev;

	if (!control_followers(ag->agent->control, CONTROL_STREAM_PROBES))
		return;	/* nobody to tell: no JSON built per probe */
	ev = json_pack("{s:s, s:s, s:i, s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "event", "probe",
		       "interface", pi->member->ifname, "id", s->seq, "target",
		       ip_prefix_str(&s->target, false, buf, sizeof(buf)), "state",
		       acked ? "acked" : "lost", "start_ns", (json_int_t)s->sent_ns, "netrtt_ns",
		       (json_int_t)(acked && s->rx_ns > s->sent_ns ? s->rx_ns - s->sent_ns : 0),
		       "rtt_ns", (json_int_t)(acked ? s->done_ns - s->sent_ns : 0), "rttavg_ns",
		       (json_int_t)(t && t->sa_ns > 0 ? t->sa_ns / 8 : 0), "rttdev_ns",
		       (json_int_t)(t ? t->sv_ns / 4 : 0));
	if (ev) {
		json_object_set_new(ev, "group", json_string(pi->member->group->ifname));
		events_stamp(ag->agent, ev);
		control_publish(ag->agent->control, CONTROL_STREAM_PROBES, ev);
		json_decref(ev);
	}
}

