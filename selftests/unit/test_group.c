// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * agent/group.c, agent/binding.c, agent/link.c under a fake clock: the
 * activation policy (standby, failback yes/no), failure classification,
 * address binding and its announcements, the flap rule, the log texts.
 * One concern, past 600 lines: one fixture for the group's decisions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "ipmp_errors.h"
#include "logcapture.h"

#define MS(ms) ((uint64_t)(ms) * 1000000)

struct recorder {
	unsigned pushes;
	unsigned announces;
	const struct ipmp_addr *announced[16];
	const struct ipmp_member *announced_on[16];
	struct ipmp_member *timer_member;
	uint64_t timer_deadline;
	unsigned committed;		/* decisions over (ops->committed) */
	unsigned announces_at_commit;	/* announcements queued when the last was */
};

static void rec_push(struct ipmp_group *g, void *ctx)
{
	((struct recorder *)ctx)->pushes++;
}

static void rec_announce(struct ipmp_group *g, struct ipmp_addr *a, void *ctx)
{
	struct recorder *r = ctx;

	if (r->announces < 16) {
		r->announced[r->announces] = a;
		r->announced_on[r->announces] = a->bound;
	}
	r->announces++;
}

static void rec_timer(struct ipmp_member *m, uint64_t deadline_ms, void *ctx)
{
	struct recorder *r = ctx;

	r->timer_member = m;
	r->timer_deadline = deadline_ms;
}

static void rec_committed(struct ipmp_group *g, void *ctx)
{
	struct recorder *r = ctx;

	r->committed++;
	r->announces_at_commit = r->announces;
}

static const struct group_ops rec_ops = {
	.push = rec_push, .announce = rec_announce, .timer_arm = rec_timer,
	.committed = rec_committed,
};

struct fixture {
	struct ipmp_config cfg;
	struct ipmp_group g;
	struct recorder rec;
	struct ipmp_clock clock;
};

/* Every member its own MAC (equal MACs offline each other, spec 3.16). */
static void member_mac_set(struct ipmp_member *m, unsigned n)
{
	const uint8_t mac[IPMP_ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x10 + n };

	memcpy(m->mac, mac, sizeof(mac));
}

/* A group from config text, every member present with its link up, started. */
static struct fixture *fixture_new(const char *text)
{
	struct fixture *f = calloc(1, sizeof(*f));

	log_capture_start();
	assert_int_equal(config_load_string(text, "t.conf", &f->cfg), 0);
	f->clock = (struct ipmp_clock){ .now_ns = clock_fake_now, .fake_ns = MS(1000000) };
	assert_int_equal(group_init(&f->g, &f->cfg.groups[0], &f->cfg, &f->clock, &rec_ops,
				    &f->rec), 0);
	for (unsigned i = 0; i < f->g.nmembers; i++) {
		f->g.members[i].ifindex = 10 + i;
		f->g.members[i].link_up = true;
		member_mac_set(&f->g.members[i], i);
	}
	return f;
}

static void fixture_free(struct fixture *f)
{
	group_free(&f->g);
	config_free(&f->cfg);
	free(f);
}

static unsigned active_mask(const struct ipmp_group *g)
{
	unsigned mask = 0;

	for (unsigned i = 0; i < g->nmembers; i++)
		if (member_active(&g->members[i]))
			mask |= 1u << i;
	return mask;
}

static int bound_slot(const struct ipmp_group *g, unsigned addr)
{
	return g->addrs[addr].bound ? (int)g->addrs[addr].bound->slot : -1;
}

#define TWO_PLUS_STANDBY                                                                    \
	"[group ipmp0]\nname = a\ninterfaces = e0 e1 e2\nstandby = e2\n"                  \
	"addresses = 192.0.2.10/24 192.0.2.11/24 192.0.2.12/24 192.0.2.13/24\n"

static void test_start_standby_inactive(void **state)
{
	struct fixture *f = fixture_new(TWO_PLUS_STANDBY);

	group_start(&f->g);
	assert_int_equal(active_mask(&f->g), 0x3);
	assert_true(f->g.members[2].flags & MEMBER_F_INACTIVE);
	assert_int_equal(f->g.state, GROUP_OK);	/* the standby is usable */
	/* four addresses, two per active member, none on the standby */
	assert_int_equal(f->g.members[0].nbound, 2);
	assert_int_equal(f->g.members[1].nbound, 2);
	assert_int_equal(f->g.members[2].nbound, 0);
	assert_int_equal(f->rec.pushes, 1);	/* one commit at start */
	assert_int_equal(f->rec.announces, 4);	/* every address announced once */
	assert_ptr_equal(f->g.nominated, &f->g.members[0]);
	assert_not_logged("unusable");
	fixture_free(f);
}

