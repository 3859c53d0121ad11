// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lib/addr_index.c: the direct-mapped copy of the bindings the programs
 * read first. Every bound address is either in its own entry, with its
 * member, or its entry says "more" (the programs then ask addr_binding);
 * an address not bound never finds itself; both families spread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "addr_index.h"

static struct ipmp_addr_key key_n(unsigned n, int v6)
{
	struct ipmp_addr_key k = { .family = v6 ? IPMP_AF_INET6 : IPMP_AF_INET };

	if (v6) {
		k.addr[0] = 0x20, k.addr[1] = 0x01, k.addr[2] = 0x0d, k.addr[3] = 0xb8;
		k.addr[14] = n >> 8, k.addr[15] = n & 0xff;
	} else {
		k.addr[0] = 198, k.addr[1] = 51, k.addr[2] = 100 + (n >> 8), k.addr[3] = n & 0xff;
	}
	return k;
}

/* What a program concludes for k: its member, 0 (not bound), or -1 (ask addr_binding). */
static int64_t lookup(const struct ipmp_addr_entry *img, const struct ipmp_addr_key *k)
{
	const struct ipmp_addr_entry *e = &img[addr_index_of(k)];

	if (e->family == k->family && !memcmp(e->addr, k->addr, sizeof(e->addr)))
		return e->b.ifindex;
	return e->more ? -1 : 0;
}

static void test_every_binding_found_or_sent_on(void **state)
{
	struct ipmp_addr_entry *img = calloc(IPMP_ADDR_INDEX, sizeof(*img));
	unsigned direct = 0, shared = 0, used_v4 = 0, used_v6 = 0;

	(void)state;
	assert_non_null(img);
	for (unsigned i = 0; i < 2048; i++)
		for (int v6 = 0; v6 < 2; v6++) {
			struct ipmp_addr_key k = key_n(i, v6);

			addr_index_put(img, &k, 10 + (i % 7));
		}
	for (unsigned i = 0; i < 2048; i++)
		for (int v6 = 0; v6 < 2; v6++) {
			struct ipmp_addr_key k = key_n(i, v6);
			int64_t got = lookup(img, &k);

			assert_true(got == -1 || got == 10 + (i % 7));
			direct += got > 0;
			shared += got == -1;
		}
	assert_int_equal(direct + shared, 4096);
	/* a multiplicative hash spreads consecutive addresses: most have an entry of their own */
	assert_true(direct > 4096 * 7 / 10);
	for (unsigned e = 0; e < IPMP_ADDR_INDEX; e++) {
		used_v4 += img[e].family == IPMP_AF_INET;
		used_v6 += img[e].family == IPMP_AF_INET6;
	}
	assert_int_equal(used_v4 + used_v6, direct);
	assert_true(used_v4 > 1000 && used_v6 > 1000);
	/* addresses never bound: never found as bound (at worst, sent on to the hash) */
	for (unsigned i = 2048; i < 4096; i++)
		for (int v6 = 0; v6 < 2; v6++) {
			struct ipmp_addr_key k = key_n(i, v6);

			assert_true(lookup(img, &k) <= 0);
		}
	free(img);
}

static void test_rebinding_in_place(void **state)
{
	struct ipmp_addr_entry *img = calloc(IPMP_ADDR_INDEX, sizeof(*img));
	struct ipmp_addr_key k = key_n(5, 0), k6 = key_n(5, 1);

	(void)state;
	assert_non_null(img);
	addr_index_put(img, &k, 3);
	addr_index_put(img, &k6, 3);
	assert_int_equal(lookup(img, &k), 3);
	addr_index_put(img, &k, 4);	/* its own entry: the member changes, no "more" */
	assert_int_equal(lookup(img, &k), 4);
	assert_int_equal(img[addr_index_of(&k)].more, 0);
	assert_int_equal(lookup(img, &k6), 3);	/* the same bytes, other family: its own */
	free(img);
}

/* Two addresses with one entry: the first keeps it, the second is sent on. */
static void test_shared_entry(void **state)
{
	struct ipmp_addr_entry *img = calloc(IPMP_ADDR_INDEX, sizeof(*img));
	struct ipmp_addr_key a = key_n(0, 0), b;
	unsigned n = 1;

	(void)state;
	assert_non_null(img);
	do {
		b = key_n(n++, 1);
	} while (addr_index_of(&b) != addr_index_of(&a) && n < 65536);
	assert_int_equal(addr_index_of(&b), addr_index_of(&a));
	addr_index_put(img, &a, 7);
	addr_index_put(img, &b, 8);
	assert_int_equal(lookup(img, &a), 7);
	assert_int_equal(lookup(img, &b), -1);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_binding_found_or_sent_on),
		cmocka_unit_test(test_rebinding_in_place),
		cmocka_unit_test(test_shared_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
