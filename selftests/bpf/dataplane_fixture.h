/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the data-plane tests share: frame builders, the group_egress and
 * member_ingress programs loaded unpinned with a two-member group in their
 * maps, and a runner. Frames "arrive" on lo (ifindex 1), which the ingress
 * maps declare as a member.
 */
#ifndef IPMP_DATAPLANE_FIXTURE_H
#define IPMP_DATAPLANE_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "bpf_test.h"
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <stdio.h>
#include <string.h>

#include <ipmp/maps.h>
#include "addr_index.h"
#include "buckets.h"
#include "group_egress.skel.h"
#include "member_ingress.skel.h"

#define GROUP_IFINDEX	50
#define M_A		101	/* egress members */
#define M_B		102
#define LO		1	/* the ingress member: test frames arrive on lo */

static const uint8_t __attribute__((unused)) MAC_G[6] = { 0x02, 0x47, 0, 0, 0, 0x01 };	/* group */
static const uint8_t __attribute__((unused)) MAC_A[6] = { 0x02, 0xaa, 0, 0, 0, 0x01 };
static const uint8_t __attribute__((unused)) MAC_B[6] = { 0x02, 0xbb, 0, 0, 0, 0x02 };
static const uint8_t __attribute__((unused)) MAC_PEER[6] = { 0x02, 0x99, 0, 0, 0, 0x09 };
static const uint8_t __attribute__((unused)) MAC_OTHER[6] = { 0x02, 0x77, 0, 0, 0, 0x07 };
static const uint8_t __attribute__((unused)) MAC_BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
#define DATA1		"192.0.2.10"
#define DATA2		"192.0.2.11"
#define PEER		"192.0.2.100"
#define TEST_ADDR	"192.0.2.21"
#define DATA6_1		"2001:db8::10"
#define DATA6_2		"2001:db8::11"
#define PEER6		"2001:db8::100"
#define LL_PEER		"fe80::99"
#define LL_MEMBER	"fe80::aa"

struct frame {
	uint8_t b[256];
	uint32_t len;
};

static inline void put(struct frame *f, const void *p, size_t n)
{
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static inline void put_ip4(struct frame *f, const char *a)
{
	struct in_addr in;

	inet_pton(AF_INET, a, &in);
	put(f, &in, 4);
}

static inline void put16(struct frame *f, uint16_t v)
{
	v = htons(v);
	put(f, &v, 2);
}

static inline struct frame eth(const uint8_t *dst, const uint8_t *src, uint16_t proto)
{
	struct frame f = { .len = 0 };

	put(&f, dst, 6);
	put(&f, src, 6);
	put16(&f, proto);
	return f;
}

static inline struct frame arp(const uint8_t *dst, const uint8_t *src, uint16_t op, const uint8_t *sha,
			const char *spa, const uint8_t *tha, const char *tpa)
{
	struct frame f = eth(dst, src, ETH_P_ARP);

	put16(&f, 1);
	put16(&f, ETH_P_IP);
	f.b[f.len++] = 6;
	f.b[f.len++] = 4;
	put16(&f, op);
	put(&f, sha, 6);
	put_ip4(&f, spa);
	put(&f, tha, 6);
	put_ip4(&f, tpa);
	return f;
}

/* IPv4 + TCP/UDP header (no payload); checksums do not matter here. */
static inline struct frame ip4(const uint8_t *dst, const uint8_t *src, const char *saddr,
			const char *daddr, uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct frame f = eth(dst, src, ETH_P_IP);
	uint16_t l4len = proto == IPPROTO_TCP ? 20 : 8;

	f.b[f.len++] = 0x45;
	f.b[f.len++] = 0;
	put16(&f, 20 + l4len);
	put16(&f, 1);
	put16(&f, 0x4000);
	f.b[f.len++] = 64;
	f.b[f.len++] = proto;
	put16(&f, 0);
	put_ip4(&f, saddr);
	put_ip4(&f, daddr);
	put16(&f, sport);
	put16(&f, dport);
	if (proto == IPPROTO_TCP) {
		uint8_t rest[16] = { 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff };

		put(&f, rest, sizeof(rest));
	} else {
		put16(&f, 8);
		put16(&f, 0);
	}
	return f;
}

struct fixture {
	struct group_egress *egress;
	struct member_ingress *ingress;
};

static inline void unpin_all(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
		bpf_map__set_pin_path(map, NULL);
}

static inline void map_put(struct bpf_object *obj, const char *name, const void *key, const void *val)
{
	int fd = bpf_map__fd(bpf_object__find_map_by_name(obj, name));

	assert_int_equal(bpf_map_update_elem(fd, key, val, BPF_ANY), 0);
}

/* A binding into its addr_index entry, as the agent puts it (lib/addr_index.c). */
static inline void index_put(struct bpf_object *obj, const struct ipmp_addr_key *key,
			     uint32_t ifindex)
{
	int fd = bpf_map__fd(bpf_object__find_map_by_name(obj, "addr_index"));
	uint32_t idx = addr_index_of(key);
	struct ipmp_addr_entry e;

	assert_int_equal(bpf_map_lookup_elem(fd, &idx, &e), 0);
	addr_index_entry_put(&e, key, ifindex);
	assert_int_equal(bpf_map_update_elem(fd, &idx, &e, BPF_ANY), 0);
}

/* Bind an IPv4 or IPv6 address to a member. */
static inline void binding_put(struct bpf_object *obj, const char *addr, uint32_t ifindex)
{
	int v6 = strchr(addr, ':') != NULL;
	struct ipmp_addr_key key = { .family = v6 ? IPMP_AF_INET6 : IPMP_AF_INET };
	struct ipmp_binding b = { .ifindex = ifindex };

	assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, addr, key.addr), 1);
	map_put(obj, "addr_binding", &key, &b);
	index_put(obj, &key, ifindex);
}

