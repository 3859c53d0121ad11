// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The eBPF programs through BPF_PROG_TEST_RUN on crafted frames: verdict,
 * output frame and map effects. Needs root (loading programs); runs in a
 * private network namespace, where the frames "arrive" on lo (ifindex 1),
 * which the maps declare as a member. Maps are not pinned.
 */
#define _GNU_SOURCE
#include "dataplane_fixture.h"

/* --- group_egress ---------------------------------------------------------- */

static void test_egress_arp_request_from_bound_member(void **state)
{
	struct fixture *f = *state;
	struct frame in = arp(MAC_BCAST, MAC_G, 1, MAC_G, DATA2, (uint8_t[6]){}, PEER), out;

	assert_int_equal(run(egress_fd(f), &in, &out), TC_ACT_REDIRECT);
	assert_int_equal(out.len, in.len);
	assert_memory_equal(out.b + 6, MAC_B, 6);		/* Ethernet source */
	assert_memory_equal(out.b + 14 + 8, MAC_B, 6);		/* ARP sender hardware */
	assert_memory_equal(out.b, MAC_BCAST, 6);
	assert_memory_equal(out.b + 28, in.b + 28, in.len - 28);	/* rest untouched */
}

static void test_egress_arp_reply_from_bound_member(void **state)
{
	struct fixture *f = *state;
	struct frame in = arp(MAC_PEER, MAC_G, 2, MAC_G, DATA1, MAC_PEER, PEER), out;

	assert_int_equal(run(egress_fd(f), &in, &out), TC_ACT_REDIRECT);
	assert_memory_equal(out.b + 6, MAC_A, 6);
	assert_memory_equal(out.b + 22, MAC_A, 6);
	assert_memory_equal(out.b + 32, MAC_PEER, 6);		/* target untouched */
}

static void test_egress_arp_unbound_sender_uses_an_active_member(void **state)
{
	struct fixture *f = *state;
	struct frame in = arp(MAC_BCAST, MAC_G, 1, MAC_G, "0.0.0.0", (uint8_t[6]){}, PEER), out;

	assert_int_equal(run(egress_fd(f), &in, &out), TC_ACT_REDIRECT);
	assert_true(!memcmp(out.b + 6, MAC_A, 6) || !memcmp(out.b + 6, MAC_B, 6));
	assert_memory_equal(out.b + 6, out.b + 22, 6);
}

#define NFLOWS	64

static const uint8_t *flow_mac(struct fixture *f, uint16_t port)
{
	static struct frame out;
	struct frame in = ip4(MAC_PEER, MAC_G, DATA1, PEER, IPPROTO_UDP, port, 53);

	assert_int_equal(run(egress_fd(f), &in, &out), TC_ACT_REDIRECT);
	assert_true(!memcmp(out.b + 6, MAC_A, 6) || !memcmp(out.b + 6, MAC_B, 6));
	return out.b + 6;
}

/* Each flow's bucket, read off bit by bit: bucket b goes to A when bit i of b is clear. */
static void flow_buckets(struct fixture *f, uint32_t bucket[NFLOWS])
{
	uint32_t table[IPMP_BUCKETS];

	memset(bucket, 0, NFLOWS * sizeof(bucket[0]));
	for (unsigned bit = 0; (1u << bit) < IPMP_BUCKETS; bit++) {
		for (uint32_t b = 0; b < IPMP_BUCKETS; b++)
			table[b] = (b >> bit) & 1;
		buckets_write(f->egress->obj, table);
		for (unsigned i = 0; i < NFLOWS; i++)
			bucket[i] |= (uint32_t)!memcmp(flow_mac(f, 1000 + i), MAC_B, 6) << bit;
	}
}

/* Every flow leaves through the member its bucket names. */
static void flows_follow(struct fixture *f, const uint32_t bucket[NFLOWS], unsigned *on_a)
{
	uint32_t table[IPMP_BUCKETS];

	buckets_read(f->egress->obj, table);
	*on_a = 0;
	for (unsigned i = 0; i < NFLOWS; i++) {
		const uint8_t *mac = flow_mac(f, 1000 + i);

		assert_memory_equal(mac, table[bucket[i]] == 0 ? MAC_A : MAC_B, 6);
		*on_a += !memcmp(mac, MAC_A, 6);
	}
}

