// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What a probe reply means (spec 3.9-3.11): it is checked against the
 * probe it answers (window, slot, source, duplicate), feeds its target's
 * RTT estimator with spike suppression, and may raise or lower the
 * group's failure detection time. Part of probe-based detection
 * (agent/probe.h); agent/probe.c sends and decides.
 */
#include <string.h>

#include "group.h"
#include "log.h"
#include "probe.h"
#include "probe_int.h"

/* in.mpathd's AF_STR(): how its messages name a family. */
static const char *af_str(const struct probe_instance *pi)
{
	return pi->family == AF_INET6 ? "inet6" : "inet";
}

static void fdt_log_raise(struct probe_instance *pi)
{
	struct probe_group *pg = pg_of(pi);

	pr_info("Cannot meet requested failure detection time of %u ms on (%s %s) new failure "
		"detection time for group \"%s\" is %u ms", pg->user_fdt_ms, af_str(pi),
		pi->member->ifname, pi->member->group->name, pg->fdt_ms);
}

/*
 * Every probe-capable instance of every member not in state failed has
 * all its active targets within limit (in.mpathd's check_pg_crtt_improved).
 */
static bool group_all_targets_fast(struct ipmp_group *g, unsigned limit_ms)
{
	group_for_each_member(g, m) {
		for (int f = 0; f < 2; f++) {
			struct probe_instance *o = f ? &m->probe6 : &m->probe;

			if (!probe_capable(o) || m->state == MEMBER_FAILED)
				continue;
			for (unsigned j = 0; j < o->ntargets; j++)
				if (o->targets[j].status == TG_ACTIVE &&
				    o->targets[j].crtt_ms > limit_ms)
					return false;
		}
	}
	return true;
}

/*
 * spec 3.11: a target slower than the probe interval either is the odd
 * one out (parked, or replaced if a host) or raises the group's FDT. When
 * every target is fast again and the last raise is more than a minute
 * old, the FDT is halved (never below the configured value); lowering
 * does not restart that minute, so a reply after the next halves again,
 * as in.mpathd's last_fdt_bumpup_time, which only a raise sets. A lower
 * FDT seen in an RTT-only reply is logged as an error (in.mpathd does).
 */
static void fdt_adapt(struct probe_instance *pi, struct probe_target *t, uint64_t now_ms,
		      bool rtt_only)
{
	struct probe_group *pg = pg_of(pi);
	struct ipmp_group *g = pi->member->group;
	bool exception = targets_active(pi) >= MIN_PROBE_TARGETS + 1;

	if (t->crtt_ms > pg->interval_ms) {
		for (unsigned i = 0; i < pi->ntargets && exception; i++)
			if (&pi->targets[i] != t && pi->targets[i].status == TG_ACTIVE &&
			    pi->targets[i].crtt_ms > pg->interval_ms / EXCEPTION_FACTOR)
				exception = false;
		if (exception) {
			if (pi->mode == TARGETS_MULTICAST) {
				struct ip_prefix addr = t->addr;

				targets_remove(pi, &addr);
				probe_send_multicast(pi, now_ms * 1000000);
			} else {
				target_rtt_reset(t);
				target_set_status(t, TG_SLOW, now_ms);
			}
			return;
		}
		pg->interval_ms = t->crtt_ms * NEXT_FDT_MULTIPLE;
		pg->fdt_ms = pg->interval_ms * (NUM_PROBE_FAILS + 2);
		pg->last_raise_ms = now_ms;
		fdt_log_raise(pi);
		return;
	}
	if (t->crtt_ms < pg->interval_ms / LOWER_FDT_TRIGGER && pg->fdt_ms > pg->user_fdt_ms &&
	    now_ms - pg->last_raise_ms > MIN_SETTLING_TIME_MS &&
	    group_all_targets_fast(g, pg->interval_ms / LOWER_FDT_TRIGGER)) {
		pg->fdt_ms = pg->fdt_ms / 2 > pg->user_fdt_ms ? pg->fdt_ms / 2 : pg->user_fdt_ms;
		pg->interval_ms = pg->fdt_ms == pg->user_fdt_ms ? pg->user_interval_ms
							      : pg->fdt_ms / (NUM_PROBE_FAILS + 2);
		log_msg(rtt_only ? LOG_ERR : LOG_INFO,
			"Improved failure detection time %u ms on (%s %s) for group \"%s\"",
			pg->fdt_ms, af_str(pi), pi->member->ifname, g->name);
	}
}

/*
 * spec 3.10 spike suppression: a sample that would push the CRTT past the
 * probe interval is held back; a second one in a row is believed (both
 * are folded in), a normal one discards it.
 */
static void rtt_update(struct probe_instance *pi, struct probe_target *t, int64_t rtt_ns,
		       uint64_t now_ms)
{
	if (target_rtt_sample(t, rtt_ns, false) > pg_of(pi)->interval_ms) {
		if (!t->ndeferred) {
			t->deferred_ns[t->ndeferred++] = rtt_ns;
			return;
		}
		target_rtt_sample(t, t->deferred_ns[0], true);
	}
	t->ndeferred = 0;
	target_rtt_sample(t, rtt_ns, true);
	fdt_adapt(pi, t, now_ms, false);
}

