// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * agent/probe.c and agent/targets.c in a simulated network under a fake
 * clock: the 5/10 rules, detection within the FDT, probe scheduling, the
 * RTT estimator, spike suppression, FDT raising and lowering, target
 * rules, group failure when every target dies, anti-spoofing, sequence
 * wrap-around and the quiet period.
 * One concern, past 600 lines: one simulated network for the prober.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

#include "group.h"
#include "logcapture.h"
#include "snapshot.h"

#define MS(ms) ((uint64_t)(ms) * 1000000)
#define MAX_PENDING 4096

struct sim;
/* Does target `to` answer member `m` now, and after how many microseconds? */
typedef bool (*answer_fn)(struct sim *s, unsigned m, const struct ip_prefix *to, unsigned *rtt_us);

struct pending {
	unsigned member;
	bool v6;			/* for the member's IPv6 instance */
	struct probe_reply r;
	uint64_t at_ns;
};

struct sim {
	struct ipmp_config cfg;
	struct ipmp_group g;
	struct ipmp_clock clock;
	uint64_t deadline_ms[2 * IPMP_MAX_MEMBERS];	/* by instance: 2 * member + v6 */
	struct pending pending[MAX_PENDING];
	unsigned npending;
	answer_fn answer;
	unsigned rtt_us;		/* default RTT */
	unsigned sent[IPMP_MAX_MEMBERS];
	unsigned multi_sent[IPMP_MAX_MEMBERS];
	unsigned rtt_sent[IPMP_MAX_MEMBERS];
	unsigned found;
	bool dead[IPMP_MAX_MEMBERS];	/* this member's path is cut */
	bool dead_family[IPMP_MAX_MEMBERS][2];	/* only for IPv4 [0] or IPv6 [1] */
	struct ip_prefix hosts[8];	/* answer all-hosts probes */
	unsigned nhosts;
	uint64_t failed_at_ns[IPMP_MAX_MEMBERS];
};

static void g_push(struct ipmp_group *g, void *ctx) {}
static void g_announce(struct ipmp_group *g, struct ipmp_addr *a, void *ctx) {}
static void g_timer(struct ipmp_member *m, uint64_t deadline_ms, void *ctx) {}
static const struct group_ops gops = { .push = g_push, .announce = g_announce, .timer_arm = g_timer };

static unsigned member_index(struct sim *s, const struct probe_instance *pi)
{
	return pi->member->slot;
}

static unsigned inst_index(const struct probe_instance *pi)
{
	return 2 * pi->member->slot + (pi->family == AF_INET6);
}

static struct probe_instance *inst_at(struct sim *s, unsigned i)
{
	return i % 2 ? &s->g.members[i / 2].probe6 : &s->g.members[i / 2].probe;
}

static void queue_reply(struct sim *s, unsigned m, const struct ip_prefix *src, uint16_t seq,
			enum probe_kind kind, uint64_t sent_ns, unsigned rtt_us)
{
	struct pending *p;

	assert_true(s->npending < MAX_PENDING);
	p = &s->pending[s->npending++];
	p->member = m;
	p->v6 = src->family == AF_INET6;
	p->r = (struct probe_reply){ .src = *src, .seq = seq, .kind = kind, .sent_ns = sent_ns };
	p->at_ns = sent_ns + (uint64_t)rtt_us * 1000;
	p->r.rx_ns = p->at_ns;
}

static int p_send(struct probe_instance *pi, const struct ip_prefix *dst, uint16_t seq,
		  enum probe_kind kind, uint64_t sent_ns, void *ctx)
{
	struct sim *s = ctx;
	unsigned m = member_index(s, pi), rtt_us = s->rtt_us;

	if (s->dead_family[m][pi->family == AF_INET6])
		return 0;
	if (kind == PROBE_MULTI) {
		s->multi_sent[m]++;
		for (unsigned i = 0; i < s->nhosts && !s->dead[m]; i++)
			queue_reply(s, m, &s->hosts[i], seq, kind, sent_ns, rtt_us);
		return 0;
	}
	if (kind == PROBE_RTT)
		s->rtt_sent[m]++;
	else
		s->sent[m]++;
	if (!s->dead[m] && (!s->answer || s->answer(s, m, dst, &rtt_us)))
		queue_reply(s, m, dst, seq, kind, sent_ns, rtt_us);
	return 0;
}

static void p_timer(struct probe_instance *pi, uint64_t deadline_ms, void *ctx)
{
	struct sim *s = ctx;

	s->deadline_ms[inst_index(pi)] = deadline_ms;
}

