// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lib/buckets.c: the flow buckets' owners. Every bucket goes to an active
 * member, the shares differ by at most one, and only the buckets that
 * must move do: a member that leaves loses exactly its own, one that
 * joins takes exactly its share, nothing else changes hands.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "buckets.h"

static void shares(const uint32_t *t, uint32_t active, unsigned *min, unsigned *max)
{
	unsigned own[IPMP_MAX_MEMBERS] = { 0 };

	for (unsigned b = 0; b < IPMP_BUCKETS; b++) {
		assert_true(t[b] < IPMP_MAX_MEMBERS);
		assert_true(active & (1u << t[b]));	/* never an inactive member */
		own[t[b]]++;
	}
	*min = IPMP_BUCKETS, *max = 0;
	for (int s = 0; s < IPMP_MAX_MEMBERS; s++) {
		if (!(active & (1u << s)))
			continue;
		*min = own[s] < *min ? own[s] : *min;
		*max = own[s] > *max ? own[s] : *max;
	}
}

static unsigned changed(const uint32_t *a, const uint32_t *b)
{
	unsigned n = 0;

	for (unsigned i = 0; i < IPMP_BUCKETS; i++)
		n += a[i] != b[i];
	return n;
}

static void test_even_shares_from_empty(void **state)
{
	uint32_t t[IPMP_BUCKETS] = { 0 };	/* a fresh map: every bucket names slot 0 */
	unsigned min, max;

	(void)state;
	assert_int_equal(buckets_assign(t, 0x3), IPMP_BUCKETS / 2);
	shares(t, 0x3, &min, &max);
	assert_int_equal(min, IPMP_BUCKETS / 2);
	assert_int_equal(max, IPMP_BUCKETS / 2);
	assert_int_equal(buckets_assign(t, 0x3), 0);	/* settled: nothing moves again */
	for (uint32_t active = 1; active < (1u << 6); active++) {
		buckets_assign(t, active);
		shares(t, active, &min, &max);
		assert_true(max - min <= 1);
	}
	buckets_assign(t, 0xffffffffu);	/* every slot */
	shares(t, 0xffffffffu, &min, &max);
	assert_int_equal(min, IPMP_BUCKETS / IPMP_MAX_MEMBERS);
	assert_int_equal(max, IPMP_BUCKETS / IPMP_MAX_MEMBERS);
}

/* A member leaves: only its buckets move, spread evenly over the rest. */
static void test_leave_moves_only_its_buckets(void **state)
{
	uint32_t t[IPMP_BUCKETS] = { 0 }, before[IPMP_BUCKETS];
	unsigned min, max, mine = 0;

	(void)state;
	buckets_assign(t, 0x7);
	memcpy(before, t, sizeof(t));
	for (unsigned b = 0; b < IPMP_BUCKETS; b++)
		mine += t[b] == 1;
	assert_int_equal(buckets_assign(t, 0x5), mine);
	for (unsigned b = 0; b < IPMP_BUCKETS; b++)
		if (before[b] != 1)
			assert_int_equal(t[b], before[b]);
	shares(t, 0x5, &min, &max);
	assert_true(max - min <= 1);
	/* down to one member: everything is its own */
	buckets_assign(t, 0x4);
	shares(t, 0x4, &min, &max);
	assert_int_equal(min, IPMP_BUCKETS);
	/* none left: the table stays as it was (the programs find no active member) */
	memcpy(before, t, sizeof(t));
	assert_int_equal(buckets_assign(t, 0), 0);
	assert_int_equal(changed(before, t), 0);
}

/* A member joins (a repair): it takes its share, and only that moves. */
static void test_join_takes_only_its_share(void **state)
{
	uint32_t t[IPMP_BUCKETS] = { 0 }, before[IPMP_BUCKETS];
	unsigned min, max;

	(void)state;
	buckets_assign(t, 0x3);
	memcpy(before, t, sizeof(t));
	assert_int_equal(buckets_assign(t, 0x7), IPMP_BUCKETS / 3);
	assert_int_equal(changed(before, t), IPMP_BUCKETS / 3);
	for (unsigned b = 0; b < IPMP_BUCKETS; b++)
		if (t[b] != before[b])
			assert_int_equal(t[b], 2);	/* moved: to the newcomer */
	shares(t, 0x7, &min, &max);
	assert_true(max - min <= 1);
	/* leave and come back: two moves of one share each, the others never lose one */
	memcpy(before, t, sizeof(t));
	buckets_assign(t, 0x3);
	buckets_assign(t, 0x7);
	shares(t, 0x7, &min, &max);
	assert_true(max - min <= 1);
}

/* Owners out of range (a map written by someone else) are taken as inactive. */
static void test_foreign_owners_are_replaced(void **state)
{
	uint32_t t[IPMP_BUCKETS];
	unsigned min, max;

	(void)state;
	for (unsigned b = 0; b < IPMP_BUCKETS; b++)
		t[b] = 1000 + b;
	assert_int_equal(buckets_assign(t, 0x30), IPMP_BUCKETS);
	shares(t, 0x30, &min, &max);
	assert_int_equal(min, IPMP_BUCKETS / 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_even_shares_from_empty),
		cmocka_unit_test(test_leave_moves_only_its_buckets),
		cmocka_unit_test(test_join_takes_only_its_share),
		cmocka_unit_test(test_foreign_owners_are_replaced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