static void test_standby_listed_first(void **state)
{
	struct fixture *f = fixture_new("[group g]\ninterfaces = e0 e1 e2\nstandby = e0\n"
					"addresses = 192.0.2.10/24\n");

	/* spec 3.14: the standby is active until enough others run, then goes idle */
	group_start(&f->g);
	assert_int_equal(active_mask(&f->g), 0x6);
	assert_true(f->g.members[0].flags & MEMBER_F_INACTIVE);
	fixture_free(f);
}

static void test_link_failure_activates_standby(void **state)
{
	struct fixture *f = fixture_new(TWO_PLUS_STANDBY);
	struct ipmp_member *e0 = &f->g.members[0];

	group_start(&f->g);
	f->rec = (struct recorder){};
	link_update(e0, false);
	assert_logged("The link has gone down on e0");
	assert_logged("IP interface failure detected on e0 of group a");
	assert_int_equal(e0->state, MEMBER_FAILED);
	assert_true(e0->flags & MEMBER_F_FAILED);
	assert_int_equal(active_mask(&f->g), 0x6);
	assert_int_equal(f->g.state, GROUP_DEGRADED);
	/* e0's two addresses moved, once each, to the standby */
	assert_int_equal(f->g.members[2].nbound, 2);
	assert_int_equal(f->g.members[1].nbound, 2);
	assert_int_equal(f->rec.announces, 2);
	assert_ptr_equal(f->rec.announced_on[0], &f->g.members[2]);
	assert_ptr_equal(f->rec.announced_on[1], &f->g.members[2]);
	/* the nominated member moved off the failed one */
	assert_ptr_not_equal(f->g.nominated, e0);
	assert_true(member_active(f->g.nominated));
	fixture_free(f);
}

static void test_failback_yes(void **state)
{
	struct fixture *f = fixture_new(TWO_PLUS_STANDBY);
	struct ipmp_member *e0 = &f->g.members[0];

	group_start(&f->g);
	link_update(e0, false);
	link_update(e0, true);
	assert_logged("The link has come up on e0");
	assert_logged("IP interface repair detected on e0 of group a");
	assert_int_equal(active_mask(&f->g), 0x3);
	assert_true(f->g.members[2].flags & MEMBER_F_INACTIVE);
	assert_int_equal(f->g.members[2].nbound, 0);
	assert_int_equal(e0->nbound, 2);
	assert_int_equal(f->g.state, GROUP_OK);
	fixture_free(f);
}

static void test_failback_no(void **state)
{
	struct fixture *f = fixture_new("[global]\nfailback = no\n" TWO_PLUS_STANDBY);
	struct ipmp_member *e0 = &f->g.members[0];

	group_start(&f->g);
	link_update(e0, false);
	link_update(e0, true);
	/* repaired but idle; the standby keeps carrying data */
	assert_int_equal(e0->state, MEMBER_RUNNING);
	assert_true(e0->flags & MEMBER_F_INACTIVE);
	assert_int_equal(active_mask(&f->g), 0x6);
	assert_int_equal(e0->nbound, 0);
	/* when another active member fails, the idle one takes over */
	link_update(&f->g.members[1], false);
	assert_int_equal(active_mask(&f->g), 0x5);
	assert_int_equal(e0->nbound + f->g.members[2].nbound, 4);
	fixture_free(f);
}

static void test_group_failure_and_recovery(void **state)
{
	struct fixture *f = fixture_new("[group g]\ninterfaces = e0 e1\naddresses = 192.0.2.10/24\n");

	group_start(&f->g);
	link_update(&f->g.members[0], false);
	assert_logged("IP interface failure detected on e0 of group g");
	log_capture_start();
	link_update(&f->g.members[1], false);
	/* the last member: a group failure, no per-interface message */
	assert_not_logged("IP interface failure detected on e1");
	assert_logged("All IP interfaces in group g are now unusable");
	assert_int_equal(f->g.state, GROUP_FAILED);
	assert_int_equal(bound_slot(&f->g, 0), -1);
	f->rec.announces = 0;
	link_update(&f->g.members[1], true);
	assert_logged("At least 1 IP interface (e1) in group g is now usable");
	assert_int_equal(f->g.state, GROUP_DEGRADED);
	assert_int_equal(bound_slot(&f->g, 0), 1);
	assert_int_equal(f->rec.announces, 1);
	fixture_free(f);
}