static void p_found(struct probe_instance *pi, const struct ip_prefix *addr, void *ctx)
{
	struct sim *s = ctx;
	struct ipmp_group *g = pi->member->group;

	s->found++;
	for (unsigned i = 0; i < g->nmembers; i++)
		targets_add(&g->members[i].probe, addr, TARGETS_MULTICAST);
}

static const struct probe_ops pops = { .send = p_send, .timer_arm = p_timer, .target_found = p_found };

static struct ip_prefix ip(const char *a)
{
	struct ip_prefix p = { .family = AF_INET, .plen = 32 };

	inet_pton(AF_INET, a, p.addr);
	return p;
}

/* A started group whose members probe from 192.0.2.2x/24. */
static struct sim *sim_new(const char *conf)
{
	struct sim *s = calloc(1, sizeof(*s));

	log_capture_start();
	assert_int_equal(config_load_string(conf, "t.conf", &s->cfg), 0);
	s->clock = (struct ipmp_clock){ .now_ns = clock_fake_now, .fake_ns = MS(1000000) };
	s->rtt_us = 200;
	assert_int_equal(group_init(&s->g, &s->cfg.groups[0], &s->cfg, &s->clock, &gops, s), 0);
	group_set_probe_ops(&s->g, &pops, s);
	for (unsigned i = 0; i < s->g.nmembers; i++) {
		s->g.members[i].ifindex = 10 + i;
		s->g.members[i].link_up = true;
		s->g.members[i].mac[5] = 0x10 + i;	/* MACs are unique, or spec 3.16 offlines */
	}
	group_start(&s->g);
	return s;
}

static void sim_probe_start(struct sim *s, unsigned m, uint16_t first_seq)
{
	struct ip_prefix test = ip("192.0.2.20");

	test.addr[3] += m;
	test.plen = 24;
	group_begin(&s->g);
	probe_start(&s->g.members[m].probe, &s->g.members[m], &test, htons(0x100 + m),
		    0x5eed0000 ^ (10 + m));	/* as the agent seeds: seed ^ ifindex */
	group_end(&s->g);
	if (first_seq)
		s->g.members[m].probe.snxt = first_seq;
}

static void sim_free(struct sim *s)
{
	group_free(&s->g);
	config_free(&s->cfg);
	free(s);
}

static uint64_t now_ms(struct sim *s)
{
	return s->clock.fake_ns / 1000000;
}

/* Run the simulation until end_ms: timers and replies, in time order. */
static void sim_run(struct sim *s, uint64_t end_ms)
{
	for (;;) {
		uint64_t next_ns = MS(end_ms);
		int timer = -1, reply = -1;

		for (unsigned i = 0; i < 2 * s->g.nmembers; i++)
			if (inst_at(s, i)->enabled && MS(s->deadline_ms[i]) < next_ns) {
				next_ns = MS(s->deadline_ms[i]);
				timer = i;
			}
		for (unsigned i = 0; i < s->npending; i++)
			if (s->pending[i].at_ns < next_ns) {
				next_ns = s->pending[i].at_ns;
				reply = i;
				timer = -1;
			}
		if (next_ns > s->clock.fake_ns)
			s->clock.fake_ns = next_ns;
		if (reply >= 0) {
			struct pending p = s->pending[reply];

			s->pending[reply] = s->pending[--s->npending];
			group_begin(&s->g);	/* each wake-up is one decision, as in the agent */
			probe_reply(inst_at(s, 2 * p.member + p.v6), &p.r);
			group_end(&s->g);
		} else if (timer >= 0) {
			group_begin(&s->g);
			probe_timer(inst_at(s, timer));
			group_end(&s->g);
		} else {
			break;
		}
		for (unsigned i = 0; i < s->g.nmembers; i++)
			if ((s->g.members[i].flags & MEMBER_F_FAILED) && !s->failed_at_ns[i])
				s->failed_at_ns[i] = s->clock.fake_ns;
	}
}

#define TWO_MEMBERS "[global]\nfailure_detection_time = 7000\n[group g]\ninterfaces = e0 e1\n" \
		    "addresses = 192.0.2.10/24\n"

static void start_with_target(struct sim *s, const char *target)
{
	for (unsigned i = 0; i < s->g.nmembers; i++) {
		sim_probe_start(s, i, 0);
		struct ip_prefix t = ip(target);
		assert_int_equal(targets_add(&s->g.members[i].probe, &t, TARGETS_CONFIGURED), 0);
	}
}

