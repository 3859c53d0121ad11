// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * member_xdp through BPF_PROG_TEST_RUN: which echo replies are the agent's
 * (handed over the ring buffer with the kernel time, then dropped), which
 * are forged (counted, dropped), and which are none of its business
 * (passed). Frames "arrive" on lo (ifindex 1) of a private namespace.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "bpf_test.h"
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <endian.h>
#include <linux/bpf.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ipmp/maps.h>
#include <ipmp/probe.h>
#include <ipmp/siphash.h>
#include "member_xdp.skel.h"

#define LO 1
static const __u64 KEY[2] = { 0x1122334455667788ULL, 0x99aabbccddeeff00ULL };
#define KEY_INIT	{ 0x1122334455667788ULL, 0x99aabbccddeeff00ULL }
static const uint16_t ECHO_ID = 0x4242;	/* as on the wire */

struct frame {
	uint8_t b[256];
	uint32_t len;
};

struct fixture {
	struct member_xdp *skel;
	struct ring_buffer *rb;
	struct ipmp_probe_event events[8];
	unsigned nevents;
};

static void put(struct frame *f, const void *p, size_t n)
{
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void put16(struct frame *f, uint16_t v)
{
	v = htons(v);
	put(f, &v, 2);
}

static void put_ip4(struct frame *f, const char *a)
{
	struct in_addr in;

	inet_pton(AF_INET, a, &in);
	put(f, &in, 4);
}

struct reply_opts {
	int vlans;		/* 0, 1 or 2 tags */
	int options;		/* 4-byte IP option words */
	uint8_t type;		/* ICMP type (0 = echo reply) */
	uint16_t id;		/* wire order */
	bool forged;		/* a tag that is not this probe's */
	bool multi;		/* an answer to the all-hosts echo */
	const char *dst;
	uint16_t frag;		/* IP frag_off field */
	int cut;		/* bytes to drop from the end */
};

/* An echo reply from the router 192.0.2.1 to the test address 192.0.2.21. */
static struct frame reply(struct reply_opts o)
{
	static const uint8_t dst_mac[6] = { 2, 0, 0, 0, 0, 1 }, src_mac[6] = { 2, 0, 0, 0, 0, 9 };
	static const uint8_t router[4] = { 192, 0, 2, 1 };
	static const uint8_t all_hosts[4] = { 224, 0, 0, 1 };
	uint32_t kind = o.multi ? IPMP_PROBE_MULTI : IPMP_PROBE_UNI;
	struct ipmp_probe_payload p = { .sent_ns = htobe64(123456789), .kind = htonl(kind) };
	struct frame f = { .len = 0 };
	uint16_t id = o.id;

	/* the tag the agent put in its probe (to the router, or to all hosts), sequence 77 */
	p.tag = ipmp_probe_tag(KEY, IPMP_AF_INET, kind, id, 77, 123456789,
			       o.multi ? all_hosts : router) ^ o.forged;

	put(&f, dst_mac, 6);
	put(&f, src_mac, 6);
	for (int i = 0; i < o.vlans; i++) {
		put16(&f, i == 0 && o.vlans == 2 ? 0x88a8 : 0x8100);
		put16(&f, 100 + i);
	}
	put16(&f, 0x0800);
	f.b[f.len++] = 0x45 + o.options;
	f.b[f.len++] = 0;
	put16(&f, 20 + o.options * 4 + 8 + sizeof(p));
	put16(&f, 1);
	put16(&f, o.frag);
	f.b[f.len++] = 64;
	f.b[f.len++] = IPPROTO_ICMP;
	put16(&f, 0);
	put_ip4(&f, "192.0.2.1");
	put_ip4(&f, o.dst ? o.dst : "192.0.2.21");
	for (int i = 0; i < o.options; i++)
		put(&f, "\x01\x01\x01\x01", 4);
	f.b[f.len++] = o.type;
	f.b[f.len++] = 0;
	put16(&f, 0);
	put(&f, &id, 2);
	put16(&f, 77);
	put(&f, &p, sizeof(p));
	f.len -= o.cut;
	return f;
}

static struct reply_opts genuine(void)
{
	return (struct reply_opts){ .id = ECHO_ID };
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct fixture *f = ctx;

	if (size == sizeof(struct ipmp_probe_event) && f->nevents < 8)
		memcpy(&f->events[f->nevents++], data, size);
	return 0;
}

static uint64_t stat(struct fixture *f, uint32_t which)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t vals[ncpu], sum = 0;

	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(f->skel->maps.probe_stats), &which, vals), 0);
	for (int i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}

