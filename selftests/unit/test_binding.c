// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * agent/binding.c through the group's commit (agent/group.c): one
 * decision, one commit. For groups of 2 to 5 members, with and without a
 * standby, each slot (first, middle, last) fails by its link and is then
 * repaired; the tests assert which addresses moved, where to, how many
 * announcements and pushes there were, and the order monitors hear of it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "logcapture.h"

#define NADDRS_MAX	16
#define EVENTS_MAX	64

struct recorder {
	unsigned pushes;
	unsigned announces;
	struct {
		enum group_event_kind kind;
		char ifname[IFNAMSIZ];
		bool active;
		unsigned flags;
	} events[EVENTS_MAX];
	unsigned nevents;
};

static void rec_push(struct ipmp_group *g, void *ctx)
{
	((struct recorder *)ctx)->pushes++;
}

static void rec_announce(struct ipmp_group *g, struct ipmp_addr *a, void *ctx)
{
	((struct recorder *)ctx)->announces++;
}

static void rec_timer(struct ipmp_member *m, uint64_t deadline_ms, void *ctx)
{
}

static void rec_event(struct ipmp_group *g, const struct group_event *ev, void *ctx)
{
	struct recorder *r = ctx;

	if (r->nevents == EVENTS_MAX)
		return;
	r->events[r->nevents].kind = ev->kind;
	r->events[r->nevents].active = ev->active;
	r->events[r->nevents].flags = ev->flags;
	snprintf(r->events[r->nevents].ifname, IFNAMSIZ, "%s", ev->ifname);
	r->nevents++;
}

static const struct group_ops rec_ops = {
	.push = rec_push, .announce = rec_announce, .timer_arm = rec_timer, .event = rec_event,
};

struct fixture {
	struct ipmp_config cfg;
	struct ipmp_group g;
	struct recorder rec;
	struct ipmp_clock clock;
};

/* Seven addresses, both families: each family is balanced on its own. */
#define ADDRESSES                                                                            \
	"addresses = 192.0.2.10/24 192.0.2.11/24 192.0.2.12/24 192.0.2.13/24 "                \
	"2001:db8::10/64 2001:db8::11/64 2001:db8::12/64\n"

/* n members e0..e(n-1); with a standby, the last one is it. Started, links up. */
static struct fixture *group_new(unsigned n, bool standby, bool failback)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char text[512];
	int len;

	len = snprintf(text, sizeof(text), "[global]\nfailback = %s\n[group ipmp0]\nname = a\n"
		       "interfaces =", failback ? "yes" : "no");
	for (unsigned i = 0; i < n; i++)
		len += snprintf(text + len, sizeof(text) - len, " e%u", i);
	len += snprintf(text + len, sizeof(text) - len, "\n");
	if (standby)
		len += snprintf(text + len, sizeof(text) - len, "standby = e%u\n", n - 1);
	snprintf(text + len, sizeof(text) - len, ADDRESSES);

	log_capture_start();
	assert_int_equal(config_load_string(text, "t.conf", &f->cfg), 0);
	f->clock = (struct ipmp_clock){ .now_ns = clock_fake_now, .fake_ns = 1000000ULL * 1000000 };
	assert_int_equal(group_init(&f->g, &f->cfg.groups[0], &f->cfg, &f->clock, &rec_ops,
				    &f->rec), 0);
	for (unsigned i = 0; i < n; i++) {
		struct ipmp_member *m = &f->g.members[i];

		m->ifindex = 10 + i;
		m->link_up = true;
		m->mac[0] = 0x02;
		m->mac[5] = 0x10 + i;
	}
	group_start(&f->g);
	return f;
}

static void group_done(struct fixture *f)
{
	group_free(&f->g);
	config_free(&f->cfg);
	free(f);
}

static void bindings_save(const struct ipmp_group *g, const struct ipmp_member *out[NADDRS_MAX])
{
	assert_true(g->naddrs <= NADDRS_MAX);
	for (unsigned i = 0; i < g->naddrs; i++)
		out[i] = g->addrs[i].bound;
}