static void test_interval_from_fdt(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);
	uint64_t t0;

	assert_int_equal(s->g.probe.user_interval_ms, 1000);
	start_with_target(s, "192.0.2.1");
	t0 = now_ms(s);
	sim_run(s, t0 + 100000);
	/* one failure-detection probe per interval: ~100 in 100 s */
	assert_in_range(s->sent[0], 98, 102);
	assert_in_range(s->sent[1], 98, 102);
	assert_int_equal(s->g.members[0].probe.counters.acked, s->sent[0]);
	assert_int_equal(s->g.state, GROUP_OK);
	sim_free(s);
}

/* spec 3.8: members start at random points, so their probes do not go out together */
static void test_members_probe_at_different_times(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);
	unsigned same = 0;

	start_with_target(s, "192.0.2.1");
	for (int i = 0; i < 50; i++) {
		sim_run(s, now_ms(s) + 1000);
		same += s->deadline_ms[0] == s->deadline_ms[1];
	}
	assert_true(same < 5);
	sim_free(s);
}

static void test_probe_failure_within_fdt_and_repair(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);
	uint64_t cut;

	start_with_target(s, "192.0.2.1");
	sim_run(s, now_ms(s) + 20000);
	cut = now_ms(s);
	s->dead[0] = true;		/* m0's path dies; its link stays up */
	sim_run(s, cut + 20000);
	assert_true(s->g.members[0].flags & MEMBER_F_FAILED);
	assert_logged("IP interface failure detected on e0 of group g");
	assert_not_logged("All IP interfaces");
	/* in.mpathd's promise: detected within the failure detection time */
	assert_true(s->failed_at_ns[0] - MS(cut) <= MS(7000));
	assert_true(s->failed_at_ns[0] - MS(cut) >= MS(4000));	/* 5 probes do take time */
	assert_false(s->g.members[1].flags & MEMBER_F_FAILED);

	/* path back: repaired after 10 answered probes, not before */
	uint64_t healed = now_ms(s);
	s->dead[0] = false;
	sim_run(s, healed + 8000);
	assert_true(s->g.members[0].flags & MEMBER_F_FAILED);
	sim_run(s, healed + 20000);
	assert_false(s->g.members[0].flags & MEMBER_F_FAILED);
	assert_logged("IP interface repair detected on e0 of group g");
	assert_true(member_active(&s->g.members[0]));
	sim_free(s);
}

/* in.mpathd's promise, at any phase of the probe cycle, on a sub-millisecond path */
static void test_detection_never_exceeds_fdt(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);
	uint64_t worst = 0;

	start_with_target(s, "192.0.2.1");
	sim_run(s, now_ms(s) + 5000);
	for (int trial = 0; trial < 200; trial++) {
		uint64_t cut;

		sim_run(s, now_ms(s) + 1 + (trial * 37) % 1000);	/* a different phase each time */
		cut = now_ms(s);
		s->failed_at_ns[0] = 0;
		s->dead[0] = true;
		sim_run(s, cut + 8000);
		assert_true(s->failed_at_ns[0]);
		if (s->failed_at_ns[0] - MS(cut) > worst)
			worst = s->failed_at_ns[0] - MS(cut);
		s->dead[0] = false;
		sim_run(s, now_ms(s) + 20000);
		assert_false(s->g.members[0].flags & MEMBER_F_FAILED);
	}
	if (worst > MS(7000))
		fail_msg("a detection took %llu ms, over the FDT of 7000 ms",
			 (unsigned long long)(worst / 1000000));
	sim_free(s);
}

static void test_every_target_dies_is_a_group_failure(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);

	start_with_target(s, "192.0.2.1");
	sim_run(s, now_ms(s) + 10000);
	s->dead[0] = s->dead[1] = true;
	sim_run(s, now_ms(s) + 20000);
	assert_logged("All IP interfaces in group g are now unusable");
	assert_not_logged("IP interface failure detected");
	assert_int_equal(s->g.state, GROUP_FAILED);
	s->dead[0] = s->dead[1] = false;
	sim_run(s, now_ms(s) + 20000);
	assert_logged("At least 1 IP interface (e");
	assert_int_equal(s->g.state, GROUP_OK);
	sim_free(s);
}

static void test_member_without_probing_keeps_classification_local(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);
	struct ip_prefix t = ip("192.0.2.1");

	/* e1 has no test address: it only has link detection */
	sim_probe_start(s, 0, 0);
	targets_add(&s->g.members[0].probe, &t, TARGETS_CONFIGURED);
	sim_run(s, now_ms(s) + 10000);
	s->dead[0] = true;
	sim_run(s, now_ms(s) + 10000);
	assert_logged("IP interface failure detected on e0 of group g");
	assert_int_equal(s->g.state, GROUP_DEGRADED);
	sim_free(s);
}