/* A later probe to the same target already answered: this reply is stale. */
static bool newer_ack_to(struct probe_instance *pi, const struct ip_prefix *target, uint16_t seq)
{
	for (unsigned i = 0; i < PROBE_STATS_COUNT; i++) {
		const struct probe_slot *s = &pi->slots[i];

		if (s->status == PR_ACKED && (int16_t)(s->seq - seq) > 0 &&
		    ip_prefix_same_addr(&s->target, target))
			return true;
	}
	return false;
}

/* in.mpathd's debug trace for a refused reply (spec 3.9); formats only when refusing. */
static void reply_refused(const struct probe_instance *pi, const struct probe_reply *r,
			  const char *why, int status)
{
	char from[IP_PREFIX_STRLEN];

	ip_prefix_str(&r->src, false, from, sizeof(from));
	if (status < 0)
		pr_debug("%s probe seq %u snxt %u on %s from %s", why, r->seq, pi->snxt,
			 pi->member->ifname, from);
	else
		pr_debug("probe status %d %s probe reply seq %u snxt %u on %s from %s", status, why,
			 r->seq, pi->snxt, pi->member->ifname, from);
}

/* at_ns: when the reply was received; now_ns: when it is handled */
static void reply_unicast(struct probe_instance *pi, const struct probe_reply *r, uint64_t at_ns,
			  uint64_t now_ns)
{
	struct ipmp_member *m = pi->member;
	uint16_t back = pi->snxt - r->seq;	/* 16-bit serial arithmetic (spec 5.5) */
	struct probe_target *t;
	struct probe_slot *s;
	int64_t rtt_ns;

	if (back < 1 || back > PROBE_STATS_COUNT) {
		reply_refused(pi, r, "out of window", -1);
		pi->counters.unknown++;
		return;
	}
	s = probe_slot_back(pi, back);
	if (s->status == PR_UNUSED || s->seq != r->seq || !ip_prefix_same_addr(&s->target, &r->src)) {
		reply_refused(pi, r, "Fake", s->status);
		pi->counters.spoofed++;
		return;
	}
	if (s->status == PR_ACKED) {
		reply_refused(pi, r, "Duplicate", s->status);
		pi->counters.unknown++;
		return;
	}
	t = targets_find(pi, &r->src);
	rtt_ns = (int64_t)(at_ns - s->sent_ns);
	if (t && rtt_ns >= 0 && rtt_ns / 1000000 <= (int64_t)PROBE_STATS_COUNT * pg_of(pi)->interval_ms &&
	    m->state == MEMBER_RUNNING && m->group->state != GROUP_FAILED &&
	    !newer_ack_to(pi, &r->src, r->seq))
		rtt_update(pi, t, rtt_ns, now_ns / 1000000);
	s->status = PR_ACKED;
	s->rx_ns = r->rx_ns;
	s->acked_ns = at_ns;
	s->done_ns = now_ns;
	pi->counters.acked++;
	probe_slot_resolved(pi, s);
	pi->quiet_until_ms = 0;	/* the path works: the quiet period is over */
}

static void reply_rtt(struct probe_instance *pi, const struct probe_reply *r, uint64_t at_ns,
		      uint64_t now_ns)
{
	struct probe_target *t = targets_find(pi, &r->src);
	struct ipmp_member *m = pi->member;
	int64_t rtt_ns = (int64_t)(at_ns - r->sent_ns);

	if (!t || rtt_ns < 0 || m->state != MEMBER_RUNNING || m->group->state == GROUP_FAILED)
		return;
	/* several may be out at once: they may only lower the estimate */
	if (target_rtt_sample(t, rtt_ns, false) < t->crtt_ms) {
		target_rtt_sample(t, rtt_ns, true);
		fdt_adapt(pi, t, now_ns / 1000000, true);
	}
}

static void reply_multicast(struct probe_instance *pi, const struct probe_reply *r)
{
	static const uint8_t zero[16];

	if (pi->mode == TARGETS_ROUTES || pi->mode == TARGETS_CONFIGURED ||
	    targets_active(pi) >= MAX_PROBE_TARGETS)
		return;
	if (!memcmp(r->src.addr, zero, ip_addr_len(r->src.family)) ||
	    ip_prefix_same_addr(&r->src, &pi->test_addr))
		return;
	ops_of(pi)->target_found(pi, &r->src, ctx_of(pi));
}

/*
 * A reply's time is when the kernel received it (member_xdp's stamp), not
 * when the agent read it: replies wait in the ring buffer until the next
 * tick (probe_io_drain()), and that wait is no part of the path's RTT.
 * Without a stamp (or one from the future: another clock), now.
 */
void probe_reply(struct probe_instance *pi, const struct probe_reply *r)
{
	uint64_t now_ns = now_ns_of(pi), at_ns = r->rx_ns && r->rx_ns <= now_ns ? r->rx_ns : now_ns;

	if (!pi->enabled || !pi->member->link_up)
		return;		/* replies while the link is down are dropped (spec 3.5) */
	switch (r->kind) {
	case PROBE_UNI:
		reply_unicast(pi, r, at_ns, now_ns);
		break;
	case PROBE_RTT:
		reply_rtt(pi, r, at_ns, now_ns);
		break;
	case PROBE_MULTI:
		reply_multicast(pi, r);
		break;
	}
}