static void test_failback_no_after_group_failure(void **state)
{
	struct fixture *f = fixture_new("[global]\nfailback = no\n[group g]\ninterfaces = e0 e1\n");

	group_start(&f->g);
	link_update(&f->g.members[0], false);
	link_update(&f->g.members[1], false);
	/* spec 3.14 rule 3: a failed group must use the first repaired member */
	link_update(&f->g.members[0], true);
	assert_int_equal(active_mask(&f->g), 0x1);
	fixture_free(f);
}

static void test_flap_rule(void **state)
{
	struct fixture *f = fixture_new("[group g]\ninterfaces = e0 e1\naddresses = 192.0.2.10/24\n");
	struct ipmp_member *e0 = &f->g.members[0];

	group_start(&f->g);
	for (int i = 0; i < 2; i++) {
		link_update(e0, false);
		f->clock.fake_ns += MS(1000);
		link_update(e0, true);
		assert_true(member_active(e0));
	}
	link_update(e0, false);
	f->clock.fake_ns += MS(1000);
	uint64_t first_up = 1000000 + 1000;
	link_update(e0, true);		/* third link-up within a minute */
	assert_logged("The link has come up on e0 more than 2 times in the last minute; "
		      "disabling repair until it stabilizes");
	assert_false(member_active(e0));
	assert_ptr_equal(f->rec.timer_member, e0);
	assert_int_equal(f->rec.timer_deadline, first_up + 60000);

	/* early timer: still flapping */
	f->clock.fake_ns = MS(first_up + 59999);
	link_timer(e0);
	assert_false(member_active(e0));
	/* once the oldest link-up leaves the minute, repair goes ahead */
	f->clock.fake_ns = MS(first_up + 60000);
	link_timer(e0);
	assert_true(member_active(e0));
	assert_logged("IP interface repair detected on e0 of group g");
	fixture_free(f);
}

static void test_flap_message_once(void **state)
{
	struct fixture *f = fixture_new("[group g]\ninterfaces = e0 e1\n");
	struct ipmp_member *e0 = &f->g.members[0];
	const char *msg = "more than 2 times in the last minute";

	group_start(&f->g);
	for (int i = 0; i < 5; i++) {
		link_update(e0, false);
		f->clock.fake_ns += MS(100);
		link_update(e0, true);
	}
	const char *first = strstr(captured_log, msg);
	assert_non_null(first);
	assert_null(strstr(first + 1, msg));
	fixture_free(f);
}

static void test_missing_member_at_start(void **state)
{
	struct fixture *f = fixture_new("[group g]\ninterfaces = e0 e1\naddresses = 192.0.2.10/24 "
					"192.0.2.11/24\n");

	f->g.members[1].ifindex = 0;
	f->g.members[1].link_up = false;
	group_start(&f->g);
	assert_logged("IP interface e1 of group g does not exist; treating it as failed");
	assert_int_equal(f->g.members[1].state, MEMBER_FAILED);
	assert_int_equal(f->g.members[0].nbound, 2);
	assert_int_equal(f->g.state, GROUP_DEGRADED);
	fixture_free(f);
}

static void test_rebalance_on_activation(void **state)
{
	struct fixture *f = fixture_new(
		"[group g]\ninterfaces = e0 e1 e2\naddresses = 192.0.2.1/24 192.0.2.2/24 192.0.2.3/24 "
		"192.0.2.4/24 192.0.2.5/24 192.0.2.6/24 192.0.2.7/24\n");

	group_start(&f->g);
	assert_int_equal(f->g.members[0].nbound, 3);
	assert_int_equal(f->g.members[1].nbound, 2);
	assert_int_equal(f->g.members[2].nbound, 2);
	link_update(&f->g.members[2], false);
	/* its two addresses go to the least loaded: 4 and 3 */
	assert_int_equal(f->g.members[0].nbound + f->g.members[1].nbound, 7);
	assert_true(abs((int)f->g.members[0].nbound - (int)f->g.members[1].nbound) <= 1);
	f->rec.announces = 0;
	link_update(&f->g.members[2], true);
	/* back: moved from the most loaded until no two differ by more than one */
	for (unsigned i = 0; i < 3; i++)
		assert_in_range(f->g.members[i].nbound, 2, 3);
	assert_int_equal(f->rec.announces, 2);
	for (unsigned i = 0; i < f->rec.announces; i++)
		assert_ptr_equal(f->rec.announced_on[i], &f->g.members[2]);
	fixture_free(f);
}