static void test_quiet_period(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);
	uint64_t start;

	s->dead[0] = true;		/* never answered from the start */
	start_with_target(s, "192.0.2.1");
	start = now_ms(s);
	sim_run(s, start + 39000);
	assert_false(s->g.members[0].flags & MEMBER_F_FAILED);
	sim_run(s, start + 45000);
	assert_true(s->g.members[0].flags & MEMBER_F_FAILED);
	sim_free(s);
}

/* replies from the wrong address never count */
static bool answer_from_elsewhere(struct sim *s, unsigned m, const struct ip_prefix *to,
				  unsigned *rtt_us)
{
	return m != 0;
}

static void test_spoofed_replies_do_not_keep_alive(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);
	struct probe_instance *pi;

	start_with_target(s, "192.0.2.1");
	sim_run(s, now_ms(s) + 10000);
	s->answer = answer_from_elsewhere;
	pi = &s->g.members[0].probe;
	/* a forger answers every probe of e0 from another address, and replays seqs */
	for (int i = 0; i < 30; i++) {
		sim_run(s, now_ms(s) + 500);
		struct probe_reply fake = { .src = ip("192.0.2.66"), .seq = pi->snxt - 1,
					    .kind = PROBE_UNI, .sent_ns = s->clock.fake_ns };
		probe_reply(pi, &fake);
		fake.src = ip("192.0.2.1");
		fake.seq = pi->snxt + 7;	/* not sent yet: out of window */
		probe_reply(pi, &fake);
	}
	assert_true(s->g.members[0].flags & MEMBER_F_FAILED);
	assert_true(pi->counters.spoofed >= 20);
	assert_true(pi->counters.unknown >= 20);
	sim_free(s);
}

static void test_sequence_wraps(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);
	struct ip_prefix t = ip("192.0.2.1");

	for (unsigned i = 0; i < 2; i++) {
		sim_probe_start(s, i, 65530);
		targets_add(&s->g.members[i].probe, &t, TARGETS_CONFIGURED);
	}
	sim_run(s, now_ms(s) + 30000);
	assert_true(s->g.members[0].probe.snxt < 100);	/* wrapped */
	assert_int_equal(s->g.members[0].probe.counters.acked, s->sent[0]);
	assert_int_equal(s->g.members[0].probe.counters.unknown, 0);
	assert_false(s->g.members[0].flags & MEMBER_F_FAILED);
	sim_free(s);
}

static void test_rtt_estimator(void **state)
{
	struct probe_target t;

	target_rtt_reset(&t);
	assert_int_equal(target_rtt_sample(&t, MS(10), true), 30);	/* 10 + 4 x 5 */
	assert_int_equal(t.sa_ns, 8 * MS(10));
	assert_int_equal(t.sv_ns, 2 * MS(10));
	/* err = 18 - 10 = 8: sa = 80+8 = 88 -> avg 11; sv = 20 + 8 - 5 = 23 */
	assert_int_equal(target_rtt_sample(&t, MS(18), true), 11 + 23);
	/* a candidate (err 489: avg 72.125, dev term 506.25) is not applied */
	assert_int_equal(target_rtt_sample(&t, MS(500), false), 578);
	assert_int_equal(t.crtt_ms, 34);
}

/* after warming up, target 192.0.2.1 answers slowly */
static bool slow_answers(struct sim *s, unsigned m, const struct ip_prefix *to, unsigned *rtt_us)
{
	*rtt_us = s->rtt_us;
	return true;
}