static int setup(void **state)
{
	static struct fixture f;
	struct ipmp_probe_cfg cfg = { .key = KEY_INIT, .echo_id = ECHO_ID,
				      .test_addr = { 192, 0, 2, 21 },
				      .test_addr6 = { 0xfe, 0x80, [15] = 0x21 } };
	struct bpf_map *map;
	uint32_t lo = LO;

	f.skel = member_xdp__open();
	assert_non_null(f.skel);
	bpf_object__for_each_map(map, f.skel->obj)
		bpf_map__set_pin_path(map, NULL);
	assert_int_equal(member_xdp__load(f.skel), 0);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(f.skel->maps.probe_cfg), &lo, &cfg, 0), 0);
	f.rb = ring_buffer__new(bpf_map__fd(f.skel->maps.probe_events), on_event, &f, NULL);
	assert_non_null(f.rb);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ring_buffer__free(f->rb);
	member_xdp__destroy(f->skel);
	return 0;
}

/* Run one frame arriving on lo; collect what reached the ring buffer. */
static int run(struct fixture *f, const struct frame *in)
{
	struct xdp_md ctx = { .data_end = in->len, .ingress_ifindex = LO };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in->b, .data_size_in = in->len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);

	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(f->skel->progs.member_xdp), &opts), 0);
	f->nevents = 0;
	ring_buffer__consume(f->rb);
	return opts.retval;
}

static void test_genuine_reply_is_stamped_and_consumed(void **state)
{
	struct fixture *f = *state;
	struct frame in = reply(genuine());
	uint64_t before = stat(f, IPMP_PROBE_STAT_REPLIES);
	struct timespec ts;

	assert_int_equal(run(f, &in), XDP_DROP);
	assert_int_equal(f->nevents, 1);
	assert_int_equal(f->events[0].seq, 77);
	assert_int_equal(f->events[0].kind, IPMP_PROBE_UNI);
	assert_int_equal(f->events[0].sent_ns, 123456789);
	assert_int_equal(f->events[0].ifindex, LO);
	assert_int_equal(f->events[0].family, IPMP_AF_INET);
	assert_memory_equal(f->events[0].src, ((uint8_t[4]){ 192, 0, 2, 1 }), 4);
	/* the kernel's monotonic clock, the one the agent sends with */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t now = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	assert_true(f->events[0].rx_ns > 0 && f->events[0].rx_ns <= now);
	assert_true(now - f->events[0].rx_ns < 1000000000ULL);
	assert_int_equal(stat(f, IPMP_PROBE_STAT_REPLIES), before + 1);
}

static void test_forged_tag_is_counted_and_dropped(void **state)
{
	struct fixture *f = *state;
	struct reply_opts o = genuine();
	uint64_t before = stat(f, IPMP_PROBE_STAT_SPOOFED);

	o.forged = true;
	struct frame in = reply(o);
	assert_int_equal(run(f, &in), XDP_DROP);
	assert_int_equal(f->nevents, 0);
	assert_int_equal(stat(f, IPMP_PROBE_STAT_SPOOFED), before + 1);
}

static void test_not_ours_passes(void **state)
{
	struct fixture *f = *state;
	struct reply_opts o;
	struct frame in;

	o = genuine(), o.id = ECHO_ID + 1;	/* someone else's ping */
	in = reply(o);
	assert_int_equal(run(f, &in), XDP_PASS);
	o = genuine(), o.dst = "192.0.2.10";	/* to a data address */
	in = reply(o);
	assert_int_equal(run(f, &in), XDP_PASS);
	o = genuine(), o.type = 8;		/* an echo request */
	in = reply(o);
	assert_int_equal(run(f, &in), XDP_PASS);
	o = genuine(), o.frag = 0x2000;		/* a first fragment */
	in = reply(o);
	assert_int_equal(run(f, &in), XDP_PASS);
	assert_int_equal(f->nevents, 0);
}