/* A decision nested in another is over at the outer end: told once, after its announcements. */
static void test_committed_once_after_announcements(void **state)
{
	struct fixture *f = fixture_new(TWO_PLUS_STANDBY);

	group_start(&f->g);
	f->rec = (struct recorder){};
	group_begin(&f->g);
	link_update(&f->g.members[0], false);	/* a decision of its own, inside this one */
	assert_int_equal(f->rec.committed, 0);
	assert_int_equal(f->rec.announces, 0);
	group_end(&f->g);
	assert_int_equal(f->rec.committed, 1);
	assert_int_equal(f->rec.announces, 2);
	assert_int_equal(f->rec.announces_at_commit, 2);
	fixture_free(f);
}

static void test_no_change_no_commit(void **state)
{
	struct fixture *f = fixture_new("[group g]\ninterfaces = e0 e1\n");
	uint64_t gen;

	group_start(&f->g);
	gen = f->g.generation;
	f->rec.pushes = 0;
	link_update(&f->g.members[0], true);	/* already up */
	member_chstate(&f->g.members[1], f->g.members[1].state, f->g.members[1].flags);
	assert_int_equal(f->rec.pushes, 0);
	assert_int_equal(f->g.generation, gen);
	fixture_free(f);
}

static void test_mac_change_reannounces(void **state)
{
	struct fixture *f = fixture_new("[group g]\ninterfaces = e0 e1\naddresses = 192.0.2.1/24 "
					"192.0.2.2/24 192.0.2.3/24\n");

	group_start(&f->g);
	f->rec = (struct recorder){};
	group_member_relearn(&f->g.members[1]);
	assert_int_equal(f->rec.pushes, 1);
	assert_int_equal(f->rec.announces, f->g.members[1].nbound);
	fixture_free(f);
}

static void test_offline_rules(void **state)
{
	struct fixture *f = fixture_new("[group g]\ninterfaces = e0 e1\naddresses = 192.0.2.1/24 "
					"192.0.2.2/24\n");
	struct ipmp_member *e0 = &f->g.members[0], *e1 = &f->g.members[1];

	group_start(&f->g);
	assert_int_equal(member_offline(e0), 0);
	assert_int_equal(e0->state, MEMBER_OFFLINE);
	assert_true(e0->flags & MEMBER_F_OFFLINE);
	assert_int_equal(e1->nbound, 2);		/* its address moved */
	assert_int_equal(member_offline(e0), 0);	/* idempotent */
	/* minimum redundancy 1: the last usable member stays */
	assert_int_equal(member_offline(e1), IPMP_EMINRED);
	assert_true(member_active(e1));
	/* fails while offline: undo leaves it failed, not running */
	link_update(e0, false);
	assert_true(e0->flags & MEMBER_F_FAILED);
	assert_int_equal(member_undo_offline(e0), 0);
	assert_int_equal(e0->state, MEMBER_FAILED);
	assert_false(e0->flags & MEMBER_F_OFFLINE);
	/* not offline: refused */
	assert_int_equal(member_undo_offline(e1), IPMP_FAILURE);
	link_update(e0, true);
	assert_true(member_active(e0));
	fixture_free(f);
}

static void test_offline_in_failed_group(void **state)
{
	struct fixture *f = fixture_new("[group g]\ninterfaces = e0 e1\n");

	group_start(&f->g);
	link_update(&f->g.members[0], false);
	link_update(&f->g.members[1], false);
	assert_int_equal(f->g.state, GROUP_FAILED);
	/* spec 3.16: in a failed group, any member not offline counts as usable */
	assert_int_equal(member_offline(&f->g.members[0]), 0);
	assert_int_equal(member_offline(&f->g.members[1]), IPMP_EMINRED);
	fixture_free(f);
}

static struct ipmp_member *join(struct fixture *f, const char *ifname, int ifindex, bool standby)
{
	struct config_member cm = { .standby = standby };
	struct ipmp_member *m = NULL;