static void test_spike_is_deferred_and_slow_path_raises_fdt(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);
	struct probe_target *t;

	s->answer = slow_answers;
	start_with_target(s, "192.0.2.1");
	sim_run(s, now_ms(s) + 10000);
	t = &s->g.members[0].probe.targets[0];
	unsigned before = t->crtt_ms;
	assert_true(before < 5);

	/* one slow reply: held back, the estimate does not move */
	s->rtt_us = 900000;
	uint64_t sent0 = s->sent[0];
	while (s->sent[0] == sent0)
		sim_run(s, now_ms(s) + 10);
	s->rtt_us = 200;
	sim_run(s, now_ms(s) + 1500);
	assert_true(t->crtt_ms < 5);
	assert_not_logged("Cannot meet requested failure detection time");

	/* a path that stays slow: believed, and the group's FDT goes up */
	s->rtt_us = 900000;
	sim_run(s, now_ms(s) + 5000);
	assert_logged("Cannot meet requested failure detection time of 7000 ms on (inet e");
	assert_true(s->g.probe.fdt_ms > 7000);
	assert_int_equal(s->g.probe.fdt_ms, s->g.probe.interval_ms * 7);
	/* no failure for a slow but answering path */
	assert_false(s->g.members[0].flags & MEMBER_F_FAILED);

	/* fast again: the FDT comes back down, no sooner than a minute after */
	uint64_t raised = s->g.probe.fdt_ms;
	s->rtt_us = 200;
	sim_run(s, now_ms(s) + 30000);
	assert_int_equal(s->g.probe.fdt_ms, raised);
	sim_run(s, now_ms(s) + 300000);
	assert_logged("Improved failure detection time");
	assert_int_equal(s->g.probe.fdt_ms, 7000);
	assert_int_equal(s->g.probe.interval_ms, 1000);
	assert_true(s->rtt_sent[0] > 0);	/* RTT-only probes ran while raised */
	sim_free(s);
}

static void test_target_rules(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);
	struct probe_instance *pi = &s->g.members[0].probe;
	struct ip_prefix h1 = ip("192.0.2.50"), r1 = ip("192.0.2.1"), off = ip("198.51.100.1");
	char a[32];

	sim_probe_start(s, 0, 0);
	assert_int_equal(targets_add(pi, &off, TARGETS_ROUTES), -EINVAL);	/* off subnet */
	assert_int_equal(targets_add(pi, &pi->test_addr, TARGETS_MULTICAST), -EINVAL);
	assert_int_equal(targets_add(pi, &h1, TARGETS_MULTICAST), 0);
	assert_int_equal(pi->mode, TARGETS_MULTICAST);
	/* a router evicts the hosts; hosts are refused while routers exist */
	assert_int_equal(targets_add(pi, &r1, TARGETS_ROUTES), 0);
	assert_int_equal(pi->ntargets, 1);
	assert_int_equal(targets_add(pi, &h1, TARGETS_MULTICAST), -EEXIST);
	assert_int_equal(targets_add(pi, &r1, TARGETS_MULTICAST), 0);	/* already there, as a router */
	assert_int_equal(pi->mode, TARGETS_ROUTES);
	/* a router first found as a host (it answers the all-hosts echo): the mode changes all the same */
	targets_remove(pi, &r1);
	assert_int_equal(pi->mode, TARGETS_NONE);
	assert_int_equal(targets_add(pi, &h1, TARGETS_MULTICAST), 0);
	assert_int_equal(targets_add(pi, &r1, TARGETS_MULTICAST), 0);
	assert_int_equal(targets_add(pi, &r1, TARGETS_ROUTES), 0);
	assert_int_equal(pi->mode, TARGETS_ROUTES);
	assert_int_equal(pi->ntargets, 1);
	assert_true(ip_prefix_same_addr(&pi->targets[0].addr, &r1));
	/* at most five active; the rest wait as unused */
	for (int i = 2; i <= 7; i++) {
		snprintf(a, sizeof(a), "192.0.2.%d", i);
		struct ip_prefix r = ip(a);
		assert_int_equal(targets_add(pi, &r, TARGETS_ROUTES), 0);
	}
	assert_int_equal(pi->ntargets, 7);
	assert_int_equal(targets_active(pi), 5);
	/* removing an active one promotes an unused one on the next walk */
	for (unsigned i = 0; i < pi->ntargets; i++)
		if (pi->targets[i].status == TG_ACTIVE) {
			struct ip_prefix gone = pi->targets[i].addr;
			targets_remove(pi, &gone);
			break;
		}
	unsigned cursor = 0;
	assert_non_null(targets_next(pi, &cursor, now_ms(s)));
	assert_int_equal(targets_active(pi), 5);
	sim_free(s);
}

static void test_multicast_discovery(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);

	s->hosts[s->nhosts++] = ip("192.0.2.77");
	s->hosts[s->nhosts++] = ip("192.0.2.78");
	sim_probe_start(s, 0, 0);
	sim_probe_start(s, 1, 0);
	sim_run(s, now_ms(s) + 3000);
	assert_true(s->multi_sent[0] > 0);
	assert_true(s->found > 0);
	assert_int_equal(s->g.members[0].probe.mode, TARGETS_MULTICAST);
	assert_int_equal(targets_active(&s->g.members[1].probe), 2);
	sim_run(s, now_ms(s) + 20000);
	assert_true(s->g.members[0].probe.counters.acked > 5);
	sim_free(s);
}