/* A member in its slot, and in member_index, as the agent writes them. */
static inline void member_put(struct bpf_object *obj, uint32_t ifindex, uint32_t slot, uint32_t flags,
		       const uint8_t *mac)
{
	struct ipmp_member_info m = { .slot = slot, .flags = flags, .ifindex = ifindex };
	uint32_t idx = ifindex & (IPMP_MEMBER_INDEX - 1), slot1 = slot + 1;

	memcpy(m.mac, mac, 6);
	map_put(obj, "members", &slot, &m);
	map_put(obj, "member_index", &idx, &slot1);
}

static inline uint32_t slot_of(struct bpf_object *obj, uint32_t ifindex)
{
	int fd = bpf_map__fd(bpf_object__find_map_by_name(obj, "members"));
	struct ipmp_member_info m;

	for (uint32_t s = 0; s < IPMP_MAX_MEMBERS; s++)
		if (!bpf_map_lookup_elem(fd, &s, &m) && m.ifindex == ifindex)
			return s;
	fail_msg("no member has ifindex %u", ifindex);
	return 0;
}

static inline void buckets_read(struct bpf_object *obj, uint32_t table[IPMP_BUCKETS])
{
	int fd = bpf_map__fd(bpf_object__find_map_by_name(obj, "buckets"));

	for (uint32_t b = 0; b < IPMP_BUCKETS; b++)
		assert_int_equal(bpf_map_lookup_elem(fd, &b, &table[b]), 0);
}

static inline void buckets_write(struct bpf_object *obj, const uint32_t table[IPMP_BUCKETS])
{
	for (uint32_t b = 0; b < IPMP_BUCKETS; b++)
		map_put(obj, "buckets", &b, &table[b]);
}

/* tx_set of these members (the buckets stay as they are). */
static inline void tx_only_put(struct bpf_object *obj, uint32_t n, const uint32_t *ifindexes)
{
	struct ipmp_tx_set tx = { .count = n };
	uint32_t zero = 0;

	for (uint32_t i = 0; i < n; i++)
		tx.slot[i] = slot_of(obj, ifindexes[i]);
	map_put(obj, "tx_set", &zero, &tx);
}