	snprintf(cm.ifname, sizeof(cm.ifname), "%s", ifname);
	assert_int_equal(group_member_add(&f->g, &cm, &m), 0);
	assert_int_equal(m->state, MEMBER_INIT);
	assert_false(member_active(m));	/* nothing carried until it starts */
	m->ifindex = ifindex;
	m->link_up = true;
	member_mac_set(m, ifindex);
	group_member_start(m);
	return m;
}

static void test_member_joins_running_group(void **state)
{
	struct fixture *f = fixture_new("[global]\nfailback = no\n[group g]\ninterfaces = e0 e1\n"
					"addresses = 192.0.2.10/24 192.0.2.11/24 192.0.2.12/24 "
					"192.0.2.13/24 192.0.2.14/24 192.0.2.15/24\n");
	const struct ipmp_member *order[IPMP_MAX_MEMBERS];
	struct ipmp_member *e2;
	unsigned pushes;

	group_start(&f->g);
	pushes = f->rec.pushes;
	f->rec.announces = 0;
	e2 = join(f, "e2", 12, false);
	/* a new member starts active even with failback = no, and takes its share */
	assert_true(member_active(e2));
	assert_int_equal(e2->slot, 2);
	assert_int_equal(f->g.nmembers, 3);
	assert_int_equal(e2->nbound, 2);
	assert_int_equal(f->g.members[0].nbound + f->g.members[1].nbound, 4);
	assert_int_equal(f->rec.announces, 2);	/* only the two that moved */
	assert_true(f->rec.pushes > pushes);
	/* in.mpathd's order: most recently joined first */
	assert_int_equal(group_members_newest_first(&f->g, order), 3);
	assert_string_equal(order[0]->ifname, "e2");
	assert_string_equal(order[2]->ifname, "e0");
	assert_logged("e2: joined group g");
	fixture_free(f);
}

static void test_member_join_refusals(void **state)
{
	struct fixture *f = fixture_new("[group g]\ninterfaces = e0 e1\n");
	struct config_member cm = {};

	group_start(&f->g);
	snprintf(cm.ifname, sizeof(cm.ifname), "e1");
	assert_int_equal(group_member_add(&f->g, &cm, NULL), -EEXIST);
	for (unsigned i = 2; i < IPMP_MAX_MEMBERS; i++) {
		snprintf(cm.ifname, sizeof(cm.ifname), "x%u", i);
		assert_int_equal(group_member_add(&f->g, &cm, NULL), 0);
	}
	snprintf(cm.ifname, sizeof(cm.ifname), "full");
	assert_int_equal(group_member_add(&f->g, &cm, NULL), -ENOSPC);
	assert_int_equal(f->g.nmembers, IPMP_MAX_MEMBERS);
	fixture_free(f);
}

static void test_member_leaves(void **state)
{
	struct fixture *f = fixture_new(TWO_PLUS_STANDBY);
	struct ipmp_member *e0 = &f->g.members[0], *e1 = &f->g.members[1];

	group_start(&f->g);
	f->rec.announces = 0;
	group_member_remove(e0);
	/* its addresses go to e1 and are announced there; the standby stays idle */
	assert_int_equal(f->g.nmembers, 2);
	assert_false(member_active(e0));
	assert_null(group_member_by_name(&f->g, "e0"));
	assert_null(group_member_by_ifindex(&f->g, 10));
	assert_int_equal(e1->nbound, 4);
	assert_int_equal(f->rec.announces, 2);
	assert_ptr_equal(f->rec.announced_on[0], e1);
	assert_true(f->g.members[2].flags & MEMBER_F_INACTIVE);
	assert_ptr_equal(f->g.nominated, e1);
	for (unsigned i = 0; i < f->g.naddrs; i++)
		assert_string_equal(f->g.addrs[i].left, "");	/* announced: nothing pending */
	assert_int_equal(f->g.state, GROUP_OK);
	assert_logged("e0: left group a");
	/* the last member carrying data leaves: the standby takes over */
	group_member_remove(e1);
	assert_true(member_active(&f->g.members[2]));
	assert_int_equal(f->g.members[2].nbound, 4);
	/* the free slot is reused; a non-standby joining sends the standby back to idle */
	struct ipmp_member *e3 = join(f, "e3", 13, false);

	assert_int_equal(e3->slot, 0);
	assert_true(member_active(e3));
	assert_int_equal(e3->nbound, 4);
	assert_true(f->g.members[2].flags & MEMBER_F_INACTIVE);
	/* the last one leaves: nothing bound, the group has failed */
	group_member_remove(e3);
	group_member_remove(&f->g.members[2]);
	assert_int_equal(f->g.nmembers, 0);
	assert_int_equal(f->g.state, GROUP_FAILED);
	for (unsigned i = 0; i < f->g.naddrs; i++)
		assert_null(f->g.addrs[i].bound);
	fixture_free(f);
}

