// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Paced announcements (agent/announce_queue.h): a failover of thousands
 * of addresses sends the first ANNOUNCE_BURST at once, the rest at
 * ANNOUNCE_RATE a millisecond, every first frame before any repeat; each
 * address gets its count of frames an interval apart; a newer binding of
 * an address waiting replaces it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "announce_queue.h"

static const uint8_t mac1[6] = { 2, 0, 0, 0, 0, 1 }, mac2[6] = { 2, 0, 0, 0, 0, 2 };

static struct ip_prefix addr_n(unsigned n)
{
	struct ip_prefix p = { .family = AF_INET6, .plen = 128,
			       .addr = { 0x20, 0x01, 0x0d, 0xb8, [14] = n >> 8, [15] = n & 0xff } };
	return p;
}

/* Send everything due at now; how many frames went. */
static unsigned drain(struct announce_queue *q, uint64_t now, uint64_t *wake, unsigned *repeats)
{
	struct announcement *a;
	unsigned n = 0;

	while ((a = announce_queue_next(q, now, wake))) {
		if (repeats && a->repeat)
			(*repeats)++;
		announce_queue_sent(q, a, now);
		n++;
	}
	return n;
}

static void test_burst_then_rate(void **state)
{
	struct announce_queue q;
	uint64_t now = 1000000, wake;
	unsigned sent, total = 0;

	announce_queue_init(&q, 3, 100, now);
	for (unsigned i = 0; i < 2048; i++) {
		struct ip_prefix p = addr_n(i);

		assert_int_equal(announce_queue_add(&q, 7, mac1, 0, &p), 0);
	}
	assert_int_equal(q.pending, 2048);
	sent = drain(&q, now, &wake, NULL);
	assert_int_equal(sent, ANNOUNCE_BURST);		/* the first ones: at once */
	assert_true(wake > now && wake <= now + 1000);	/* when the next RATE are back */
	total = sent;
	/* then ANNOUNCE_RATE a millisecond, never more */
	unsigned ms;

	for (ms = 1; total < 2048 && ms < 1000; ms++) {
		sent = drain(&q, now + ms * 1000, &wake, NULL);
		assert_true(sent <= ANNOUNCE_RATE);
		total += sent;
	}
	/* and no slower: the last first frame (2048 - BURST) / RATE ms after the failover */
	assert_true(ms - 1 <= (2048 - ANNOUNCE_BURST) / ANNOUNCE_RATE + 1);
	announce_queue_free(&q);
}

static void test_first_frames_before_repeats(void **state)
{
	struct announce_queue q;
	uint64_t now = 0, wake;
	unsigned repeats = 0, firsts = 0;
	struct announcement *a;

	announce_queue_init(&q, 3, 1, now);	/* 1 ms interval: repeats due early */
	for (unsigned i = 0; i < ANNOUNCE_BURST + 100; i++) {
		struct ip_prefix p = addr_n(i);

		announce_queue_add(&q, 7, mac1, 0, &p);
	}
	drain(&q, now, &wake, NULL);
	/* 2 ms on: repeats of the first burst are due, but the 100 first frames go first */
	for (uint64_t t = 2000; firsts < 100; t += 1000) {
		while ((a = announce_queue_next(&q, t, &wake))) {
			if (a->repeat)
				repeats++;
			else {
				assert_int_equal(repeats, 0);
				firsts++;
			}
			announce_queue_sent(&q, a, t);
		}
	}
	announce_queue_free(&q);
}

static void test_count_and_interval(void **state)
{
	struct announce_queue q;
	struct ip_prefix p = addr_n(1);
	uint64_t now = 0, wake;
	unsigned frames = 0;

	announce_queue_init(&q, 3, 100, now);
	announce_queue_add(&q, 7, mac1, 0, &p);
	frames += drain(&q, now, &wake, NULL);
	assert_int_equal(frames, 1);
	assert_int_equal(wake, now + 100000);		/* the next repeat */
	assert_int_equal(drain(&q, now + 99999, &wake, NULL), 0);
	frames += drain(&q, now + 100000, &wake, NULL);
	frames += drain(&q, now + 200000, &wake, NULL);
	assert_int_equal(frames, 3);
	assert_int_equal(q.pending, 0);
	assert_int_equal(wake, 0);			/* nothing left */
	announce_queue_free(&q);
}

static void test_newer_binding_replaces(void **state)
{
	struct announce_queue q;
	struct ip_prefix p = addr_n(1);
	uint64_t now = 0, wake;
	struct announcement *a;

	announce_queue_init(&q, 3, 100, now);
	announce_queue_add(&q, 7, mac1, 0, &p);
	drain(&q, now, &wake, NULL);			/* one sent, two to go */
	announce_queue_add(&q, 8, mac2, 0, &p);	/* moved again */
	assert_int_equal(q.pending, 1);
	a = announce_queue_next(&q, now + 10, &wake);
	assert_non_null(a);
	assert_false(a->repeat);			/* starts over, at once */
	assert_int_equal(a->ifindex, 8);
	assert_memory_equal(a->mac, mac2, 6);
	assert_int_equal(a->left, 3);
	announce_queue_sent(&q, a, now + 10);
	announce_queue_free(&q);
}

static void test_shorter_interval_keeps_due_order(void **state)
{
	struct announce_queue q;
	struct ip_prefix pa = addr_n(1), pb = addr_n(2);
	uint64_t wake;
	struct announcement *a;

	announce_queue_init(&q, 3, 100, 0);
	announce_queue_add(&q, 7, mac1, 0, &pa);
	drain(&q, 0, &wake, NULL);			/* A's repeat due at 100 ms */
	announce_queue_configure(&q, 3, 10);		/* a reload */
	announce_queue_add(&q, 7, mac1, 0, &pb);
	drain(&q, 1000, &wake, NULL);			/* B's repeat due at 11 ms */
	assert_int_equal(wake, 11000);			/* B's, not A's: B is first in line */
	a = announce_queue_next(&q, 11000, &wake);
	assert_non_null(a);
	assert_true(ip_prefix_same_addr(&a->addr, &pb));
	announce_queue_free(&q);
}

static void test_count_zero_sends_nothing(void **state)
{
	struct announce_queue q;
	struct ip_prefix p = addr_n(1);
	uint64_t wake;

	announce_queue_init(&q, 0, 100, 0);
	assert_int_equal(announce_queue_add(&q, 7, mac1, 0, &p), 0);
	assert_null(announce_queue_next(&q, 0, &wake));
	assert_int_equal(wake, 0);
	announce_queue_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_rate),
		cmocka_unit_test(test_first_frames_before_repeats),
		cmocka_unit_test(test_count_and_interval),
		cmocka_unit_test(test_newer_binding_replaces),
		cmocka_unit_test(test_shorter_interval_keeps_due_order),
		cmocka_unit_test(test_count_zero_sends_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