static void test_truncated_passes(void **state)
{
	struct fixture *f = *state;
	struct frame full = reply(genuine());

	for (uint32_t len = 14; len < full.len; len++) {	/* test_run needs an Ethernet header */
		struct frame cut = full;

		cut.len = len;
		assert_int_equal(run(f, &cut), XDP_PASS);
		assert_int_equal(f->nevents, 0);
	}
}

static void test_vlan_and_ip_options(void **state)
{
	struct fixture *f = *state;
	struct reply_opts o;
	struct frame in;

	o = genuine(), o.vlans = 1;
	in = reply(o);
	assert_int_equal(run(f, &in), XDP_DROP);
	assert_int_equal(f->nevents, 1);
	o = genuine(), o.vlans = 2;
	in = reply(o);
	assert_int_equal(run(f, &in), XDP_DROP);
	assert_int_equal(f->nevents, 1);
	o = genuine(), o.options = 3;
	in = reply(o);
	assert_int_equal(run(f, &in), XDP_DROP);
	assert_int_equal(f->nevents, 1);
	assert_int_equal(f->events[0].seq, 77);
}

static void test_other_member_passes(void **state)
{
	struct fixture *f = *state;
	struct frame in = reply(genuine());
	uint32_t lo = LO;
	struct ipmp_probe_cfg cfg;

	/* no probe_cfg entry for the interface: not a probing member */
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(f->skel->maps.probe_cfg), &lo, &cfg), 0);
	assert_int_equal(bpf_map_delete_elem(bpf_map__fd(f->skel->maps.probe_cfg), &lo), 0);
	assert_int_equal(run(f, &in), XDP_PASS);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(f->skel->maps.probe_cfg), &lo, &cfg, 0), 0);
}

/* The answer to an RFC 5227 probe: reply to our MAC for IP 0.0.0.0. */
static struct frame arp_reply_frame(const uint8_t *tha, const char *tpa, uint16_t op)
{
	static const uint8_t router_mac[6] = { 2, 0, 0, 0, 0, 9 };
	struct frame f = { .len = 0 };

	put(&f, tha, 6);
	put(&f, router_mac, 6);
	put16(&f, 0x0806);
	put16(&f, 1);
	put16(&f, 0x0800);
	f.b[f.len++] = 6;
	f.b[f.len++] = 4;
	put16(&f, op);
	put(&f, router_mac, 6);
	put_ip4(&f, "192.0.2.1");
	put(&f, tha, 6);
	put_ip4(&f, tpa);
	return f;
}

