// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ns per packet of group_egress and member_ingress against a minimal
 * redirect program, all through BPF_PROG_TEST_RUN in one process, in
 * interleaved rounds so machine noise hits both sides alike, on the frames
 * that matter: TCP data, ARP, ND. Prints one line per program and frame:
 * program kind ours_ns baseline_ns ratio (medians of the rounds). Every
 * run must forward its frame (TC_ACT_REDIRECT), or there is no figure.
 * Needs root; runs in a private network namespace.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ipmp/maps.h>
#include "addr_index.h"
#include "baseline.skel.h"
#include "group_egress.skel.h"
#include "member_ingress.skel.h"

#define ROUNDS	7
#define REPEAT	200000

static int cmp_u32(const void *a, const void *b)
{
	return *(const unsigned *)a - *(const unsigned *)b;
}

static unsigned ns_per_run(int fd, const void *frame, unsigned len)
{
	unsigned char out[256];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = REPEAT);

	if (bpf_prog_test_run_opts(fd, &opts)) {
		perror("BPF_PROG_TEST_RUN");
		exit(1);
	}
	/* a figure for a frame not forwarded is no figure */
	if (opts.retval != TC_ACT_REDIRECT) {
		fprintf(stderr, "prog_ns: a program returned %u, not TC_ACT_REDIRECT\n",
			opts.retval);
		exit(1);
	}
	return opts.duration;
}

static void unpin(struct bpf_object *obj)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj)
		bpf_map__set_pin_path(m, NULL);
}

static void put(struct bpf_object *obj, const char *map, const void *k, const void *v)
{
	if (bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(obj, map)), k, v, 0)) {
		perror(map);
		exit(1);
	}
}

/* Two active members (lo, ifindex 1, in slot 0), one bound address, buckets spread. */
static void populate(struct bpf_object *obj)
{
	struct ipmp_group_cfg cfg = { .group_ifindex = 50, .bcast_ifindex = 1,
				      .mcast6_ifindex = 1 };
	struct ipmp_member_info m = { .flags = IPMP_MEMBER_ACTIVE, .mac = { 2, 0, 0, 0, 0, 1 },
				      .ifindex = 1 };
	struct ipmp_tx_set tx = { .count = 2, .slot = { 0, 1 } };
	struct ipmp_addr_key key = { .family = IPMP_AF_INET, .addr = { 192, 0, 2, 10 } };
	struct ipmp_binding b = { .ifindex = 1 };
	struct ipmp_addr_entry e = {};
	__u32 zero = 0, one = 1, idx, slot1;

	/*
	 * A repeated test run reuses one frame: member_ingress's rewrite of
	 * the destination to the group's MAC would make every later round a
	 * frame for another NIC. With the group's MAC the member's, each
	 * round takes the whole path (the same 6-byte write).
	 */
	memcpy(cfg.group_mac, m.mac, sizeof(cfg.group_mac));
	put(obj, "group_cfg", &zero, &cfg);
	put(obj, "members", &zero, &m);
	idx = 1 % IPMP_MEMBER_INDEX, slot1 = 1;
	put(obj, "member_index", &idx, &slot1);
	m.slot = 1;
	m.ifindex = 102;
	put(obj, "members", &one, &m);
	idx = 102 % IPMP_MEMBER_INDEX, slot1 = 2;
	put(obj, "member_index", &idx, &slot1);
	put(obj, "tx_set", &zero, &tx);
	for (__u32 i = 0; i < IPMP_BUCKETS; i++) {
		__u32 slot = i % 2;

		put(obj, "buckets", &i, &slot);
	}
	put(obj, "addr_binding", &key, &b);
	idx = addr_index_of(&key);
	addr_index_entry_put(&e, &key, b.ifindex);
	put(obj, "addr_index", &idx, &e);
	memset(&key, 0, sizeof(key));
	key.family = IPMP_AF_INET6;
	memcpy(key.addr, (unsigned char[16]){ 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 }, 16);
	put(obj, "addr_binding", &key, &b);
	idx = addr_index_of(&key);
	memset(&e, 0, sizeof(e));
	addr_index_entry_put(&e, &key, b.ifindex);
	put(obj, "addr_index", &idx, &e);
}

#define GROUP_V4	192, 0, 2, 10
#define PEER_V4		192, 0, 2, 100
#define GROUP_V6	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10
#define PEER_V6		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00
#define MEMBER_MAC	2, 0, 0, 0, 0, 1
#define PEER_MAC	2, 0, 0, 0, 0, 9

struct frame {
	unsigned char b[128];
	unsigned len;
};