/*
 * A flow stays with its member while that member is active; when the
 * member stops being active only its flows move (first by tx_set, then by
 * the buckets the agent gives the others); when it comes back it takes an
 * even share of buckets and only the flows of those buckets move.
 */
static void test_egress_flows_follow_buckets(void **state)
{
	struct fixture *f = *state;
	uint32_t bucket[NFLOWS], only_b[] = { M_B }, both[] = { M_A, M_B }, table[IPMP_BUCKETS];
	uint8_t before[NFLOWS][6];
	unsigned on_a, moved = 0;

	flow_buckets(f, bucket);
	memset(table, 0, sizeof(table));
	buckets_write(f->egress->obj, table);
	tx_set_put(f->egress->obj, 2, both);	/* spread as the agent spreads them */
	flows_follow(f, bucket, &on_a);
	assert_true(on_a >= 8 && on_a <= NFLOWS - 8);
	for (unsigned i = 0; i < NFLOWS; i++) {
		memcpy(before[i], flow_mac(f, 1000 + i), 6);
		for (int again = 0; again < 3; again++)	/* the same member every time */
			assert_memory_equal(flow_mac(f, 1000 + i), before[i], 6);
	}

	/* A fails: first it is no longer active (its buckets still name it: tx_set decides) */
	member_put(f->egress->obj, M_A, 0, 0, MAC_A);
	/* before tx_set is rewritten it still names A: that entry is passed over, no drop */
	for (unsigned i = 0; i < NFLOWS; i++)
		assert_memory_equal(flow_mac(f, 1000 + i), MAC_B, 6);
	tx_only_put(f->egress->obj, 1, only_b);
	for (unsigned i = 0; i < NFLOWS; i++) {
		const uint8_t *mac = flow_mac(f, 1000 + i);

		assert_memory_equal(mac, MAC_B, 6);
		/* B's flows never moved */
		if (!memcmp(before[i], MAC_B, 6))
			assert_memory_equal(mac, before[i], 6);
	}
	/* then the agent gives A's buckets to B */
	tx_set_put(f->egress->obj, 1, only_b);
	flows_follow(f, bucket, &on_a);
	assert_int_equal(on_a, 0);

	/* A is repaired: it takes half the buckets; a flow moves only with its bucket */
	buckets_read(f->egress->obj, table);
	member_put(f->egress->obj, M_A, 0, IPMP_MEMBER_ACTIVE, MAC_A);
	tx_set_put(f->egress->obj, 2, both);
	flows_follow(f, bucket, &on_a);
	assert_true(on_a >= 8 && on_a <= NFLOWS - 8);
	{
		uint32_t now[IPMP_BUCKETS];

		buckets_read(f->egress->obj, now);
		for (unsigned i = 0; i < NFLOWS; i++)
			if (now[bucket[i]] == table[bucket[i]])
				assert_memory_equal(flow_mac(f, 1000 + i), MAC_B, 6);
			else
				moved++;
	}
	assert_int_equal(moved, on_a);
}

static void test_egress_flows_spread(void **state)
{
	struct fixture *f = *state;
	unsigned on_a = 0, on_b = 0;

	for (uint16_t port = 1000; port < 1064; port++) {
		struct frame in = ip4(MAC_PEER, MAC_G, DATA1, PEER, IPPROTO_UDP, port, 53), out;

		assert_int_equal(run(egress_fd(f), &in, &out), TC_ACT_REDIRECT);
		on_a += !memcmp(out.b + 6, MAC_A, 6);
		on_b += !memcmp(out.b + 6, MAC_B, 6);
		/* nothing but the source MAC changes */
		assert_memory_equal(out.b, in.b, 6);
		assert_memory_equal(out.b + 12, in.b + 12, in.len - 12);
	}
	assert_int_equal(on_a + on_b, 64);
	assert_true(on_a >= 8 && on_b >= 8);
}

