// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ns per packet of group_egress and member_ingress against a minimal
 * redirect program, all through BPF_PROG_TEST_RUN in one process, in
 * interleaved rounds so machine noise hits both sides alike. Prints one
 * line per program: name ours_ns baseline_ns ratio (medians of the rounds).
 * Needs root; runs in a private network namespace.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_ether.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ipmp/maps.h>
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

/* Two active members, one bound address, lo (ifindex 1) as a member. */
static void populate(struct bpf_object *obj)
{
	struct ipmp_group_cfg cfg = { .group_ifindex = 50, .bcast_ifindex = 1 };
	struct ipmp_member_info m = { .flags = IPMP_MEMBER_ACTIVE, .mac = { 2, 0, 0, 0, 0, 1 } };
	struct ipmp_tx_set tx = { .count = 2, .ifindex = { 1, 102 } };
	struct ipmp_addr_key key = { .family = IPMP_AF_INET, .addr = { 192, 0, 2, 10 } };
	struct ipmp_binding b = { .ifindex = 1 };
	__u32 zero = 0, lo = 1, other = 102;

	put(obj, "group_cfg", &zero, &cfg);
	put(obj, "members", &lo, &m);
	m.slot = 1;
	put(obj, "members", &other, &m);
	put(obj, "tx_set", &zero, &tx);
	put(obj, "addr_binding", &key, &b);
}

/* A TCP segment from 192.0.2.10 to 192.0.2.100 with member 1's MAC as destination. */
static unsigned tcp_frame(unsigned char *f, int towards_group)
{
	static const unsigned char ip_tcp[] = {
		0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 192, 0, 2, 10, 192, 0, 2, 100,
		0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x10, 0xff, 0xff, 0, 0, 0, 0,
	};
	unsigned char dst[6] = { 2, 0, 0, 0, 0, 1 }, src[6] = { 2, 0, 0, 0, 0, 9 };

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	memcpy(f + 14, ip_tcp, sizeof(ip_tcp));
	if (towards_group) {	/* swap addresses: to 192.0.2.10 */
		memcpy(f + 26, ip_tcp + 16, 4);
		memcpy(f + 30, ip_tcp + 12, 4);
	}
	return 14 + sizeof(ip_tcp);
}

int main(void)
{
	struct group_egress *eg;
	struct member_ingress *in;
	struct baseline *base;
	unsigned char out_frame[128], in_frame[128];
	unsigned out_len, in_len;
	unsigned eg_ns[ROUNDS], in_ns[ROUNDS], base_ns[ROUNDS];

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
	out_len = tcp_frame(out_frame, 0);
	in_len = tcp_frame(in_frame, 1);

	for (int r = 0; r < ROUNDS; r++) {
		base_ns[r] = ns_per_run(bpf_program__fd(base->progs.redirect_only), out_frame, out_len);
		eg_ns[r] = ns_per_run(bpf_program__fd(eg->progs.group_egress), out_frame, out_len);
		in_ns[r] = ns_per_run(bpf_program__fd(in->progs.member_ingress), in_frame, in_len);
	}
	qsort(base_ns, ROUNDS, sizeof(unsigned), cmp_u32);
	qsort(eg_ns, ROUNDS, sizeof(unsigned), cmp_u32);
	qsort(in_ns, ROUNDS, sizeof(unsigned), cmp_u32);
	printf("group_egress %u %u %.2f\n", eg_ns[ROUNDS / 2], base_ns[ROUNDS / 2],
	       (double)eg_ns[ROUNDS / 2] / (base_ns[ROUNDS / 2] ? base_ns[ROUNDS / 2] : 1));
	printf("member_ingress %u %u %.2f\n", in_ns[ROUNDS / 2], base_ns[ROUNDS / 2],
	       (double)in_ns[ROUNDS / 2] / (base_ns[ROUNDS / 2] ? base_ns[ROUNDS / 2] : 1));
	group_egress__destroy(eg);
	member_ingress__destroy(in);
	baseline__destroy(base);
	return 0;
}