/* No two active members differ by more than one address of a family. */
static void assert_balanced(const struct ipmp_group *g)
{
	for (int v6 = 0; v6 < 2; v6++) {
		unsigned lo = ~0u, hi = 0;

		group_for_each_member(g, m) {
			unsigned load = v6 ? m->nbound6 : m->nbound - m->nbound6;

			if (!member_active(m))
				continue;
			lo = load < lo ? load : lo;
			hi = load > hi ? load : hi;
		}
		if (hi > lo + 1)
			fail_msg("%s addresses out of balance: %u to %u per active member",
				 v6 ? "IPv6" : "IPv4", lo, hi);
	}
}

/* Every member-state event comes before the first failover event. */
static void assert_states_before_failovers(const struct recorder *r)
{
	bool failover_seen = false;

	for (unsigned i = 0; i < r->nevents; i++) {
		if (r->events[i].kind == GROUP_EVENT_FAILOVER)
			failover_seen = true;
		else if (r->events[i].kind == GROUP_EVENT_MEMBER_STATE && failover_seen)
			fail_msg("event %u (member-state of %s) came after a failover", i,
				 r->events[i].ifname);
	}
}

static unsigned count_events(const struct recorder *r, enum group_event_kind kind)
{
	unsigned n = 0;

	for (unsigned i = 0; i < r->nevents; i++)
		n += r->events[i].kind == kind;
	return n;
}

/*
 * Fail member `victim` by its link, then repair it, and hold the commit
 * to its promises: the failure moves exactly the victim's addresses, to
 * active members, in one push with one announcement each; the repair
 * moves addresses only onto the victim, as many as balance needs.
 */
static void fail_and_repair(unsigned n, bool standby, unsigned victim)
{
	struct fixture *f = group_new(n, standby, true);
	struct ipmp_member *v = &f->g.members[victim];
	const struct ipmp_member *before[NADDRS_MAX];
	unsigned moved = 0, had = v->nbound;

	assert_balanced(&f->g);
	bindings_save(&f->g, before);
	f->rec = (struct recorder){};
	link_update(v, false);

	for (unsigned i = 0; i < f->g.naddrs; i++) {
		const struct ipmp_addr *a = &f->g.addrs[i];

		if (before[i] == v) {
			assert_non_null(a->bound);
			assert_true(member_active(a->bound));
			moved++;
		} else if (a->bound != before[i]) {
			fail_msg("n=%u standby=%d e%u failed: address %u moved off healthy %s to %s", n,
				 standby, victim, i, before[i] ? before[i]->ifname : "-",
				 a->bound ? a->bound->ifname : "-");
		}
	}
	assert_int_equal(moved, had);
	assert_int_equal(f->rec.announces, moved);
	assert_int_equal(f->rec.pushes, 1);
	assert_int_equal(count_events(&f->rec, GROUP_EVENT_FAILOVER), moved);
	assert_states_before_failovers(&f->rec);
	/* the failed member's own event comes first: it caused the rest */
	assert_true(f->rec.nevents > 0);
	assert_int_equal(f->rec.events[0].kind, GROUP_EVENT_MEMBER_STATE);
	assert_string_equal(f->rec.events[0].ifname, v->ifname);
	assert_false(f->rec.events[0].active);
	assert_balanced(&f->g);

	bindings_save(&f->g, before);
	f->rec = (struct recorder){};
	link_update(v, true);
	moved = 0;
	for (unsigned i = 0; i < f->g.naddrs; i++) {
		const struct ipmp_addr *a = &f->g.addrs[i];

		if (a->bound == before[i])
			continue;
		if (a->bound != v)
			fail_msg("n=%u standby=%d e%u repaired: address %u moved from %s to %s, not to "
				 "the repaired member", n, standby, victim, i,
				 before[i] ? before[i]->ifname : "-", a->bound ? a->bound->ifname : "-");
		moved++;
	}
	assert_true(member_active(v));
	assert_int_equal(moved, v->nbound);	/* it took only what it holds now */
	assert_int_equal(f->rec.announces, moved);
	assert_int_equal(f->rec.pushes, 1);
	assert_states_before_failovers(&f->rec);
	assert_balanced(&f->g);
	if (standby) {
		/* failback: the standby is idle again and holds nothing */
		assert_true(f->g.members[n - 1].flags & MEMBER_F_INACTIVE);
		assert_int_equal(f->g.members[n - 1].nbound, 0);
	}
	group_done(f);
}