static void test_egress_no_member(void **state)
{
	struct fixture *f = *state;
	struct frame in = ip4(MAC_PEER, MAC_G, DATA1, PEER, IPPROTO_UDP, 5, 5), out;
	struct frame a = arp(MAC_BCAST, MAC_G, 1, MAC_G, "0.0.0.0", (uint8_t[6]){}, PEER);
	uint64_t before = drops(f->egress->obj, IPMP_DROP_NO_MEMBER);
	uint32_t both[] = { M_A, M_B };

	/* as the agent leaves it: no member active, tx_set empty, buckets naming the last ones */
	member_put(f->egress->obj, M_A, 0, 0, MAC_A);
	member_put(f->egress->obj, M_B, 1, 0, MAC_B);
	tx_set_put(f->egress->obj, 0, NULL);
	assert_int_equal(run(egress_fd(f), &in, &out), TC_ACT_SHOT);
	assert_int_equal(run(egress_fd(f), &a, &out), TC_ACT_SHOT);
	assert_int_equal(drops(f->egress->obj, IPMP_DROP_NO_MEMBER), before + 2);
	member_put(f->egress->obj, M_A, 0, IPMP_MEMBER_ACTIVE, MAC_A);
	member_put(f->egress->obj, M_B, 1, IPMP_MEMBER_ACTIVE, MAC_B);
	tx_set_put(f->egress->obj, 2, both);
}

static void test_egress_malformed_and_unsupported(void **state)
{
	struct fixture *f = *state;
	struct frame full = arp(MAC_BCAST, MAC_G, 1, MAC_G, DATA1, (uint8_t[6]){}, PEER), out;
	struct frame v6 = eth(MAC_PEER, MAC_G, ETH_P_IPV6);
	uint64_t malformed = drops(f->egress->obj, IPMP_DROP_MALFORMED);
	uint64_t unsupported = drops(f->egress->obj, IPMP_DROP_UNSUPPORTED);

	/* ARP cut anywhere inside its header or body (test_run needs a byte past Ethernet) */
	unsigned cuts = 0;
	for (uint32_t len = 15; len < full.len; len++, cuts++) {
		struct frame cut = full;

		cut.len = len;
		assert_int_equal(run(egress_fd(f), &cut, &out), TC_ACT_SHOT);
	}
	/* ARP for another hardware type */
	struct frame odd = full;
	odd.b[15] = 6;
	assert_int_equal(run(egress_fd(f), &odd, &out), TC_ACT_SHOT);
	assert_int_equal(drops(f->egress->obj, IPMP_DROP_MALFORMED), malformed + cuts + 1);

	/* an IPv6 header that is not one (version 0) */
	memset(v6.b + v6.len, 0, 40);
	v6.len += 40;
	assert_int_equal(run(egress_fd(f), &v6, &out), TC_ACT_SHOT);
	assert_int_equal(drops(f->egress->obj, IPMP_DROP_MALFORMED), malformed + cuts + 2);
	/* LLDP: nothing the group carries */
	struct frame lldp = eth(MAC_PEER, MAC_G, 0x88cc);
	memset(lldp.b + lldp.len, 0, 40);
	lldp.len += 40;
	assert_int_equal(run(egress_fd(f), &lldp, &out), TC_ACT_SHOT);
	assert_int_equal(drops(f->egress->obj, IPMP_DROP_UNSUPPORTED), unsupported + 1);
}

/* --- member_ingress -------------------------------------------------------- */

static void test_ingress_unicast_data_to_group(void **state)
{
	struct fixture *f = *state;
	struct frame in = ip4(MAC_A, MAC_PEER, PEER, DATA1, IPPROTO_TCP, 40000, 22), out;

	assert_int_equal(run(ingress_fd(f), &in, &out), TC_ACT_REDIRECT);
	assert_memory_equal(out.b, MAC_G, 6);			/* destination: the group */
	assert_memory_equal(out.b + 6, in.b + 6, in.len - 6);
	/* bound to another member but sent to us: still the group's */
	in = ip4(MAC_A, MAC_PEER, PEER, DATA2, IPPROTO_UDP, 1, 2);
	assert_int_equal(run(ingress_fd(f), &in, &out), TC_ACT_REDIRECT);
}