static void test_member_joins_missing(void **state)
{
	struct fixture *f = fixture_new("[group g]\ninterfaces = e0\naddresses = 192.0.2.10/24\n");
	struct config_member cm = { .ifname = "gone" };
	struct ipmp_member *m;

	group_start(&f->g);
	assert_int_equal(group_member_add(&f->g, &cm, &m), 0);
	group_member_start(m);	/* no netdev: failed, as at start */
	assert_int_equal(m->state, MEMBER_FAILED);
	assert_int_equal(f->g.state, GROUP_DEGRADED);
	assert_logged("IP interface gone of group g does not exist; treating it as failed");
	fixture_free(f);
}

/* What a previous agent left: prior state per member, bindings by slot (-1: none). */
static void adopt(struct fixture *f, enum group_state gs, const enum member_state *states,
		  const unsigned *flags, const int *bound)
{
	group_adopt_state(&f->g, gs);
	for (unsigned i = 0; i < f->g.nmembers; i++)
		group_adopt_member(&f->g.members[i], states[i], flags[i]);
	for (unsigned i = 0; i < f->g.naddrs; i++)
		if (bound[i] >= 0)
			group_adopt_binding(&f->g, i, &f->g.members[bound[i]]);
}

static void test_restart_resumes(void **state)
{
	struct fixture *f = fixture_new(
		"[global]\nfailback = no\n[group g]\ninterfaces = e0 e1 e2 e3\n"
		"addresses = 192.0.2.1/24 192.0.2.2/24 192.0.2.3/24 192.0.2.4/24\n");
	const enum member_state states[] = { MEMBER_RUNNING, MEMBER_FAILED, MEMBER_OFFLINE,
					      MEMBER_RUNNING };
	/* e0 active, e1 failed by probes, e2 offline, e3 repaired but idle (failback = no) */
	const unsigned flags[] = { 0, MEMBER_F_FAILED, MEMBER_F_OFFLINE, MEMBER_F_INACTIVE };
	/* addresses spread as the previous agent had them, not as a fresh start would */
	const int bound[] = { 0, 0, 0, 0 };

	adopt(f, GROUP_DEGRADED, states, flags, bound);
	group_start(&f->g);
	assert_int_equal(f->g.members[0].state, MEMBER_RUNNING);
	assert_int_equal(f->g.members[1].state, MEMBER_FAILED);
	assert_true(f->g.members[1].flags & MEMBER_F_FAILED);
	assert_int_equal(f->g.members[2].state, MEMBER_OFFLINE);
	assert_true(f->g.members[3].flags & MEMBER_F_INACTIVE);
	assert_int_equal(active_mask(&f->g), 0x1);
	/* every binding held: nothing announced, nothing moved, no failover */
	for (unsigned i = 0; i < f->g.naddrs; i++)
		assert_int_equal(bound_slot(&f->g, i), 0);
	assert_int_equal(f->rec.announces, 0);
	assert_int_equal(f->rec.pushes, 1);
	assert_int_equal(f->g.state, GROUP_DEGRADED);
	assert_not_logged("-> degraded");	/* no false transition at start */
	assert_logged("e1: failed when the previous agent stopped; probes will repair it");
	fixture_free(f);
}

