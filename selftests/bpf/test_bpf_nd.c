// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * IPv6 through the data plane (BPF_PROG_TEST_RUN): neighbour discovery
 * leaving the group carries the right member's MAC in Ethernet and in its
 * link-layer address option, with a checksum that a from-scratch
 * computation here accepts; malformed ND is dropped, not sent with the
 * group's MAC; inbound unicast and multicast follow the nomination rules.
 */
#define _GNU_SOURCE
#include "dataplane_fixture.h"

#define ICMP6_OFF	(14 + 40)

static void put_ip6(struct frame *f, const char *a)
{
	struct in6_addr in;

	assert_int_equal(inet_pton(AF_INET6, a, &in), 1);
	put(f, &in, 16);
}

/* One's-complement sum over the IPv6 pseudo-header and the ICMPv6 message. */
static uint16_t icmp6_sum(const struct frame *f)
{
	uint32_t len = f->len - ICMP6_OFF, sum = 0;
	const uint8_t *p = f->b;

	for (int i = 22; i < 54; i += 2)	/* source and destination */
		sum += p[i] << 8 | p[i + 1];
	sum += len + 58;
	for (uint32_t i = 0; i < len; i += 2)
		sum += p[ICMP6_OFF + i] << 8 | (i + 1 < len ? p[ICMP6_OFF + i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static bool icmp6_csum_ok(const struct frame *f)
{
	return icmp6_sum(f) == 0xffff;
}

/* Set the checksum field to what makes the message valid. */
static void icmp6_csum_fix(struct frame *f)
{
	uint16_t c;

	f->b[ICMP6_OFF + 2] = f->b[ICMP6_OFF + 3] = 0;
	c = ~icmp6_sum(f);
	f->b[ICMP6_OFF + 2] = c >> 8;
	f->b[ICMP6_OFF + 3] = c & 0xff;
}

/* Ethernet + IPv6 + ICMPv6 type/code/checksum; the caller adds the body and fixes lengths. */
static struct frame icmp6(const uint8_t *dst, const uint8_t *src, const char *saddr,
			  const char *daddr, uint8_t type)
{
	struct frame f = eth(dst, src, ETH_P_IPV6);

	put(&f, (uint8_t[]){ 0x60, 0, 0, 0 }, 4);
	put16(&f, 0);			/* payload length, set by finish() */
	f.b[f.len++] = 58;
	f.b[f.len++] = 255;
	put_ip6(&f, saddr);
	put_ip6(&f, daddr);
	f.b[f.len++] = type;
	f.b[f.len++] = 0;
	put16(&f, 0);
	return f;
}

static void finish(struct frame *f)
{
	uint16_t plen = htons(f->len - ICMP6_OFF);

	memcpy(f->b + 18, &plen, 2);
	icmp6_csum_fix(f);
}

static void put_lladdr_opt(struct frame *f, uint8_t type, const uint8_t *mac)
{
	f->b[f->len++] = type;
	f->b[f->len++] = 1;
	put(f, mac, 6);
}

/* NS or NA: flags/reserved, target, then options as given. */
static struct frame nd(const uint8_t *dst, const char *saddr, const char *daddr, uint8_t type,
		       uint32_t flags, const char *target)
{
	struct frame f = icmp6(dst, MAC_G, saddr, daddr, type);

	flags = htonl(flags);
	put(&f, &flags, 4);
	put_ip6(&f, target);
	return f;
}

/* Where in the frame the option of this type is, or -1. */
static int opt_offset(const struct frame *f, uint32_t fixed, uint8_t type)
{
	for (uint32_t off = ICMP6_OFF + 4 + fixed; off + 2 <= f->len && f->b[off + 1];
	     off += f->b[off + 1] * 8)
		if (f->b[off] == type)
			return off;
	return -1;
}

/* --- group_egress ----------------------------------------------------------- */

static void test_ns_from_data_address(void **state)
{
	struct fixture *f = *state;
	struct frame in = nd((uint8_t[6]){ 0x33, 0x33, 0xff, 0, 1, 0 }, DATA6_2, "ff02::1:ff00:100",
			     135, 0, PEER6), out;
	int off;

	/* a nonce option (enhanced DAD) before the source link-layer address */
	put(&in, (uint8_t[8]){ 14, 1, 1, 2, 3, 4, 5, 6 }, 8);
	put_lladdr_opt(&in, 1, MAC_G);
	finish(&in);
	assert_int_equal(run(egress_fd(f), &in, &out), TC_ACT_REDIRECT);
	assert_int_equal(out.len, in.len);
	assert_memory_equal(out.b + 6, MAC_B, 6);		/* the bound member sends */
	off = opt_offset(&out, 20, 1);
	assert_int_equal(off, ICMP6_OFF + 24 + 8);
	assert_memory_equal(out.b + off + 2, MAC_B, 6);	/* and is named in the option */
	assert_memory_equal(out.b + ICMP6_OFF + 24, in.b + ICMP6_OFF + 24, 8);	/* nonce kept */
	assert_true(icmp6_csum_ok(&out));
}

static void test_na_for_target_with_several_options(void **state)
{
	struct fixture *f = *state;
	/* solicited NA from the group's link-local for DATA6_1: the target decides */
	struct frame in = nd(MAC_PEER, "fe80::1", PEER6, 136, 0x60000000, DATA6_1), out;
	int off;

	put(&in, (uint8_t[16]){ 99, 2, 0xde, 0xad }, 16);	/* unknown, two units long */
	put_lladdr_opt(&in, 1, MAC_G);				/* a source option: left alone */
	put_lladdr_opt(&in, 2, MAC_G);
	finish(&in);
	assert_int_equal(run(egress_fd(f), &in, &out), TC_ACT_REDIRECT);
	assert_memory_equal(out.b + 6, MAC_A, 6);
	off = opt_offset(&out, 20, 2);
	assert_int_equal(off, ICMP6_OFF + 24 + 16 + 8);
	assert_memory_equal(out.b + off + 2, MAC_A, 6);
	assert_memory_equal(out.b + off - 6, MAC_G, 6);	/* type 1 untouched in an NA */
	assert_memory_equal(out.b + ICMP6_OFF + 24, in.b + ICMP6_OFF + 24, 16);
	assert_true(icmp6_csum_ok(&out));
}

static void test_dad_probe_from_unspecified(void **state)
{
	struct fixture *f = *state;
	struct frame in = nd((uint8_t[6]){ 0x33, 0x33, 0xff, 0, 0, 0x10 }, "::", "ff02::1:ff00:10",
			     135, 0, DATA6_1), out;

	finish(&in);
	assert_int_equal(run(egress_fd(f), &in, &out), TC_ACT_REDIRECT);
	assert_memory_equal(out.b + 6, MAC_A, 6);		/* the target's member */
	assert_memory_equal(out.b + 12, in.b + 12, in.len - 12);
	assert_true(icmp6_csum_ok(&out));
}

static void test_rs_from_nominated_member(void **state)
{
	struct fixture *f = *state;
	struct frame in = icmp6((uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 2 }, MAC_G, "fe80::1", "ff02::2",
				133), out;

	put(&in, (uint8_t[4]){}, 4);
	put_lladdr_opt(&in, 1, MAC_G);
	finish(&in);
	cfg_put6(f->egress->obj, M_A, M_B);
	assert_int_equal(run(egress_fd(f), &in, &out), TC_ACT_REDIRECT);
	cfg_put(f->egress->obj, M_A);
	assert_memory_equal(out.b + 6, MAC_B, 6);
	assert_memory_equal(out.b + ICMP6_OFF + 10, MAC_B, 6);
	assert_true(icmp6_csum_ok(&out));
}

static void test_redirect_option_rewritten(void **state)
{
	struct fixture *f = *state;
	struct frame in = icmp6(MAC_PEER, MAC_G, DATA6_2, PEER6, 137), out;

	put(&in, (uint8_t[4]){}, 4);
	put_ip6(&in, "2001:db8::200");
	put_ip6(&in, "2001:db8:1::1");
	put_lladdr_opt(&in, 2, MAC_PEER);	/* the target's MAC: not ours to change */
	put_lladdr_opt(&in, 1, MAC_G);
	finish(&in);
	assert_int_equal(run(egress_fd(f), &in, &out), TC_ACT_REDIRECT);
	assert_memory_equal(out.b + 6, MAC_B, 6);
	assert_memory_equal(out.b + ICMP6_OFF + 40 + 2, MAC_PEER, 6);
	assert_memory_equal(out.b + ICMP6_OFF + 48 + 2, MAC_B, 6);
	assert_true(icmp6_csum_ok(&out));
}

static void test_malformed_nd_dropped(void **state)
{
	struct fixture *f = *state;
	uint64_t malformed = drops(f->egress->obj, IPMP_DROP_MALFORMED);
	struct frame full = nd(MAC_PEER, DATA6_1, PEER6, 136, 0, DATA6_1), out;
	unsigned n = 0;

	put_lladdr_opt(&full, 2, MAC_G);
	finish(&full);
	/* cut inside the fixed part, or inside the option: never sent with the group's MAC */
	for (uint32_t len = ICMP6_OFF + 4; len < full.len; len++) {
		struct frame cut = full;

		if (len == ICMP6_OFF + 24)
			continue;	/* no options at all: valid */
		cut.len = len;
		assert_int_equal(run(egress_fd(f), &cut, &out), TC_ACT_SHOT);
		n++;
	}
	/* an option of length zero */
	struct frame zero = full;
	zero.b[ICMP6_OFF + 24 + 1] = 0;
	assert_int_equal(run(egress_fd(f), &zero, &out), TC_ACT_SHOT);
	/* (a cut IPv6 header cannot be tested: BPF_PROG_TEST_RUN refuses it with EINVAL) */
	assert_int_equal(drops(f->egress->obj, IPMP_DROP_MALFORMED), malformed + n + 1);
}

static void test_other_ipv6_flow_or_nominee(void **state)
{
	struct fixture *f = *state;
	struct frame echo = icmp6(MAC_PEER, MAC_G, DATA6_1, PEER6, 128), out;
	struct frame hbh = eth((uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 0x16 }, MAC_G, ETH_P_IPV6);

	put(&echo, (uint8_t[8]){ 0, 1, 0, 1 }, 8);
	finish(&echo);
	assert_int_equal(run(egress_fd(f), &echo, &out), TC_ACT_REDIRECT);
	assert_true(!memcmp(out.b + 6, MAC_A, 6) || !memcmp(out.b + 6, MAC_B, 6));
	assert_memory_equal(out.b + 12, echo.b + 12, echo.len - 12);
	/* MLD report behind a hop-by-hop header: not ND, sent unchanged by the IPv6 nominee */
	put(&hbh, (uint8_t[]){ 0x60, 0, 0, 0, 0, 36, 0, 1 }, 8);
	put_ip6(&hbh, "fe80::1");
	put_ip6(&hbh, "ff02::16");
	put(&hbh, (uint8_t[8]){ 58, 0, 5, 2 }, 8);
	put(&hbh, (uint8_t[28]){ 143 }, 28);
	cfg_put6(f->egress->obj, M_A, M_B);
	assert_int_equal(run(egress_fd(f), &hbh, &out), TC_ACT_REDIRECT);
	cfg_put(f->egress->obj, M_A);
	assert_memory_equal(out.b + 6, MAC_B, 6);
	assert_memory_equal(out.b + 12, hbh.b + 12, hbh.len - 12);
}

/* --- member_ingress ------------------------------------------------------------ */

static void test_ingress_unicast_to_data_address(void **state)
{
	struct fixture *f = *state;
	struct frame in = icmp6(MAC_A, MAC_PEER, PEER6, DATA6_2, 128), out;
	struct frame to_member = icmp6(MAC_A, MAC_PEER, LL_PEER, LL_MEMBER, 129);

	put(&in, (uint8_t[8]){}, 8);
	finish(&in);
	assert_int_equal(run(ingress_fd(f), &in, &out), TC_ACT_REDIRECT);
	assert_memory_equal(out.b, MAC_G, 6);
	/* a probe reply to the member's link-local test address stays on the member */
	put(&to_member, (uint8_t[8]){}, 8);
	finish(&to_member);
	assert_int_equal(run(ingress_fd(f), &to_member, &out), TC_ACT_OK);
	assert_memory_equal(out.b, to_member.b, to_member.len);
}

static void test_ingress_ns_for_data_address_nominated_only(void **state)
{
	struct fixture *f = *state;
	uint8_t mcast[6] = { 0x33, 0x33, 0xff, 0, 0, 0x10 };
	struct frame ns = nd(mcast, PEER6, "ff02::1:ff00:10", 135, 0, DATA6_1), out;
	uint64_t not_nominated = drops(f->ingress->obj, IPMP_DROP_NOT_NOMINATED);

	memcpy(ns.b + 6, MAC_PEER, 6);
	put_lladdr_opt(&ns, 1, MAC_PEER);
	finish(&ns);
	assert_int_equal(run(ingress_fd(f), &ns, &out), TC_ACT_REDIRECT);
	assert_memory_equal(out.b, mcast, 6);	/* multicast: destination kept */
	/* IPv4 nominee is lo, IPv6 nominee another member: lo drops it */
	cfg_put6(f->ingress->obj, LO, M_B);
	assert_int_equal(run(ingress_fd(f), &ns, &out), TC_ACT_SHOT);
	cfg_put(f->ingress->obj, LO);
	assert_int_equal(drops(f->ingress->obj, IPMP_DROP_NOT_NOMINATED), not_nominated + 1);
}

static void test_ingress_other_multicast_kept_and_copied(void **state)
{
	struct fixture *f = *state;
	uint8_t mcast[6] = { 0x33, 0x33, 0xff, 0, 0, 0xaa };
	struct frame ns = nd(mcast, LL_PEER, "ff02::1:ff00:aa", 135, 0, LL_MEMBER), out;

	memcpy(ns.b + 6, MAC_PEER, 6);
	finish(&ns);
	/* for the member's own link-local: the member answers it */
	assert_int_equal(run(ingress_fd(f), &ns, &out), TC_ACT_OK);
	cfg_put6(f->ingress->obj, LO, M_B);
	assert_int_equal(run(ingress_fd(f), &ns, &out), TC_ACT_OK);
	cfg_put(f->ingress->obj, LO);
}

static void test_ingress_own_multicast_looped(void **state)
{
	struct fixture *f = *state;
	uint64_t looped = drops(f->ingress->obj, IPMP_DROP_LOOPED);
	struct frame na = nd((uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 1 }, DATA6_2, "ff02::1", 136,
			     0x20000000, DATA6_2), out;

	memcpy(na.b + 6, MAC_B, 6);
	put_lladdr_opt(&na, 2, MAC_B);
	finish(&na);
	assert_int_equal(run(ingress_fd(f), &na, &out), TC_ACT_SHOT);
	assert_int_equal(drops(f->ingress->obj, IPMP_DROP_LOOPED), looped + 1);
}

static void test_ingress_truncated_nd_passes(void **state)
{
	struct fixture *f = *state;
	struct frame ns = nd((uint8_t[6]){ 0x33, 0x33, 0xff, 0, 0, 0x10 }, PEER6, "ff02::1:ff00:10",
			     135, 0, DATA6_1), out;

	finish(&ns);
	/* cut inside the ICMPv6 header or the target: not an NS for a data address */
	for (uint32_t len = ICMP6_OFF + 1; len < ns.len; len++) {
		struct frame cut = ns;

		cut.len = len;
		assert_int_equal(run(ingress_fd(f), &cut, &out), TC_ACT_OK);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ns_from_data_address),
		cmocka_unit_test(test_na_for_target_with_several_options),
		cmocka_unit_test(test_dad_probe_from_unspecified),
		cmocka_unit_test(test_rs_from_nominated_member),
		cmocka_unit_test(test_redirect_option_rewritten),
		cmocka_unit_test(test_malformed_nd_dropped),
		cmocka_unit_test(test_other_ipv6_flow_or_nominee),
		cmocka_unit_test(test_ingress_unicast_to_data_address),
		cmocka_unit_test(test_ingress_ns_for_data_address_nominated_only),
		cmocka_unit_test(test_ingress_other_multicast_kept_and_copied),
		cmocka_unit_test(test_ingress_own_multicast_looped),
		cmocka_unit_test(test_ingress_truncated_nd_passes),
	};
	int ret = bpf_test_enter();

	if (ret)
		return ret < 0;
	return cmocka_run_group_tests_name("bpf_nd", tests, setup, teardown);
}
