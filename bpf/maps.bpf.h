/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The group's maps, declared once for every program of the group. They are
 * pinned by name (LIBBPF_PIN_BY_NAME) under the group's bpffs directory, so
 * the programs of one group share them and a restarted agent finds them.
 * Keys, values and who writes what: include/ipmp/maps.h.
 */
#ifndef IPMP_MAPS_BPF_H
#define IPMP_MAPS_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <ipmp/maps.h>
#include "count.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ipmp_group_cfg);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} group_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, IPMP_MAX_MEMBERS);
	__type(key, __u32);
	__type(value, struct ipmp_member_info);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} members SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, IPMP_MEMBER_INDEX);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} member_index SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ipmp_tx_set);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tx_set SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, IPMP_MAX_ADDRS);
	__type(key, struct ipmp_addr_key);
	__type(value, struct ipmp_binding);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} addr_binding SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, IPMP_ADDR_INDEX);
	__type(key, __u32);
	__type(value, struct ipmp_addr_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} addr_index SEC(".maps");

/* mmapable: the agent writes its buckets in place (aligned 32-bit stores), no system call */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, IPMP_BUCKETS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} buckets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IPMP_MAX_MEMBERS);
	__type(key, __u32);
	__type(value, struct ipmp_member_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IPMP_DROP__MAX);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} drops SEC(".maps");

/* For the next agent only (include/ipmp/maps.h): no program touches these. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ipmp_abi);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} abi SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ipmp_agent_state);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} agent_state SEC(".maps");

static __always_inline void count_drop(__u32 reason)
{
	count_in(&drops, reason);
}

static __always_inline void count_member(__u32 slot, __u32 bytes, int rx)
{
	struct ipmp_member_stats *s = bpf_map_lookup_elem(&stats, &slot);

	if (!s)
		return;
	if (rx) {
		s->rx_packets++;
		s->rx_bytes += bytes;
	} else {
		s->tx_packets++;
		s->tx_bytes += bytes;
	}
}

static __always_inline struct ipmp_group_cfg *group_cfg_get(void)
{
	__u32 zero = 0;
	struct ipmp_group_cfg *cfg = bpf_map_lookup_elem(&group_cfg, &zero);

	return cfg && cfg->group_ifindex ? cfg : NULL;
}

static __always_inline struct ipmp_member_info *member_at(__u32 slot)
{
	struct ipmp_member_info *m = bpf_map_lookup_elem(&members, &slot);

	return m && m->ifindex ? m : NULL;
}

/* The member whose netdev is ifindex: through member_index, else a walk of members. */
static __always_inline struct ipmp_member_info *member_by_ifindex(__u32 ifindex)
{
	__u32 idx = ifindex & (IPMP_MEMBER_INDEX - 1), *slot1;
	struct ipmp_member_info *m;

	slot1 = bpf_map_lookup_elem(&member_index, &idx);
	if (slot1 && *slot1) {
		m = member_at(*slot1 - 1);
		if (m && m->ifindex == ifindex)
			return m;
	}
	/* two members share that entry (rare): the other is found by looking */
	for (__u32 s = 0; s < IPMP_MAX_MEMBERS; s++) {
		m = member_at(s);
		if (m && m->ifindex == ifindex)
			return m;
	}
	return NULL;
}

/* m if it carries data (IPMP_MEMBER_ACTIVE), else NULL */
static __always_inline struct ipmp_member_info *if_active(struct ipmp_member_info *m)
{
	return m && (m->flags & IPMP_MEMBER_ACTIVE) ? m : NULL;
}

static __always_inline struct ipmp_member_info *member_active(__u32 ifindex)
{
	return if_active(member_by_ifindex(ifindex));
}

static __always_inline struct ipmp_binding *binding_hashed(const __u8 *addr, __u8 family)
{
	struct ipmp_addr_key key = { .family = family };

	if (family == IPMP_AF_INET)
		__builtin_memcpy(key.addr, addr, 4);
	else
		__builtin_memcpy(key.addr, addr, 16);
	return bpf_map_lookup_elem(&addr_binding, &key);
}

/* The binding of an IPv4 address: its addr_index entry, or addr_binding when shared. */
static __always_inline struct ipmp_binding *binding_ipv4(const __u8 *addr)
{
	struct ipmp_addr_entry *e;
	__u32 a, idx, got;

	__builtin_memcpy(&a, addr, 4);
	idx = ipmp_addr_index_v4(a);
	e = bpf_map_lookup_elem(&addr_index, &idx);
	if (!e)
		return NULL;
	__builtin_memcpy(&got, e->addr, 4);
	if (e->family == IPMP_AF_INET && got == a)
		return &e->b;
	return e->more ? binding_hashed(addr, IPMP_AF_INET) : NULL;
}

static __always_inline struct ipmp_binding *binding_ipv6(const __u8 *addr)
{
	struct ipmp_addr_entry *e;
	__u32 a[4], got[4], idx;

	__builtin_memcpy(a, addr, 16);
	idx = ipmp_addr_index_v6(a[0], a[1], a[2], a[3]);
	e = bpf_map_lookup_elem(&addr_index, &idx);
	if (!e)
		return NULL;
	__builtin_memcpy(got, e->addr, 16);
	if (e->family == IPMP_AF_INET6 && got[0] == a[0] && got[1] == a[1] && got[2] == a[2] &&
	    got[3] == a[3])
		return &e->b;
	return e->more ? binding_hashed(addr, IPMP_AF_INET6) : NULL;
}

#endif /* IPMP_MAPS_BPF_H */
