// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * include/ipmp/siphash.h, the probe tag both the agent and member_xdp
 * compute: its fixed 32-byte SipHash-2-4 against a general one written
 * here from the paper (checked on the paper's own test vector), and the
 * tag's binding to everything it covers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <ipmp/maps.h>
#include <ipmp/probe.h>
#include <ipmp/siphash.h>

static uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static void round4(uint64_t v[4])
{
	v[0] += v[1], v[1] = rotl(v[1], 13), v[1] ^= v[0], v[0] = rotl(v[0], 32);
	v[2] += v[3], v[3] = rotl(v[3], 16), v[3] ^= v[2];
	v[0] += v[3], v[3] = rotl(v[3], 21), v[3] ^= v[0];
	v[2] += v[1], v[1] = rotl(v[1], 17), v[1] ^= v[2], v[2] = rotl(v[2], 32);
}

/* SipHash-2-4 of any length, as the paper gives it. */
static uint64_t siphash_any(const uint8_t key[16], const uint8_t *in, size_t len)
{
	uint64_t k0 = 0, k1 = 0, v[4], b = (uint64_t)len << 56;
	size_t i, full = len - len % 8;

	for (i = 0; i < 8; i++)
		k0 |= (uint64_t)key[i] << (8 * i), k1 |= (uint64_t)key[8 + i] << (8 * i);
	v[0] = k0 ^ 0x736f6d6570736575ULL, v[1] = k1 ^ 0x646f72616e646f6dULL;
	v[2] = k0 ^ 0x6c7967656e657261ULL, v[3] = k1 ^ 0x7465646279746573ULL;
	for (i = 0; i < full; i += 8) {
		uint64_t m = 0;

		for (int j = 0; j < 8; j++)
			m |= (uint64_t)in[i + j] << (8 * j);
		v[3] ^= m, round4(v), round4(v), v[0] ^= m;
	}
	for (i = full; i < len; i++)
		b |= (uint64_t)in[i] << (8 * (i - full));
	v[3] ^= b, round4(v), round4(v), v[0] ^= b;
	v[2] ^= 0xff;
	for (i = 0; i < 4; i++)
		round4(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static void test_paper_vector(void **state)
{
	uint8_t key[16], msg[15];

	for (int i = 0; i < 16; i++)
		key[i] = i;
	for (int i = 0; i < 15; i++)
		msg[i] = i;
	assert_int_equal(siphash_any(key, msg, sizeof(msg)), 0xa129ca6149be45e5ULL);
}

static void test_fixed_path_is_siphash(void **state)
{
	srand(42);
	for (int trial = 0; trial < 10000; trial++) {
		uint8_t key[16], msg[32];
		__u64 k[2] = { 0, 0 }, w[4] = { 0, 0, 0, 0 };

		for (int i = 0; i < 16; i++)
			key[i] = rand();
		for (int i = 0; i < 32; i++)
			msg[i] = rand();
		k[0] = ipmp_le64(key), k[1] = ipmp_le64(key + 8);
		for (int i = 0; i < 4; i++)
			w[i] = ipmp_le64(msg + 8 * i);
		assert_int_equal(ipmp_siphash32(k, w[0], w[1], w[2], w[3]),
				 siphash_any(key, msg, sizeof(msg)));
	}
}

/* Every field the tag covers changes it; the key is what makes it unguessable. */
static void test_tag_binds_its_fields(void **state)
{
	const __u64 key[2] = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };
	const __u64 other[2] = { key[0] ^ 1, key[1] };
	const uint8_t t4[4] = { 192, 0, 2, 1 }, u4[4] = { 192, 0, 2, 2 };
	const uint8_t t6[16] = { 0xfe, 0x80, [15] = 1 };
	uint64_t base = ipmp_probe_tag(key, IPMP_AF_INET, IPMP_PROBE_UNI, 0x1234, 7, 1000, t4);

	assert_int_equal(base, ipmp_probe_tag(key, IPMP_AF_INET, IPMP_PROBE_UNI, 0x1234, 7, 1000, t4));
	assert_int_not_equal(base, ipmp_probe_tag(other, IPMP_AF_INET, IPMP_PROBE_UNI, 0x1234, 7, 1000, t4));
	assert_int_not_equal(base, ipmp_probe_tag(key, IPMP_AF_INET, IPMP_PROBE_MULTI, 0x1234, 7, 1000, t4));
	assert_int_not_equal(base, ipmp_probe_tag(key, IPMP_AF_INET, IPMP_PROBE_UNI, 0x1235, 7, 1000, t4));
	assert_int_not_equal(base, ipmp_probe_tag(key, IPMP_AF_INET, IPMP_PROBE_UNI, 0x1234, 8, 1000, t4));
	assert_int_not_equal(base, ipmp_probe_tag(key, IPMP_AF_INET, IPMP_PROBE_UNI, 0x1234, 7, 1001, t4));
	assert_int_not_equal(base, ipmp_probe_tag(key, IPMP_AF_INET, IPMP_PROBE_UNI, 0x1234, 7, 1000, u4));
	assert_int_not_equal(ipmp_probe_tag(key, IPMP_AF_INET6, IPMP_PROBE_UNI, 0x1234, 7, 1000, t6),
			     ipmp_probe_tag(key, IPMP_AF_INET, IPMP_PROBE_UNI, 0x1234, 7, 1000, t6));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paper_vector),
		cmocka_unit_test(test_fixed_path_is_siphash),
		cmocka_unit_test(test_tag_binds_its_fields),
	};

	return cmocka_run_group_tests_name("siphash", tests, NULL, NULL);
}