/* one of two targets dies: the member is fine, the target is parked */
static bool target_2_dead(struct sim *s, unsigned m, const struct ip_prefix *to, unsigned *rtt_us)
{
	return to->addr[3] != 2;
}

static void test_dead_target_is_not_a_member_failure(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);
	struct ip_prefix t1 = ip("192.0.2.1"), t2 = ip("192.0.2.2");

	for (unsigned i = 0; i < 2; i++) {
		sim_probe_start(s, i, 0);
		targets_add(&s->g.members[i].probe, &t1, TARGETS_CONFIGURED);
		targets_add(&s->g.members[i].probe, &t2, TARGETS_CONFIGURED);
	}
	sim_run(s, now_ms(s) + 5000);
	s->answer = target_2_dead;
	sim_run(s, now_ms(s) + 30000);
	assert_false(s->g.members[0].flags & MEMBER_F_FAILED);
	assert_int_equal(targets_find(&s->g.members[0].probe, &t2)->status, TG_DEAD);
	assert_logged("probe target 192.0.2.2 on e0 stopped answering");
	sim_free(s);
}

static void test_link_down_wipes_history(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);
	struct ipmp_member *e0 = &s->g.members[0];

	start_with_target(s, "192.0.2.1");
	sim_run(s, now_ms(s) + 20000);
	link_update(e0, false);
	assert_true(e0->flags & MEMBER_F_FAILED);
	assert_int_equal(probe_last_ack_ns(&e0->probe), 0);
	/* link back: not repaired by the link alone, only after 10 answered probes */
	link_update(e0, true);
	assert_true(e0->flags & MEMBER_F_FAILED);
	sim_run(s, now_ms(s) + 5000);
	assert_true(e0->flags & MEMBER_F_FAILED);
	sim_run(s, now_ms(s) + 15000);
	assert_false(e0->flags & MEMBER_F_FAILED);
	sim_free(s);
}

/* IPv6 probing from fe80::2x to a link-local router */
static void sim_probe_start6(struct sim *s, unsigned m, const char *target)
{
	struct ip_prefix test = { .family = AF_INET6, .plen = 64 }, t = { .family = AF_INET6 };

	inet_pton(AF_INET6, "fe80::20", test.addr);
	test.addr[15] += m;
	inet_pton(AF_INET6, target, t.addr);
	t.plen = 128;
	probe_start(&s->g.members[m].probe6, &s->g.members[m], &test, htons(0x200 + m),
		    0x6eed0000 ^ (10 + m));
	assert_int_equal(targets_add(&s->g.members[m].probe6, &t, TARGETS_ROUTES), 0);
}

/*
 * spec 3.19: both families probe independently; a member fails only when
 * every probe-capable family has failed, and any family's 10 answers
 * repair it.
 */
static void test_dual_family(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);
	struct ip_prefix global6 = { .family = AF_INET6 };
	uint64_t cut;

	start_with_target(s, "192.0.2.1");
	for (unsigned i = 0; i < 2; i++)
		sim_probe_start6(s, i, "fe80::1");
	/* IPv6 targets must be link-local (spec 3.19) */
	inet_pton(AF_INET6, "2001:db8::1", global6.addr);
	assert_int_equal(targets_add(&s->g.members[0].probe6, &global6, TARGETS_ROUTES), -EINVAL);
	sim_run(s, now_ms(s) + 45000);	/* past the quiet period */
	assert_true(s->g.members[0].probe6.counters.acked > 30);

	s->dead_family[0][0] = true;	/* m0's IPv4 path dies, IPv6 lives */
	sim_run(s, now_ms(s) + 30000);
	assert_false(s->g.members[0].flags & MEMBER_F_FAILED);
	assert_true(s->g.members[0].probe.counters.lost >= NUM_PROBE_FAILS);
	assert_not_logged("IP interface failure detected on e0");

	cut = now_ms(s);
	s->dead_family[0][1] = true;	/* and now IPv6 too */
	sim_run(s, cut + 20000);
	assert_true(s->g.members[0].flags & MEMBER_F_FAILED);
	assert_logged("IP interface failure detected on e0 of group g");
	assert_true(s->failed_at_ns[0] - MS(cut) <= MS(7000));
	assert_false(s->g.members[1].flags & MEMBER_F_FAILED);

	s->dead_family[0][1] = false;	/* IPv6 comes back alone: enough to repair */
	sim_run(s, now_ms(s) + 20000);
	assert_false(s->g.members[0].flags & MEMBER_F_FAILED);
	assert_logged("IP interface repair detected on e0 of group g");
	sim_free(s);
}