static void test_arp_probe_replies(void **state)
{
	struct fixture *f = *state;
	static const uint8_t our_mac[6] = { 2, 0xaa, 0, 0, 0, 1 }, other[6] = { 2, 0xbb, 0, 0, 0, 2 };
	struct ipmp_probe_cfg cfg = { .key = KEY_INIT, .echo_id = ECHO_ID,
				      .method = IPMP_PROBE_METHOD_ARP, .narp_targets = 1,
				      .arp_targets = { { 192, 0, 2, 1 } } };
	struct ipmp_probe_cfg icmp = { .key = KEY_INIT, .echo_id = ECHO_ID,
				       .test_addr = { 192, 0, 2, 21 } };
	uint32_t lo = LO;
	struct frame in;

	memcpy(cfg.mac, our_mac, 6);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(f->skel->maps.probe_cfg), &lo, &cfg, 0), 0);
	in = arp_reply_frame(our_mac, "0.0.0.0", 2);
	assert_int_equal(run(f, &in), XDP_DROP);
	assert_int_equal(f->nevents, 1);
	assert_int_equal(f->events[0].kind, IPMP_PROBE_ARP);
	assert_memory_equal(f->events[0].src, ((uint8_t[4]){ 192, 0, 2, 1 }), 4);
	/* the same reply from a host it did not probe: not an answer, never reported */
	cfg.arp_targets[0][3] = 2;
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(f->skel->maps.probe_cfg), &lo, &cfg, 0), 0);
	in = arp_reply_frame(our_mac, "0.0.0.0", 2);
	assert_int_equal(run(f, &in), XDP_PASS);
	cfg.arp_targets[0][3] = 1;
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(f->skel->maps.probe_cfg), &lo, &cfg, 0), 0);
	/* not ours: another MAC, an ordinary reply (target IP set), a request */
	in = arp_reply_frame(other, "0.0.0.0", 2);
	assert_int_equal(run(f, &in), XDP_PASS);
	in = arp_reply_frame(our_mac, "192.0.2.10", 2);
	assert_int_equal(run(f, &in), XDP_PASS);
	in = arp_reply_frame(our_mac, "0.0.0.0", 1);
	assert_int_equal(run(f, &in), XDP_PASS);
	/* an ICMP echo reply is not looked at on an ARP-probing member */
	in = reply(genuine());
	assert_int_equal(run(f, &in), XDP_PASS);
	assert_int_equal(f->nevents, 0);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(f->skel->maps.probe_cfg), &lo, &icmp, 0), 0);
}

struct reply6_opts {
	const char *src, *dst;
	uint8_t nexthdr;	/* 58, or an extension header in front of ICMPv6 */
	bool forged;
	uint16_t id;
};

/* An ICMPv6 echo reply (with the kernel's checksum left out: XDP does not check it). */
static struct frame reply6(struct reply6_opts o)
{
	static const uint8_t dst_mac[6] = { 2, 0, 0, 0, 0, 1 }, src_mac[6] = { 2, 0, 0, 0, 0, 9 };
	struct ipmp_probe_payload p = { .sent_ns = htobe64(987654321), .kind = htonl(IPMP_PROBE_UNI) };
	struct in6_addr a;
	struct frame f = { .len = 0 };
	uint16_t id = o.id;
	bool ext = o.nexthdr != 58;

	inet_pton(AF_INET6, o.src, &a);
	p.tag = ipmp_probe_tag(KEY, IPMP_AF_INET6, IPMP_PROBE_UNI, id, 88, 987654321, a.s6_addr) ^
		o.forged;

	put(&f, dst_mac, 6);
	put(&f, src_mac, 6);
	put16(&f, 0x86dd);
	put(&f, (uint8_t[]){ 0x60, 0, 0, 0 }, 4);
	put16(&f, (ext ? 8 : 0) + 8 + sizeof(p));
	f.b[f.len++] = o.nexthdr;
	f.b[f.len++] = 64;
	inet_pton(AF_INET6, o.src, &a);
	put(&f, &a, 16);
	inet_pton(AF_INET6, o.dst, &a);
	put(&f, &a, 16);
	if (ext)
		put(&f, (uint8_t[8]){ 58, 0 }, 8);	/* e.g. a routing header, length 0 */
	f.b[f.len++] = 129;
	f.b[f.len++] = 0;
	put16(&f, 0);
	put(&f, &id, 2);
	put16(&f, 88);
	put(&f, &p, sizeof(p));
	return f;
}

static struct reply6_opts genuine6(void)
{
	return (struct reply6_opts){ .src = "fe80::1", .dst = "fe80::21", .nexthdr = 58,
				     .id = ECHO_ID };
}