static void test_restart_finds_changes(void **state)
{
	struct fixture *f = fixture_new("[group g]\ninterfaces = e0 e1 e2\n"
					"addresses = 192.0.2.1/24 192.0.2.2/24 192.0.2.3/24\n");
	const enum member_state states[] = { MEMBER_RUNNING, MEMBER_RUNNING, MEMBER_OFFLINE };
	const unsigned flags[] = { 0, MEMBER_F_INACTIVE, MEMBER_F_OFFLINE };
	const int bound[] = { 0, 0, 0 };

	/* while no agent ran: e0's cable was pulled, e2's netdev was deleted */
	f->g.members[0].link_up = false;
	f->g.members[2].ifindex = 0;
	f->g.members[2].link_up = false;
	adopt(f, GROUP_OK, states, flags, bound);
	group_start(&f->g);
	assert_int_equal(f->g.members[0].state, MEMBER_FAILED);
	assert_logged("The link has gone down on e0");
	/* the idle e1 is the only one left: activated, the addresses move to it, announced */
	assert_true(member_active(&f->g.members[1]));
	assert_int_equal(f->g.members[1].nbound, 3);
	assert_int_equal(f->rec.announces, 3);
	/* offline stays offline; gone meanwhile, it is failed too */
	assert_int_equal(f->g.members[2].state, MEMBER_OFFLINE);
	assert_true(f->g.members[2].flags & MEMBER_F_FAILED);
	fixture_free(f);
}

static void test_restart_without_prior_starts_fresh(void **state)
{
	struct fixture *f = fixture_new("[group g]\ninterfaces = e0 e1\naddresses = 192.0.2.1/24\n");

	/* a member the previous agent did not know (added to the config meanwhile) */
	group_adopt_member(&f->g.members[0], MEMBER_RUNNING, 0);
	group_start(&f->g);
	assert_int_equal(active_mask(&f->g), 0x3);
	fixture_free(f);
}

static void test_duplicate_mac(void **state)
{
	struct fixture *f = fixture_new("[group g]\ninterfaces = e0 e1 e2\n"
					"addresses = 192.0.2.1/24 192.0.2.2/24 192.0.2.3/24\n");
	struct ipmp_member *e0 = &f->g.members[0], *e1 = &f->g.members[1], *e2 = &f->g.members[2];
	uint8_t old[IPMP_ETH_ALEN];

	/* at start: e1 has e0's MAC and is offlined with flag h */
	memcpy(e1->mac, e0->mac, sizeof(e1->mac));
	group_start(&f->g);
	assert_int_equal(e1->state, MEMBER_OFFLINE);
	assert_true(e1->flags & MEMBER_F_HWADDRDUP);
	assert_int_equal(e1->nbound, 0);
	assert_logged("IP interface e1 has a hardware address which is not unique in group g; "
		      "offlining");
	/* its administrator cannot bring it back while the MAC is shared */
	assert_int_equal(member_undo_offline(e1), IPMP_EHWADDRDUP);
	/* its MAC becomes unique: online, addresses rebalanced onto it */
	memcpy(old, e1->mac, sizeof(old));
	member_mac_set(e1, 1);
	group_member_hwaddr_changed(e1, old);
	assert_int_equal(e1->state, MEMBER_RUNNING);
	assert_false(e1->flags & (MEMBER_F_HWADDRDUP | MEMBER_F_OFFLINE));
	assert_true(member_active(e1));
	assert_int_equal(e1->nbound, 1);
	assert_logged("IP interface e1 now has a unique hardware address in group g; onlining");
	/* a running member takes another's MAC: it is the one offlined */
	memcpy(old, e2->mac, sizeof(old));
	memcpy(e2->mac, e0->mac, sizeof(e2->mac));
	group_member_hwaddr_changed(e2, old);
	assert_true(e2->flags & MEMBER_F_HWADDRDUP);
	assert_true(member_active(e0));
	/* the member it shadowed changes its MAC: the duplicate comes back */
	memcpy(old, e0->mac, sizeof(old));
	member_mac_set(e0, 9);
	group_member_hwaddr_changed(e0, old);
	assert_false(e2->flags & MEMBER_F_HWADDRDUP);
	assert_true(member_active(e2));
	/* and when the shadowing member leaves, its duplicate comes back too */
	memcpy(old, e2->mac, sizeof(old));
	memcpy(e2->mac, e1->mac, sizeof(e2->mac));
	group_member_hwaddr_changed(e2, old);
	assert_int_equal(e2->state, MEMBER_OFFLINE);
	group_member_remove(e1);
	assert_true(member_active(e2));
	fixture_free(f);
}

