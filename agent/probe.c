// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Probe-based failure detection: scheduling, the probe history, RTT and
 * the adaptive failure detection time, and the failure/repair decisions
 * (spec 3.8-3.13). agent/targets.c keeps the targets.
 *
 * One probe per user probe interval (FDT / 7), at a random point in the
 * interval's second half: when probe n goes out, n-2 is surely lost if
 * unanswered, n-1 may still be on its way; hence 5 losses + 2 intervals.
 *
 *   Event            State                     Action
 *   tick             no active target          multicast probe (discovery)
 *   tick             FDT raised, before FD     RTT-only probe
 *   tick             running, in quiet period  probe; losses do not count
 *   tick             running, >= 5 lost        classify: member_fail() when
 *                                              another member still gets
 *                                              answers (or has no probing),
 *                                              else group_fail()
 *   tick             failed, >= 10 acked,      member_repair()
 *                    link up
 *   tick             target lost 5 in a row,   router/configured: DEAD;
 *                    instance not failing      host: deleted, rediscover
 *   (replies: agent/probe_reply.c)
 *   reply (UNI)      in window, from the       ack; RTT sample (spikes
 *                    slot's target             deferred); FDT raised/lowered
 *   reply (UNI)      out of window / wrong     counted, ignored
 *                    source / duplicate
 *   reply (MULTI)    no routers, < 5 targets   responder offered as target
 *   link down        any                       history forgotten
 */
#include <errno.h>
#include <string.h>

#include "group.h"
#include "log.h"
#include "probe.h"
#include "probe_int.h"

static uint32_t rng_next(struct probe_instance *pi)
{
	uint64_t x = pi->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	pi->rng = x;
	return x >> 32;
}

/* splitmix64: seeds that differ in a few low bits give unrelated streams */
static uint64_t seed_scramble(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x ? x : 1;
}

static unsigned rand_between(struct probe_instance *pi, unsigned lo, unsigned hi)
{
	return hi > lo ? lo + rng_next(pi) % (hi - lo + 1) : lo;
}

void probe_group_init(struct probe_group *pg, unsigned fdt_ms)
{
	pg->user_fdt_ms = fdt_ms;
	pg->user_interval_ms = fdt_ms / (NUM_PROBE_FAILS + 2);
	pg->fdt_ms = fdt_ms;
	pg->interval_ms = pg->user_interval_ms;
	pg->last_raise_ms = 0;
}

bool probe_capable(const struct probe_instance *pi)
{
	return pi->enabled && targets_active(pi) > 0;
}

bool member_probe_capable(const struct ipmp_member *m)
{
	return probe_capable(&m->probe) || probe_capable(&m->probe6);
}

bool member_probe_enabled(const struct ipmp_member *m)
{
	return m->probe.enabled || m->probe6.enabled;
}

/* Its other instance. */
static struct probe_instance *other_family(struct probe_instance *pi)
{
	return pi->family == AF_INET6 ? &pi->member->probe : &pi->member->probe6;
}

static void history_clear(struct probe_instance *pi)
{
	memset(pi->slots, 0, sizeof(pi->slots));
}

void probe_start(struct probe_instance *pi, struct ipmp_member *m, const struct ip_prefix *test_addr,
		 uint16_t echo_id, uint64_t seed)
{
	uint64_t now_ms;

	pi->member = m;
	pi->enabled = true;
	pi->test_addr = *test_addr;
	pi->echo_id = echo_id;
	pi->next_slot = 0;
	pi->rng = seed_scramble(seed);	/* so members' probes spread out (spec 3.8) */
	history_clear(pi);
	now_ms = clock_now_ms(m->group->clock);
	/*
	 * in.mpathd creates an instance once per interface and family:
	 * sequence numbers start at 1 and the spanning-tree quiet period runs
	 * from then, not from every restart of probing (undo-offline, a new
	 * test address), which would blind detection for 40 s each time.
	 */
	if (!pi->created) {
		pi->created = true;
		pi->snxt = 1;
		pi->quiet_until_ms = now_ms + FAILURE_DETECTION_QP_MS;
	}
	pi->base_ms = now_ms + rand_between(pi, 0, pg_of(pi)->interval_ms);
	pi->fd_base_ms = pi->base_ms;
	pi->deadline_ms = pi->base_ms;
	ops_of(pi)->timer_arm(pi, pi->deadline_ms, ctx_of(pi));
}

void probe_stop(struct probe_instance *pi, bool forget)
{
	pi->enabled = false;
	if (forget)
		pi->created = false;	/* the netdev is gone: a new one is a new instance */
	history_clear(pi);
	for (unsigned i = 0; i < pi->ntargets; i++)
		target_rtt_reset(&pi->targets[i]);
}

void probe_link_down(struct probe_instance *pi)
{
	history_clear(pi);
}

/* The slot of the probe sent `back` probes ago (1: the newest). */
static unsigned slot_index(const struct probe_instance *pi, unsigned back)
{
	return (pi->next_slot + PROBE_STATS_COUNT - back) % PROBE_STATS_COUNT;
}

struct probe_slot *probe_slot_back(struct probe_instance *pi, unsigned back)
{
	return &pi->slots[slot_index(pi, back)];
}

static const struct probe_slot *slot_at(const struct probe_instance *pi, unsigned back)
{
	return &pi->slots[slot_index(pi, back)];
}

/*
 * How long an unanswered probe may wait: its target's CRTT, else (no
 * sample yet) the probe interval (spec 3.10). in.mpathd tests "CRTT = 0"
 * on a millisecond value, which a sub-millisecond path also truncates to;
 * the fallback then gave the newest probe a whole interval and a failure
 * could come one probe later than the FDT promises (found by
 * test_detection_never_exceeds_fdt). So: the estimate in nanoseconds, at
 * least a millisecond, and the interval only when there is no estimate.
 */
static uint64_t slot_timeout_ns(struct probe_instance *pi, const struct probe_slot *s)
{
	struct probe_target *t = targets_find(pi, &s->target);
	uint64_t crtt_ns;

	if (!t || t->sa_ns < 0)
		return (uint64_t)pg_of(pi)->interval_ms * 1000000;
	crtt_ns = t->sa_ns / 8 + t->sv_ns;
	return crtt_ns > 1000000 ? crtt_ns : 1000000;
}

void probe_slot_resolved(struct probe_instance *pi, const struct probe_slot *s)
{
	if (ops_of(pi)->resolved)
		ops_of(pi)->resolved(pi, s, ctx_of(pi));
}

static void slot_lose(struct probe_instance *pi, struct probe_slot *s, uint64_t now_ns)
{
	s->status = PR_LOST;
	s->lost_ns = now_ns;
	pi->counters.lost++;
	probe_slot_resolved(pi, s);
}

/*
 * Resolve the two newest probes (spec 3.8 step 4): the newest is lost if
 * its timeout passed, the one before it is lost in any case, since its
 * successor has been out for a whole interval.
 */
static void history_resolve(struct probe_instance *pi, uint64_t now_ns)
{
	struct probe_slot *newest = probe_slot_back(pi, 1), *older = probe_slot_back(pi, 2);

	if (newest->status == PR_UNACKED && now_ns >= newest->sent_ns + slot_timeout_ns(pi, newest))
		slot_lose(pi, newest, now_ns);
	if (older->status == PR_UNACKED)
		slot_lose(pi, older, now_ns);
}

/* The newest slot that is not still waiting for its reply. */
static const struct probe_slot *history_newest_resolved(const struct probe_instance *pi)
{
	for (unsigned back = 1; back <= PROBE_STATS_COUNT; back++) {
		const struct probe_slot *s = slot_at(pi, back);

		if (s->status != PR_UNACKED)
			return s->status == PR_UNUSED ? NULL : s;
	}
	return NULL;
}

/*
 * Consecutive losses from the newest resolved probe back (spec 3.13),
 * optionally only those sent to one target; *tff_ns gets the earliest
 * "declared lost" time of the run.
 */
static unsigned history_losses(const struct probe_instance *pi, const struct ip_prefix *only,
			       uint64_t *tff_ns)
{
	unsigned n = 0;

	*tff_ns = UINT64_MAX;
	for (unsigned back = 1; back <= PROBE_STATS_COUNT; back++) {
		const struct probe_slot *s = slot_at(pi, back);

		if (only && s->status != PR_UNUSED && !ip_prefix_same_addr(&s->target, only))
			continue;	/* another target's probe: not part of this run */
		if (s->status == PR_UNUSED || s->status == PR_ACKED)
			break;
		if (s->status == PR_UNACKED)
			continue;
		n++;
		if (s->lost_ns < *tff_ns)
			*tff_ns = s->lost_ns;
	}
	return n;
}

static unsigned history_acks(const struct probe_instance *pi, const struct ip_prefix *only)
{
	unsigned n = 0;

	for (unsigned back = 1; back <= PROBE_STATS_COUNT; back++) {
		const struct probe_slot *s = slot_at(pi, back);

		if (s->status == PR_UNACKED || (only && !ip_prefix_same_addr(&s->target, only)))
			continue;
		if (s->status != PR_ACKED)
			break;
		n++;
	}
	return n;
}

bool probe_repaired(const struct probe_instance *pi)
{
	const struct probe_slot *newest = history_newest_resolved(pi);

	if (!newest || newest->status != PR_ACKED)
		return false;
	return history_acks(pi, NULL) >= NUM_PROBE_REPAIRS ||
	       history_acks(pi, &newest->target) >= NUM_PROBE_REPAIRS;
}

bool probe_outstanding(const struct probe_instance *pi, const struct ip_prefix *target,
		       uint16_t *seq, uint64_t *sent_ns)
{
	for (unsigned back = 1; back <= PROBE_STATS_COUNT; back++) {
		const struct probe_slot *s = slot_at(pi, back);

		if (s->status == PR_UNUSED)
			return false;
		if (!ip_prefix_same_addr(&s->target, target))
			continue;
		if (s->status == PR_ACKED)
			return false;	/* the newest to it is answered: this one is extra */
		*seq = s->seq;
		*sent_ns = s->sent_ns;
		return true;
	}
	return false;
}

uint64_t probe_last_ack_ns(const struct probe_instance *pi)
{
	uint64_t last = 0;

	for (unsigned i = 0; i < PROBE_STATS_COUNT; i++)
		if (pi->slots[i].status == PR_ACKED && pi->slots[i].acked_ns > last)
			last = pi->slots[i].acked_ns;
	return last;
}

static void probe_send(struct probe_instance *pi, const struct ip_prefix *dst, enum probe_kind kind,
		       uint64_t now_ns)
{
	uint16_t seq = pi->snxt;
	struct probe_slot *s;
	int ret;

	ret = ops_of(pi)->send(pi, dst, seq, kind, now_ns, ctx_of(pi));
	if (ret && ret != -EWOULDBLOCK && ret != -EAGAIN)
		return;	/* not recorded, as in.mpathd; the sender logged it */
	if (kind != PROBE_UNI)
		return;
	s = &pi->slots[pi->next_slot];
	memset(s, 0, sizeof(*s));
	s->status = PR_UNACKED;
	s->seq = seq;
	s->target = *dst;
	s->sent_ns = now_ns;
	pi->next_slot = (pi->next_slot + 1) % PROBE_STATS_COUNT;
	pi->snxt++;
	pi->counters.sent++;
}

void probe_send_multicast(struct probe_instance *pi, uint64_t now_ns)
{
	static const struct ip_prefix all_hosts = { .family = AF_INET, .addr = { 224, 0, 0, 1 },
						    .plen = 32 };
	static const struct ip_prefix all_nodes = { .family = AF_INET6, .addr = { 0xff, 0x02,
						    [15] = 1 }, .plen = 128 };

	probe_send(pi, pi->family == AF_INET6 ? &all_nodes : &all_hosts, PROBE_MULTI, now_ns);
}

/*
 * spec 3.13 classification of a probe-detected failure (in.mpathd's
 * failure_state()): an interface failure when some other member with its
 * link up has no probe evidence either way and works by its link (it does
 * not probe, or, our change, waits for targets without having failed),
 * or got an answer in either family after this member's first loss while
 * running in a group that has not failed; otherwise nothing answers
 * anyone: a group failure.
 */
static bool failure_is_interface(struct probe_instance *pi, uint64_t tff_ns)
{
	struct ipmp_member *m = pi->member;
	struct ipmp_group *g = m->group;

	group_for_each_member(g, o) {
		if (o == m || !o->link_up)
			continue;
		if (!member_probe_enabled(o) ||
		    (o->state == MEMBER_NOTARGETS && member_functioning(o)))
			return true;
		if (o->state != MEMBER_RUNNING || g->state == GROUP_FAILED)
			continue;
		if (probe_last_ack_ns(&o->probe) > tff_ns || probe_last_ack_ns(&o->probe6) > tff_ns)
			return true;
	}
	return false;
}

static bool instance_failing(const struct probe_instance *pi, uint64_t *tff_ns)
{
	return history_losses(pi, NULL, tff_ns) >= NUM_PROBE_FAILS;
}

/* spec 3.19: the member fails only when every probe-capable family has failed. */
static void probe_check_failure(struct probe_instance *pi)
{
	struct probe_instance *other = other_family(pi);
	uint64_t tff_ns, other_tff_ns;

	if (!instance_failing(pi, &tff_ns))
		return;
	if (probe_capable(other)) {
		if (!instance_failing(other, &other_tff_ns))
			return;
		if (other_tff_ns < tff_ns)
			tff_ns = other_tff_ns;	/* the earliest across both families */
	}
	if (failure_is_interface(pi, tff_ns))
		member_fail(pi->member);
	else
		group_fail(pi->member->group);
}

/*
 * spec 3.12 dead target: the instance is not failing, but the target of
 * the newest probe missed its last five on its own. Routers and configured
 * targets are parked as DEAD; a host is dropped and a replacement sought.
 */
static void probe_check_dead_target(struct probe_instance *pi, uint64_t now_ns)
{
	const struct probe_slot *newest = history_newest_resolved(pi);
	struct ip_prefix addr;
	struct probe_target *t;
	uint64_t tff_ns;
	char buf[IP_PREFIX_STRLEN];

	if (!newest || newest->status != PR_LOST)
		return;
	if (history_losses(pi, NULL, &tff_ns) >= NUM_PROBE_FAILS)
		return;
	addr = newest->target;
	if (history_losses(pi, &addr, &tff_ns) < NUM_PROBE_FAILS)
		return;
	t = targets_find(pi, &addr);
	if (!t || t->status != TG_ACTIVE)
		return;
	pr_info("probe target %s on %s stopped answering", ip_prefix_str(&addr, false, buf, sizeof(buf)),
		pi->member->ifname);
	if (pi->mode == TARGETS_MULTICAST) {
		targets_remove(pi, &addr);
		probe_send_multicast(pi, now_ns);
	} else {
		target_rtt_reset(t);
		target_set_status(t, TG_DEAD, now_ns / 1000000);
	}
}

/* A failure-detection tick (spec 3.8 step 4-5). */
static void probe_tick_fd(struct probe_instance *pi, uint64_t now_ns)
{
	struct ipmp_member *m = pi->member;
	const struct probe_slot *newest;
	struct probe_target *t;

	history_resolve(pi, now_ns);
	newest = history_newest_resolved(pi);
	if (m->state == MEMBER_FAILED || (m->flags & MEMBER_F_FAILED)) {
		if (m->link_up && probe_repaired(pi))
			member_repair(m);
	} else if (m->state == MEMBER_RUNNING && now_ns / 1000000 >= pi->quiet_until_ms &&
		   newest && newest->status == PR_LOST) {
		probe_check_failure(pi);
	}
	probe_check_dead_target(pi, now_ns);

	t = targets_next(pi, &pi->next_target, now_ns / 1000000);
	if (!t) {
		probe_send_multicast(pi, now_ns);
		return;
	}
	pi->next_rtt_target = pi->next_target;
	probe_send(pi, &t->addr, PROBE_UNI, now_ns);
	if (pi->mode == TARGETS_MULTICAST && targets_active(pi) == 1)
		probe_send_multicast(pi, now_ns);
}

static void probe_tick(struct probe_instance *pi, uint64_t now_ns)
{
	struct probe_group *pg = pg_of(pi);
	uint64_t now_ms = now_ns / 1000000;
	bool raised = pg->interval_ms > pg->user_interval_ms;
	struct probe_target *t;

	if (!targets_active(pi)) {
		probe_send_multicast(pi, now_ns);
		return;
	}
	if (raised && now_ms < pi->fd_base_ms) {
		t = targets_next(pi, &pi->next_rtt_target, now_ms);
		if (t)
			probe_send(pi, &t->addr, PROBE_RTT, now_ns);
		return;
	}
	pi->fd_base_ms = raised ? pi->fd_base_ms + pg->interval_ms : pi->base_ms;
	probe_tick_fd(pi, now_ns);
}

/*
 * Next send (spec 3.8 step 1): base + a random [UPI/2, UPI], then the base
 * moves on one user interval. Probes that fell in the past are skipped,
 * not sent in a burst, and counted.
 */
static void probe_schedule(struct probe_instance *pi, uint64_t now_ms)
{
	unsigned upi = pg_of(pi)->user_interval_ms, missed = 0;


	pi->deadline_ms = pi->base_ms + rand_between(pi, upi / 2, upi);
	pi->base_ms += upi;
	while (pi->deadline_ms <= now_ms) {
		pi->deadline_ms += upi;
		pi->base_ms += upi;
		missed++;
	}
	if (missed) {	/* in.mpathd's trace, its times truncated to 32 bits as its clock is */
		pi->counters.missed += missed;
		pr_info("missed sending %u probes cur_time %u snxt_time %u snxt_basetime %u", missed,
			(uint32_t)now_ms, (uint32_t)pi->deadline_ms, (uint32_t)pi->base_ms);
	}
	ops_of(pi)->timer_arm(pi, pi->deadline_ms, ctx_of(pi));
}

void probe_timer(struct probe_instance *pi)
{
	uint64_t now_ns = now_ns_of(pi), now_ms = now_ns / 1000000;

	if (!pi->enabled)
		return;
	if (now_ms < pi->deadline_ms) {
		ops_of(pi)->timer_arm(pi, pi->deadline_ms, ctx_of(pi));
		return;
	}
	/* no probes while the link is down (spec 3.5), nor while a driver resets for our XDP */
	if (pi->member->link_up && !pi->member->link_held)
		probe_tick(pi, now_ns);
	probe_schedule(pi, now_ms);
}