static void test_icmp6_reply(void **state)
{
	struct fixture *f = *state;
	struct reply6_opts o = genuine6();
	struct frame in = reply6(o);
	uint8_t router[16] = { 0xfe, 0x80, [15] = 1 };
	uint64_t spoofed = stat(f, IPMP_PROBE_STAT_SPOOFED);
	/* IPv4 by ARP and IPv6 by ICMPv6 at once, as the agent may configure a member */
	struct ipmp_probe_cfg cfg = { .key = KEY_INIT, .echo_id = ECHO_ID,
				      .method = IPMP_PROBE_METHOD_ARP,
				      .test_addr6 = { 0xfe, 0x80, [15] = 0x21 } };
	uint32_t lo = LO;

	assert_int_equal(bpf_map_update_elem(bpf_map__fd(f->skel->maps.probe_cfg), &lo, &cfg, 0), 0);

	assert_int_equal(run(f, &in), XDP_DROP);
	assert_int_equal(f->nevents, 1);
	assert_int_equal(f->events[0].family, IPMP_AF_INET6);
	assert_int_equal(f->events[0].seq, 88);
	assert_int_equal(f->events[0].sent_ns, 987654321);
	assert_memory_equal(f->events[0].src, router, 16);
	/* spec 3.19: from a global source, with a routing header, to another address: not ours */
	o = genuine6();
	o.src = "2001:db8::1";
	in = reply6(o);
	assert_int_equal(run(f, &in), XDP_PASS);
	o = genuine6();
	o.nexthdr = 43;
	in = reply6(o);
	assert_int_equal(run(f, &in), XDP_PASS);
	o = genuine6();
	o.dst = "fe80::22";
	in = reply6(o);
	assert_int_equal(run(f, &in), XDP_PASS);
	o = genuine6();
	o.id = ECHO_ID + 1;
	in = reply6(o);
	assert_int_equal(run(f, &in), XDP_PASS);
	assert_int_equal(f->nevents, 0);
	/* our identifier with a tag that is not this probe's: forged */
	o = genuine6();
	o.forged = true;
	in = reply6(o);
	assert_int_equal(run(f, &in), XDP_DROP);
	assert_int_equal(f->nevents, 0);
	assert_int_equal(stat(f, IPMP_PROBE_STAT_SPOOFED), spoofed + 1);
}

/* A neighbour advertisement from fe80::1 to the test address fe80::21, for target. */
static struct frame na(uint8_t flags, const char *target)
{
	struct frame f = reply6(genuine6());
	struct in6_addr t;

	f.len = 14 + 40;
	f.b[19] = 24;			/* payload length */
	f.b[f.len++] = 136;
	f.b[f.len++] = 0;
	put16(&f, 0);
	put(&f, (uint8_t[4]){ flags }, 4);
	inet_pton(AF_INET6, target, &t);
	put(&f, &t, 16);
	return f;
}

/* NS probing: the solicited NA answers; anything else passes. */
static void test_na_answers_ns_probe(void **state)
{
	struct fixture *f = *state;
	struct ipmp_probe_cfg cfg = { .key = KEY_INIT, .echo_id = ECHO_ID,
				      .method = IPMP_PROBE_METHOD_ARP,
				      .method6 = IPMP_PROBE_METHOD_NS,
				      .test_addr6 = { 0xfe, 0x80, [15] = 0x21 }, .nns_targets = 1,
				      .ns_targets = { { 0xfe, 0x80, [15] = 1 } } };
	uint8_t router[16] = { 0xfe, 0x80, [15] = 1 };
	uint32_t lo = LO;
	struct frame in = na(0x60, "fe80::2");	/* solicited, but for a host not probed */

	assert_int_equal(bpf_map_update_elem(bpf_map__fd(f->skel->maps.probe_cfg), &lo, &cfg, 0), 0);
	assert_int_equal(run(f, &in), XDP_PASS);
	in = na(0x60, "fe80::1");		/* solicited, override, for the target */
	assert_int_equal(run(f, &in), XDP_DROP);
	assert_int_equal(f->nevents, 1);
	assert_int_equal(f->events[0].kind, IPMP_PROBE_NA);
	assert_int_equal(f->events[0].family, IPMP_AF_INET6);
	assert_memory_equal(f->events[0].src, router, 16);
	in = na(0x20, "fe80::1");		/* unsolicited: not an answer */
	assert_int_equal(run(f, &in), XDP_PASS);
	in = reply6(genuine6());		/* echo replies are not expected in this mode */
	assert_int_equal(run(f, &in), XDP_PASS);
	in = na(0x60, "fe80::1");
	in.len -= 4;				/* target cut short */
	assert_int_equal(run(f, &in), XDP_PASS);
	assert_int_equal(f->nevents, 0);
}