static void add(struct frame *f, const void *p, unsigned n)
{
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

/* A TCP segment between 192.0.2.10 and 192.0.2.100, to the member's MAC. */
static struct frame tcp_frame(int towards_group)
{
	static const unsigned char eth[] = { MEMBER_MAC, PEER_MAC, 0x08, 0x00 };
	static const unsigned char ip[] = { 0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0 };
	static const unsigned char grp[] = { GROUP_V4 }, peer[] = { PEER_V4 };
	static const unsigned char tcp[] = { 0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0,
					     0x50, 0x10, 0xff, 0xff, 0, 0, 0, 0 };
	struct frame f = { .len = 0 };

	add(&f, eth, sizeof(eth));
	add(&f, ip, sizeof(ip));
	add(&f, towards_group ? peer : grp, 4);
	add(&f, towards_group ? grp : peer, 4);
	add(&f, tcp, sizeof(tcp));
	return f;
}

/* ARP: the group answering for 192.0.2.10, or (towards the group) a peer asking for it. */
static struct frame arp_frame(int towards_group)
{
	static const unsigned char reply[] = {
		PEER_MAC, MEMBER_MAC, 0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 2,
		MEMBER_MAC, GROUP_V4, PEER_MAC, PEER_V4,
	};
	static const unsigned char request[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, PEER_MAC, 0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1,
		PEER_MAC, PEER_V4, 0, 0, 0, 0, 0, 0, GROUP_V4,
	};
	struct frame f = { .len = 0 };

	if (towards_group)
		add(&f, request, sizeof(request));
	else
		add(&f, reply, sizeof(reply));
	return f;
}

/*
 * ND: the group's advertisement for 2001:db8::10 (target link-layer
 * option), or (towards the group) a peer's solicitation for it, to the
 * solicited-node group.
 */
static struct frame nd_frame(int towards_group)
{
	static const unsigned char na[] = {
		PEER_MAC, MEMBER_MAC, 0x86, 0xdd, 0x60, 0, 0, 0, 0, 32, 58, 255, GROUP_V6, PEER_V6,
		136, 0, 0x12, 0x34, 0x60, 0, 0, 0, GROUP_V6, 2, 1, MEMBER_MAC,
	};
	static const unsigned char ns[] = {
		0x33, 0x33, 0xff, 0, 0, 0x10, PEER_MAC, 0x86, 0xdd, 0x60, 0, 0, 0, 0, 32, 58, 255,
		PEER_V6, 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 0x10,
		135, 0, 0x12, 0x34, 0, 0, 0, 0, GROUP_V6, 1, 1, PEER_MAC,
	};
	struct frame f = { .len = 0 };

	if (towards_group)
		add(&f, ns, sizeof(ns));
	else
		add(&f, na, sizeof(na));
	return f;
}

static const struct {
	const char *kind;
	struct frame (*build)(int towards_group);
} kinds[] = { { "tcp", tcp_frame }, { "arp", arp_frame }, { "nd", nd_frame } };

#define NKINDS	(sizeof(kinds) / sizeof(kinds[0]))

static unsigned median(unsigned *v)
{
	qsort(v, ROUNDS, sizeof(unsigned), cmp_u32);
	return v[ROUNDS / 2];
}

static void print(const char *prog, const char *kind, unsigned ours, unsigned base)
{
	printf("%s %s %u %u %.2f\n", prog, kind, ours, base, (double)ours / (base ? base : 1));
}

int main(void)
{
	struct group_egress *eg;
	struct member_ingress *in;
	struct baseline *base;
	unsigned eg_ns[NKINDS][ROUNDS], in_ns[NKINDS][ROUNDS], base_ns[ROUNDS];
	struct frame out[NKINDS], to_group[NKINDS];

	if (unshare(CLONE_NEWNET)) {
		perror("unshare");
		return 1;
	}
	libbpf_set_print(NULL);
	eg = group_egress__open();
	in = member_ingress__open();
	base = baseline__open_and_load();
	if (!eg || !in || !base)
		return 1;
	unpin(eg->obj);
	unpin(in->obj);
	if (group_egress__load(eg) || member_ingress__load(in))
		return 1;
	populate(eg->obj);
	populate(in->obj);
	for (unsigned k = 0; k < NKINDS; k++) {
		out[k] = kinds[k].build(0);
		to_group[k] = kinds[k].build(1);
	}

	/* interleaved: each round runs the baseline and every case once */
	for (int r = 0; r < ROUNDS; r++) {
		base_ns[r] = ns_per_run(bpf_program__fd(base->progs.redirect_only), out[0].b,
					 out[0].len);
		for (unsigned k = 0; k < NKINDS; k++) {
			eg_ns[k][r] = ns_per_run(bpf_program__fd(eg->progs.group_egress), out[k].b,
						 out[k].len);
			in_ns[k][r] = ns_per_run(bpf_program__fd(in->progs.member_ingress),
						 to_group[k].b, to_group[k].len);
		}
	}
	for (unsigned k = 0; k < NKINDS; k++)
		print("group_egress", kinds[k].kind, median(eg_ns[k]), median(base_ns));
	for (unsigned k = 0; k < NKINDS; k++)
		print("member_ingress", kinds[k].kind, median(in_ns[k]), median(base_ns));
	group_egress__destroy(eg);
	member_ingress__destroy(in);
	baseline__destroy(base);
	return 0;
}