static void test_offline_frees_duplicate(void **state)
{
	struct fixture *f = fixture_new("[group g]\ninterfaces = e0 e1 e2\naddresses = 192.0.2.1/24\n");
	struct ipmp_member *e0 = &f->g.members[0], *e1 = &f->g.members[1];

	memcpy(e1->mac, e0->mac, sizeof(e1->mac));
	group_start(&f->g);
	assert_true(e1->flags & MEMBER_F_HWADDRDUP);
	/* offlining the member it duplicates lets the duplicate work (spec 3.16) */
	assert_int_equal(member_offline(e0), 0);
	assert_true(member_active(e1));
	/* undoing that offline now finds e0 the duplicate */
	assert_int_equal(member_undo_offline(e0), IPMP_EHWADDRDUP);
	assert_true(e0->flags & MEMBER_F_HWADDRDUP);
	assert_int_equal(e0->state, MEMBER_OFFLINE);
	fixture_free(f);
}


/*
 * spec 3.14 "activate another" walks the group as in.mpathd lists it, the
 * most recently joined member first: the first idle standby found, else
 * the last idle member found (the one that joined first).
 */
static void test_activate_another_order(void **state)
{
	struct fixture *f = fixture_new("[group g]\ninterfaces = e0 e1 e2 e3\nstandby = e2 e3\n"
					"addresses = 192.0.2.10/24 192.0.2.11/24\n");

	group_start(&f->g);
	assert_int_equal(active_mask(&f->g), 0x3);
	link_update(&f->g.members[0], false);
	assert_int_equal(active_mask(&f->g), 0xa);	/* e3, the newest standby, not e2 */
	fixture_free(f);

	f = fixture_new("[global]\nfailback = no\n[group g]\ninterfaces = e0 e1 e2 e3\n"
			"addresses = 192.0.2.10/24\n");
	group_start(&f->g);
	link_update(&f->g.members[0], false);	/* e0 and e1 fail, and come back idle */
	link_update(&f->g.members[1], false);
	link_update(&f->g.members[0], true);
	link_update(&f->g.members[1], true);
	assert_int_equal(active_mask(&f->g), 0xc);
	link_update(&f->g.members[3], false);
	assert_int_equal(active_mask(&f->g), 0x5);	/* no standby: the last idle one found, e0 */
	fixture_free(f);
}

/*
 * spec 3.5/3.13: an offline member's link failing is still classified and
 * logged (in.mpathd's process_link_state_down()); it stays offline, and
 * undo-offline finds it failed.
 */
static void test_offline_member_link_failure(void **state)
{
	struct fixture *f = fixture_new(TWO_PLUS_STANDBY);
	struct ipmp_member *e0 = &f->g.members[0];

	group_start(&f->g);
	assert_int_equal(member_offline(e0), IPMP_SUCCESS);
	log_capture_start();
	link_update(e0, false);
	assert_logged("The link has gone down on e0");
	assert_logged("IP interface failure detected on e0 of group a");
	assert_int_equal(e0->state, MEMBER_OFFLINE);
	assert_true(e0->flags & MEMBER_F_FAILED);
	assert_int_equal(member_undo_offline(e0), IPMP_SUCCESS);
	assert_int_equal(e0->state, MEMBER_FAILED);
	fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_standby_inactive),
		cmocka_unit_test(test_standby_listed_first),
		cmocka_unit_test(test_link_failure_activates_standby),
		cmocka_unit_test(test_committed_once_after_announcements),
		cmocka_unit_test(test_failback_yes),
		cmocka_unit_test(test_failback_no),
		cmocka_unit_test(test_group_failure_and_recovery),
		cmocka_unit_test(test_failback_no_after_group_failure),
		cmocka_unit_test(test_flap_rule),
		cmocka_unit_test(test_flap_message_once),
		cmocka_unit_test(test_missing_member_at_start),
		cmocka_unit_test(test_rebalance_on_activation),
		cmocka_unit_test(test_no_change_no_commit),
		cmocka_unit_test(test_mac_change_reannounces),
		cmocka_unit_test(test_offline_rules),
		cmocka_unit_test(test_offline_in_failed_group),
		cmocka_unit_test(test_member_joins_running_group),
		cmocka_unit_test(test_member_join_refusals),
		cmocka_unit_test(test_member_leaves),
		cmocka_unit_test(test_member_joins_missing),
		cmocka_unit_test(test_restart_resumes),
		cmocka_unit_test(test_restart_finds_changes),
		cmocka_unit_test(test_restart_without_prior_starts_fresh),
		cmocka_unit_test(test_duplicate_mac),
		cmocka_unit_test(test_offline_frees_duplicate),
		cmocka_unit_test(test_activate_another_order),
		cmocka_unit_test(test_offline_member_link_failure),
	};

	return cmocka_run_group_tests_name("group", tests, NULL, NULL);
}