/*
 * spec 3.6/3.12, PI_NOTARGETS: a member that probes but knows no target is
 * "unknown" and still carries data; once failed, its link alone does not
 * repair it (it probes): repair waits for a target and ten answers.
 */
static void test_no_targets_is_unknown_and_not_link_repaired(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);
	struct ipmp_member *e0 = &s->g.members[0];
	struct ip_prefix t = ip("192.0.2.1");

	sim_probe_start(s, 0, 0);	/* e0: a test address, no target, no host answers */
	sim_run(s, now_ms(s) + 5000);
	assert_int_equal(e0->state, MEMBER_NOTARGETS);
	assert_string_equal(snapshot_member_state(e0), "unknown");
	assert_string_equal(snapshot_member_probe(e0), "unknown");
	assert_true(member_active(e0));	/* in.mpathd's optimism: still used */
	assert_int_equal(s->g.state, GROUP_OK);
	assert_true(s->multi_sent[0] > 0);	/* looking for targets meanwhile */

	link_update(e0, false);
	assert_true(e0->flags & MEMBER_F_FAILED);
	assert_logged("IP interface failure detected on e0 of group g");
	link_update(e0, true);
	sim_run(s, now_ms(s) + 30000);
	assert_true(e0->flags & MEMBER_F_FAILED);
	assert_string_equal(snapshot_member_state(e0), "failed");
	assert_not_logged("IP interface repair detected on e0");

	group_begin(&s->g);
	assert_int_equal(targets_add(&e0->probe, &t, TARGETS_CONFIGURED), 0);
	group_end(&s->g);
	assert_int_equal(e0->state, MEMBER_FAILED);	/* a target: probes decide from here */
	sim_run(s, now_ms(s) + 8000);
	assert_true(e0->flags & MEMBER_F_FAILED);	/* fewer than ten answers yet */
	sim_run(s, now_ms(s) + 10000);
	assert_logged("IP interface repair detected on e0 of group g");
	assert_int_equal(e0->state, MEMBER_RUNNING);
	assert_string_equal(snapshot_member_state(e0), "ok");
	sim_free(s);
}

/*
 * Our change to spec 3.13: another member waiting for targets still works
 * by its link, so a link-down is that member's failure, not the group's
 * (in.mpathd, counting only PI_RUNNING, failed the whole group).
 */
static void test_link_down_beside_a_member_without_targets(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);

	sim_probe_start(s, 0, 0);
	sim_probe_start(s, 1, 0);
	sim_run(s, now_ms(s) + 3000);
	assert_int_equal(s->g.members[1].state, MEMBER_NOTARGETS);
	link_update(&s->g.members[0], false);
	assert_logged("IP interface failure detected on e0 of group g");
	assert_not_logged("All IP interfaces");
	assert_true(member_active(&s->g.members[1]));
	assert_int_equal(s->g.state, GROUP_DEGRADED);
	sim_free(s);
}

/* A member without probing is still repaired by its link (spec 3.5). */
static void test_no_probing_is_link_repaired(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);
	struct ipmp_member *e1 = &s->g.members[1];

	link_update(e1, false);
	link_update(e1, true);
	assert_logged("IP interface repair detected on e1 of group g");
	assert_int_equal(e1->state, MEMBER_RUNNING);
	sim_free(s);
}

/*
 * The quiet period (spec 3.8) runs from the instance's creation: probing
 * restarted (undo-offline, a new test address) is not blind for 40 s, and
 * its sequence numbers go on; a new netdev is a new instance, quiet again.
 */
static void test_quiet_period_only_at_creation(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);
	struct ipmp_member *e0 = &s->g.members[0];
	uint64_t cut;
	uint16_t snxt;

	start_with_target(s, "192.0.2.1");
	sim_run(s, now_ms(s) + 60000);
	snxt = e0->probe.snxt;
	probe_stop(&e0->probe, false);
	s->dead[0] = true;	/* never answered since the restart */
	sim_probe_start(s, 0, 0);
	assert_int_equal(e0->probe.snxt, snxt);
	cut = now_ms(s);
	sim_run(s, cut + 9000);
	assert_true(e0->flags & MEMBER_F_FAILED);
	assert_true(s->failed_at_ns[0] - MS(cut) <= MS(9000));

	s->dead[0] = false;
	sim_run(s, now_ms(s) + 20000);
	assert_false(e0->flags & MEMBER_F_FAILED);
	probe_stop(&e0->probe, true);	/* the netdev went away */
	s->dead[0] = true;
	s->failed_at_ns[0] = 0;
	sim_probe_start(s, 0, 0);
	assert_int_equal(e0->probe.snxt, 1);
	cut = now_ms(s);
	sim_run(s, cut + 35000);
	assert_false(e0->flags & MEMBER_F_FAILED);
	sim_run(s, cut + 45000);
	assert_true(e0->flags & MEMBER_F_FAILED);
	sim_free(s);
}