static void test_ingress_leaves_other_traffic(void **state)
{
	struct fixture *f = *state;
	struct frame out;
	struct frame to_test = ip4(MAC_A, MAC_PEER, PEER, TEST_ADDR, IPPROTO_UDP, 1, 2);
	struct frame flooded = ip4(MAC_OTHER, MAC_PEER, PEER, DATA1, IPPROTO_UDP, 1, 2);
	struct frame arp_test = arp(MAC_A, MAC_PEER, 2, MAC_PEER, PEER, MAC_A, TEST_ADDR);

	assert_int_equal(run(ingress_fd(f), &to_test, &out), TC_ACT_OK);
	assert_memory_equal(out.b, to_test.b, to_test.len);
	/* a flooded copy of a frame for another NIC is not duplicated into the group */
	assert_int_equal(run(ingress_fd(f), &flooded, &out), TC_ACT_OK);
	assert_int_equal(run(ingress_fd(f), &arp_test, &out), TC_ACT_OK);
}

static void test_ingress_arp_request_nominated_only(void **state)
{
	struct fixture *f = *state;
	struct frame req = arp(MAC_BCAST, MAC_PEER, 1, MAC_PEER, PEER, (uint8_t[6]){}, DATA1), out;
	uint64_t before = drops(f->ingress->obj, IPMP_DROP_NOT_NOMINATED);

	assert_int_equal(run(ingress_fd(f), &req, &out), TC_ACT_REDIRECT);
	assert_memory_equal(out.b, MAC_BCAST, 6);		/* broadcast stays broadcast */
	cfg_put(f->ingress->obj, 99);				/* another member nominated */
	assert_int_equal(run(ingress_fd(f), &req, &out), TC_ACT_SHOT);
	assert_int_equal(drops(f->ingress->obj, IPMP_DROP_NOT_NOMINATED), before + 1);
	/* broadcast IPv4 likewise */
	struct frame bc = ip4(MAC_BCAST, MAC_PEER, PEER, "192.0.2.255", IPPROTO_UDP, 1, 2);
	assert_int_equal(run(ingress_fd(f), &bc, &out), TC_ACT_SHOT);
	cfg_put(f->ingress->obj, LO);
	assert_int_equal(run(ingress_fd(f), &bc, &out), TC_ACT_REDIRECT);
}

static void test_ingress_arp_reply_to_group(void **state)
{
	struct fixture *f = *state;
	struct frame rep = arp(MAC_A, MAC_PEER, 2, MAC_PEER, PEER, MAC_A, DATA1), out;

	assert_int_equal(run(ingress_fd(f), &rep, &out), TC_ACT_REDIRECT);
	assert_memory_equal(out.b, MAC_G, 6);
	assert_memory_equal(out.b + 6, rep.b + 6, rep.len - 6);
}

static void test_ingress_own_frames_looped_back(void **state)
{
	struct fixture *f = *state;
	struct frame garp = arp(MAC_BCAST, MAC_B, 1, MAC_B, DATA2, (uint8_t[6]){}, DATA2), out;
	struct frame mc = ip4((uint8_t[6]){ 0x01, 0, 0x5e, 0, 0, 1 }, MAC_B, DATA2, "224.0.0.1",
			      IPPROTO_UDP, 1, 2);
	uint64_t before = drops(f->ingress->obj, IPMP_DROP_LOOPED);

	assert_int_equal(run(ingress_fd(f), &garp, &out), TC_ACT_SHOT);
	assert_int_equal(run(ingress_fd(f), &mc, &out), TC_ACT_SHOT);
	assert_int_equal(drops(f->ingress->obj, IPMP_DROP_LOOPED), before + 2);
}