/* tx_set of these members, then the buckets spread over them as the agent does (lib/buckets.c). */
static inline void tx_set_put(struct bpf_object *obj, uint32_t n, const uint32_t *ifindexes)
{
	uint32_t mask = 0, table[IPMP_BUCKETS];

	tx_only_put(obj, n, ifindexes);
	for (uint32_t i = 0; i < n; i++)
		mask |= 1u << slot_of(obj, ifindexes[i]);
	buckets_read(obj, table);
	buckets_assign(table, mask);
	buckets_write(obj, table);
}

/* The group, with the members nominated for IPv4 broadcast and IPv6 multicast. */
static inline void cfg_put6(struct bpf_object *obj, uint32_t bcast_ifindex, uint32_t mcast6_ifindex)
{
	struct ipmp_group_cfg cfg = { .group_ifindex = GROUP_IFINDEX, .bcast_ifindex = bcast_ifindex,
				      .mcast6_ifindex = mcast6_ifindex,
				      .abi_version = IPMP_ABI_VERSION };
	uint32_t zero = 0;

	memcpy(cfg.group_mac, MAC_G, 6);
	map_put(obj, "group_cfg", &zero, &cfg);
}

static inline void cfg_put(struct bpf_object *obj, uint32_t nominated)
{
	cfg_put6(obj, nominated, nominated);
}

static inline uint64_t drops(struct bpf_object *obj, uint32_t reason)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t vals[ncpu], sum = 0;
	int fd = bpf_map__fd(bpf_object__find_map_by_name(obj, "drops"));

	assert_int_equal(bpf_map_lookup_elem(fd, &reason, vals), 0);
	for (int i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}

static inline int setup(void **state)
{
	static struct fixture f;
	uint32_t both[] = { M_A, M_B };

	f.egress = group_egress__open();
	f.ingress = member_ingress__open();
	assert_non_null(f.egress);
	assert_non_null(f.ingress);
	unpin_all(f.egress->obj);
	unpin_all(f.ingress->obj);
	assert_int_equal(group_egress__load(f.egress), 0);
	assert_int_equal(member_ingress__load(f.ingress), 0);

	cfg_put(f.egress->obj, M_A);
	member_put(f.egress->obj, M_A, 0, IPMP_MEMBER_ACTIVE, MAC_A);
	member_put(f.egress->obj, M_B, 1, IPMP_MEMBER_ACTIVE, MAC_B);
	tx_set_put(f.egress->obj, 2, both);
	binding_put(f.egress->obj, DATA1, M_A);
	binding_put(f.egress->obj, DATA2, M_B);
	binding_put(f.egress->obj, DATA6_1, M_A);
	binding_put(f.egress->obj, DATA6_2, M_B);

	cfg_put(f.ingress->obj, LO);	/* lo is the nominated member */
	member_put(f.ingress->obj, LO, 0, IPMP_MEMBER_ACTIVE, MAC_A);
	binding_put(f.ingress->obj, DATA1, LO);
	binding_put(f.ingress->obj, DATA2, M_B);
	binding_put(f.ingress->obj, DATA6_1, LO);
	binding_put(f.ingress->obj, DATA6_2, M_B);
	*state = &f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fixture *f = *state;

	group_egress__destroy(f->egress);
	member_ingress__destroy(f->ingress);
	return 0;
}

static inline int run(int prog_fd, const struct frame *in, struct frame *out)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in->b, .data_size_in = in->len,
		    .data_out = out->b, .data_size_out = sizeof(out->b), .repeat = 1);

	assert_int_equal(bpf_prog_test_run_opts(prog_fd, &opts), 0);
	out->len = opts.data_size_out;
	return opts.retval;
}

static inline int egress_fd(struct fixture *f)
{
	return bpf_program__fd(f->egress->progs.group_egress);
}

static inline int ingress_fd(struct fixture *f)
{
	return bpf_program__fd(f->ingress->progs.member_ingress);
}

#endif