static void test_fail_each_slot(void **state)
{
	for (unsigned n = 2; n <= 5; n++) {
		unsigned slots[3] = { 0, n / 2, n - 1 };

		for (unsigned s = 0; s < 3; s++) {
			if (s && slots[s] == slots[s - 1])
				continue;
			fail_and_repair(n, false, slots[s]);
		}
	}
}

static void test_fail_each_slot_with_standby(void **state)
{
	for (unsigned n = 3; n <= 5; n++) {
		/* the standby is the last member; the first, a middle one and the last active one */
		unsigned slots[3] = { 0, (n - 1) / 2, n - 2 };

		for (unsigned s = 0; s < 3; s++) {
			if (s && slots[s] == slots[s - 1])
				continue;
			fail_and_repair(n, true, slots[s]);
		}
	}
}

/*
 * The report that led here: four members (e3 standby), six addresses;
 * e1's link drops. The standby takes exactly e1's addresses; e0 and e2
 * keep theirs; the monitor hears e1 failed before e3 became active, and
 * both before any failover.
 */
static void test_standby_takes_only_the_failed_members_addresses(void **state)
{
	struct fixture *f = group_new(4, true, true);
	struct ipmp_member *e1 = &f->g.members[1], *e3 = &f->g.members[3];
	const struct ipmp_member *before[NADDRS_MAX];
	unsigned e1_had = e1->nbound;

	bindings_save(&f->g, before);
	f->rec = (struct recorder){};
	link_update(e1, false);
	for (unsigned i = 0; i < f->g.naddrs; i++)
		assert_ptr_equal(f->g.addrs[i].bound, before[i] == e1 ? e3 : before[i]);
	assert_int_equal(e3->nbound, e1_had);
	assert_int_equal(f->rec.announces, e1_had);
	assert_true(f->rec.nevents >= 2);
	assert_string_equal(f->rec.events[0].ifname, "e1");
	assert_true(f->rec.events[0].flags & MEMBER_F_FAILED);
	assert_string_equal(f->rec.events[1].ifname, "e3");
	assert_true(f->rec.events[1].active);
	assert_states_before_failovers(&f->rec);
	group_done(f);
}

/* failback = no: the repaired member stays idle and nothing moves at all. */
static void test_repair_without_failback_moves_nothing(void **state)
{
	struct fixture *f = group_new(3, false, false);
	struct ipmp_member *e0 = &f->g.members[0];
	const struct ipmp_member *before[NADDRS_MAX];

	link_update(e0, false);
	bindings_save(&f->g, before);
	f->rec = (struct recorder){};
	link_update(e0, true);
	assert_true(e0->flags & MEMBER_F_INACTIVE);
	for (unsigned i = 0; i < f->g.naddrs; i++)
		assert_ptr_equal(f->g.addrs[i].bound, before[i]);
	assert_int_equal(f->rec.announces, 0);
	group_done(f);
}

/* Several decisions in one batch (one netlink read): one push, one round of announcements. */
static void test_batch_commits_once(void **state)
{
	struct fixture *f = group_new(4, false, true);
	unsigned lost = f->g.members[0].nbound + f->g.members[1].nbound;

	f->rec = (struct recorder){};
	group_begin(&f->g);
	link_update(&f->g.members[0], false);
	link_update(&f->g.members[1], false);
	assert_int_equal(f->rec.pushes, 0);	/* nothing reached the data plane yet */
	assert_int_equal(f->rec.announces, 0);
	assert_int_equal(f->rec.nevents, 0);
	group_end(&f->g);
	assert_int_equal(f->rec.pushes, 1);
	assert_int_equal(f->rec.announces, lost);	/* only the failed members' addresses */
	assert_balanced(&f->g);
	assert_states_before_failovers(&f->rec);
	group_done(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fail_each_slot),
		cmocka_unit_test(test_fail_each_slot_with_standby),
		cmocka_unit_test(test_standby_takes_only_the_failed_members_addresses),
		cmocka_unit_test(test_repair_without_failback_moves_nothing),
		cmocka_unit_test(test_batch_commits_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