static void test_ingress_peer_broadcast_arp_copied(void **state)
{
	struct fixture *f = *state;
	/* a peer announcing itself: the member keeps it, the group gets a copy */
	struct frame garp = arp(MAC_BCAST, MAC_PEER, 1, MAC_PEER, PEER, (uint8_t[6]){}, PEER), out;
	uint64_t before = drops(f->ingress->obj, IPMP_DROP_REDIRECT);

	assert_int_equal(run(ingress_fd(f), &garp, &out), TC_ACT_OK);
	assert_memory_equal(out.b, garp.b, garp.len);
	/* the group interface (ifindex 50) does not exist here: the copy fails, counted */
	assert_int_equal(drops(f->ingress->obj, IPMP_DROP_REDIRECT), before + 1);
}

static void test_ingress_garbage_passes(void **state)
{
	struct fixture *f = *state;
	struct frame out;
	struct frame ip = ip4(MAC_A, MAC_PEER, PEER, DATA1, IPPROTO_UDP, 1, 2);
	struct frame a = arp(MAC_A, MAC_PEER, 2, MAC_PEER, PEER, MAC_A, DATA1);

	/* (test_run itself refuses IPv4 frames shorter than an IP header) */
	for (uint32_t len = 15; len < a.len; len++) {
		struct frame cut = a;

		cut.len = len;
		assert_int_equal(run(ingress_fd(f), &cut, &out), TC_ACT_OK);
	}
	/* bad ihl, and an ihl that points past the frame */
	ip.b[14] = 0x44;
	assert_int_equal(run(ingress_fd(f), &ip, &out), TC_ACT_OK);
	ip.b[14] = 0x4f;
	assert_int_equal(run(ingress_fd(f), &ip, &out), TC_ACT_OK);
	/* IP options: ihl 6, still the group's */
	struct frame opt = ip4(MAC_A, MAC_PEER, PEER, DATA1, IPPROTO_UDP, 1, 2);
	memmove(opt.b + 38, opt.b + 34, opt.len - 34);
	memset(opt.b + 34, 1, 4);	/* four NOP options */
	opt.b[14] = 0x46;
	opt.len += 4;
	assert_int_equal(run(ingress_fd(f), &opt, &out), TC_ACT_REDIRECT);
}

static void test_ingress_without_config_passes_everything(void **state)
{
	struct fixture *f = *state;
	struct frame in = ip4(MAC_A, MAC_PEER, PEER, DATA1, IPPROTO_UDP, 1, 2), out;
	struct ipmp_group_cfg empty = {};
	uint32_t zero = 0;

	map_put(f->ingress->obj, "group_cfg", &zero, &empty);
	assert_int_equal(run(ingress_fd(f), &in, &out), TC_ACT_OK);
	cfg_put(f->ingress->obj, LO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_egress_arp_request_from_bound_member),
		cmocka_unit_test(test_egress_arp_reply_from_bound_member),
		cmocka_unit_test(test_egress_arp_unbound_sender_uses_an_active_member),
		cmocka_unit_test(test_egress_flows_follow_buckets),
		cmocka_unit_test(test_egress_flows_spread),
		cmocka_unit_test(test_egress_no_member),
		cmocka_unit_test(test_egress_malformed_and_unsupported),
		cmocka_unit_test(test_ingress_unicast_data_to_group),
		cmocka_unit_test(test_ingress_leaves_other_traffic),
		cmocka_unit_test(test_ingress_arp_request_nominated_only),
		cmocka_unit_test(test_ingress_arp_reply_to_group),
		cmocka_unit_test(test_ingress_own_frames_looped_back),
		cmocka_unit_test(test_ingress_peer_broadcast_arp_copied),
		cmocka_unit_test(test_ingress_garbage_passes),
		cmocka_unit_test(test_ingress_without_config_passes_everything),
	};

	int ret = bpf_test_enter();

	if (ret)
		return ret < 0;
	return cmocka_run_group_tests_name("bpf_dataplane", tests, setup, teardown);
}