/*
 * spec 3.11: once the last raise is a minute old, a fast path halves the
 * FDT at each reply until it is back to the configured one (in.mpathd's
 * last_fdt_bumpup_time is set by a raise only); messages name the family.
 */
static void test_fdt_comes_down_in_halvings(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);
	uint64_t t0;

	start_with_target(s, "192.0.2.1");
	sim_run(s, now_ms(s) + 50000);
	s->g.probe.fdt_ms = 56000;	/* as if raised long ago by a slow path */
	s->g.probe.interval_ms = 8000;
	s->g.probe.last_raise_ms = now_ms(s) - 61000;
	t0 = now_ms(s);
	sim_run(s, t0 + 30000);
	assert_logged("Improved failure detection time 28000 ms on (inet e");
	assert_logged("Improved failure detection time 14000 ms on (inet e");
	assert_logged("Improved failure detection time 7000 ms on (inet e");
	assert_int_equal(s->g.probe.fdt_ms, 7000);
	assert_int_equal(s->g.probe.interval_ms, 1000);
	sim_free(s);
}

static bool ipv6_slow(struct sim *s, unsigned m, const struct ip_prefix *to, unsigned *rtt_us)
{
	if (to->family == AF_INET6)
		*rtt_us = 900000;
	return true;
}

static void test_fdt_messages_say_inet6(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);

	sim_probe_start6(s, 0, "fe80::1");
	sim_run(s, now_ms(s) + 10000);
	s->answer = ipv6_slow;
	sim_run(s, now_ms(s) + 10000);
	assert_logged("Cannot meet requested failure detection time of 7000 ms on (inet6 e0) new "
		      "failure detection time for group \"g\" is");
	sim_free(s);
}

/* spec 3.8: probes that fell in the past are skipped, counted and traced. */
static void test_missed_probes_are_traced(void **state)
{
	struct sim *s = sim_new(TWO_MEMBERS);

	start_with_target(s, "192.0.2.1");
	sim_run(s, now_ms(s) + 5000);
	s->clock.fake_ns += MS(4500);	/* the agent was not scheduled for 4.5 s */
	probe_timer(&s->g.members[0].probe);
	assert_logged("missed sending ");
	assert_true(s->g.members[0].probe.counters.missed >= 3);
	sim_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interval_from_fdt),
		cmocka_unit_test(test_members_probe_at_different_times),
		cmocka_unit_test(test_probe_failure_within_fdt_and_repair),
		cmocka_unit_test(test_detection_never_exceeds_fdt),
		cmocka_unit_test(test_every_target_dies_is_a_group_failure),
		cmocka_unit_test(test_member_without_probing_keeps_classification_local),
		cmocka_unit_test(test_quiet_period),
		cmocka_unit_test(test_spoofed_replies_do_not_keep_alive),
		cmocka_unit_test(test_sequence_wraps),
		cmocka_unit_test(test_rtt_estimator),
		cmocka_unit_test(test_spike_is_deferred_and_slow_path_raises_fdt),
		cmocka_unit_test(test_target_rules),
		cmocka_unit_test(test_multicast_discovery),
		cmocka_unit_test(test_dead_target_is_not_a_member_failure),
		cmocka_unit_test(test_link_down_wipes_history),
		cmocka_unit_test(test_dual_family),
		cmocka_unit_test(test_no_targets_is_unknown_and_not_link_repaired),
		cmocka_unit_test(test_no_probing_is_link_repaired),
		cmocka_unit_test(test_link_down_beside_a_member_without_targets),
		cmocka_unit_test(test_quiet_period_only_at_creation),
		cmocka_unit_test(test_fdt_comes_down_in_halvings),
		cmocka_unit_test(test_fdt_messages_say_inet6),
		cmocka_unit_test(test_missed_probes_are_traced),
	};

	return cmocka_run_group_tests_name("probe", tests, NULL, NULL);
}