/*
 * A flood of replies that look right (here: copies of one genuine reply)
 * reaches the agent at most probe_events_per_window per window per CPU;
 * copies of answers to the all-hosts echo, whose tag every host saw, at
 * most probe_discovery_per_window. The rest is dropped and counted.
 */
static void test_flood_is_rate_limited(void **state)
{
	struct fixture *f = *state;
	uint64_t limited = stat(f, IPMP_PROBE_STAT_RATELIMITED);
	uint64_t replies = stat(f, IPMP_PROBE_STAT_REPLIES);
	struct frame in = reply(genuine());
	struct xdp_md ctx = { .data_end = in.len, .ingress_ifindex = LO };
	unsigned n = 8 * IPMP_PROBE_EVENTS_PER_WINDOW;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in.b, .data_size_in = in.len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = n);
	struct ipmp_probe_cfg icmp = { .key = KEY_INIT, .echo_id = ECHO_ID,
				       .test_addr = { 192, 0, 2, 21 } };
	uint32_t lo = LO;

	assert_int_equal(bpf_map_update_elem(bpf_map__fd(f->skel->maps.probe_cfg), &lo, &icmp, 0), 0);

	/*
	 * One program run repeated n times: well within two windows (a window
	 * an earlier test opened may end part-way), so at most two budgets
	 * reach the ring buffer and the rest is counted as limited.
	 */
	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(f->skel->progs.member_xdp), &opts), 0);
	assert_int_equal(opts.retval, XDP_DROP);
	while (ring_buffer__consume(f->rb) > 0)
		;
	f->nevents = 0;
	uint64_t passed = stat(f, IPMP_PROBE_STAT_REPLIES) - replies;
	uint64_t dropped = stat(f, IPMP_PROBE_STAT_RATELIMITED) - limited;

	assert_int_equal(passed + dropped, n);
	assert_true(passed >= IPMP_PROBE_EVENTS_PER_WINDOW / 2);
	assert_true(passed <= 2 * IPMP_PROBE_EVENTS_PER_WINDOW);

	/* copies of an answer to the all-hosts echo, in a fresh window: the smaller budget */
	struct reply_opts o = genuine();

	usleep(2 * IPMP_PROBE_WINDOW_NS / 1000);
	o.multi = true;
	in = reply(o);
	ctx.data_end = in.len;
	opts.data_in = in.b;
	opts.data_size_in = in.len;
	replies = stat(f, IPMP_PROBE_STAT_REPLIES);
	limited = stat(f, IPMP_PROBE_STAT_RATELIMITED);
	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(f->skel->progs.member_xdp), &opts), 0);
	assert_int_equal(opts.retval, XDP_DROP);
	while (ring_buffer__consume(f->rb) > 0)
		;
	f->nevents = 0;
	passed = stat(f, IPMP_PROBE_STAT_REPLIES) - replies;
	dropped = stat(f, IPMP_PROBE_STAT_RATELIMITED) - limited;
	assert_int_equal(passed + dropped, n);
	assert_true(passed >= 1);
	assert_true(passed <= 2 * IPMP_PROBE_DISCOVERY_PER_WINDOW);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_genuine_reply_is_stamped_and_consumed),
		cmocka_unit_test(test_forged_tag_is_counted_and_dropped),
		cmocka_unit_test(test_not_ours_passes),
		cmocka_unit_test(test_truncated_passes),
		cmocka_unit_test(test_vlan_and_ip_options),
		cmocka_unit_test(test_other_member_passes),
		cmocka_unit_test(test_arp_probe_replies),
		cmocka_unit_test(test_icmp6_reply),
		cmocka_unit_test(test_na_answers_ns_probe),
		cmocka_unit_test(test_flood_is_rate_limited),
	};

	int ret = bpf_test_enter();

	if (ret)
		return ret < 0;
	return cmocka_run_group_tests_name("bpf_xdp", tests, setup, teardown);
}
