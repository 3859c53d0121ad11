// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * agent/addrmap.c: the address-keyed table behind the data plane's
 * binding cache and a restart's record: thousands of addresses of both
 * families, removal while walking, tombstones reused, growth, marks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>

#include "addrmap.h"

static struct ip_prefix addr_n(unsigned n, bool v6, unsigned plen)
{
	struct ip_prefix p = { .family = v6 ? AF_INET6 : AF_INET, .plen = plen };

	if (v6) {
		p.addr[0] = 0x20, p.addr[1] = 0x01, p.addr[2] = 0x0d, p.addr[3] = 0xb8;
		p.addr[14] = n >> 8, p.addr[15] = n & 0xff;
	} else {
		p.addr[0] = 192, p.addr[1] = 0, p.addr[2] = 2 + (n >> 8), p.addr[3] = n & 0xff;
	}
	return p;
}

static unsigned count(const struct addrmap *m)
{
	unsigned n = 0;

	addrmap_for_each(m, e)
		n++;
	return n;
}

static void test_insert_lookup_both_families(void **state)
{
	struct addrmap m = {};

	assert_null(addrmap_lookup(&m, &(struct ip_prefix){ .family = AF_INET }));	/* empty */
	for (unsigned i = 0; i < 2048; i++)
		for (int v6 = 0; v6 < 2; v6++) {
			struct ip_prefix p = addr_n(i, v6, v6 ? 64 : 24);
			struct addrmap_entry *e = addrmap_insert(&m, &p);

			assert_non_null(e);
			assert_int_equal(e->value, 0);	/* new entries start at 0 */
			e->value = i * 2 + v6;
		}
	assert_int_equal(m.used, 4096);
	assert_int_equal(count(&m), 4096);
	for (unsigned i = 0; i < 2048; i++)
		for (int v6 = 0; v6 < 2; v6++) {
			/* the prefix length is not part of the key */
			struct ip_prefix p = addr_n(i, v6, v6 ? 128 : 32);
			const struct addrmap_entry *e = addrmap_lookup(&m, &p);

			assert_non_null(e);
			assert_int_equal(e->value, i * 2 + v6);
		}
	/* the same bytes in the other family are another key */
	struct ip_prefix v4 = addr_n(7, false, 32), as6 = v4;

	as6.family = AF_INET6;
	assert_null(addrmap_lookup(&m, &as6));
	/* inserting what is there returns it, unchanged */
	assert_int_equal(addrmap_insert(&m, &v4)->value, 14);
	assert_int_equal(m.used, 4096);
	addrmap_free(&m);
	assert_int_equal(m.cap, 0);
}

static void test_remove_while_walking_and_tombstones(void **state)
{
	struct addrmap m = {};
	struct ip_prefix p;

	for (unsigned i = 0; i < 1000; i++) {
		p = addr_n(i, false, 32);
		addrmap_insert(&m, &p)->mark = i % 2;
	}
	/* drop the odd ones while walking, as a push drops what it did not see */
	addrmap_for_each(&m, e)
		if (e->mark)
			addrmap_remove(&m, e);
	assert_int_equal(count(&m), 500);
	for (unsigned i = 0; i < 1000; i++) {
		p = addr_n(i, false, 32);
		if (i % 2)
			assert_null(addrmap_lookup(&m, &p));
		else
			assert_non_null(addrmap_lookup(&m, &p));
	}
	/* churn: tombstones are reused or swept; the table does not grow without bound */
	unsigned cap = m.cap;

	for (unsigned round = 0; round < 50; round++)
		for (unsigned i = 1; i < 1000; i += 2) {
			p = addr_n(i, false, 32);
			addrmap_remove(&m, addrmap_insert(&m, &p));
		}
	assert_int_equal(count(&m), 500);
	assert_true(m.cap <= 2 * cap);
	addrmap_key(addrmap_lookup(&m, &(struct ip_prefix){ .family = AF_INET,
							    .addr = { 192, 0, 2, 4 } }), &p);
	assert_int_equal(p.family, AF_INET);
	assert_int_equal(p.plen, 32);
	assert_memory_equal(p.addr, ((uint8_t[]){ 192, 0, 2, 4 }), 4);
	addrmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_lookup_both_families),
		cmocka_unit_test(test_remove_while_walking_and_tombstones),
	};

	return cmocka_run_group_tests_name("addrmap", tests, NULL, NULL);
}
