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
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, IPMP_MAX_MEMBERS);
	__type(key, __u32);
	__type(value, struct ipmp_member_info);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} members SEC(".maps");

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
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, IPMP_MAX_FLOWS);
	__type(key, __u32);
	__type(value, struct ipmp_flow);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} flows SEC(".maps");

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

static __always_inline struct ipmp_binding *binding_ipv4(const __u8 *addr)
{
	struct ipmp_addr_key key = { .family = IPMP_AF_INET };

	__builtin_memcpy(key.addr, addr, 4);
	return bpf_map_lookup_elem(&addr_binding, &key);
}

static __always_inline struct ipmp_binding *binding_ipv6(const __u8 *addr)
{
	struct ipmp_addr_key key = { .family = IPMP_AF_INET6 };

	__builtin_memcpy(key.addr, addr, 16);
	return bpf_map_lookup_elem(&addr_binding, &key);
}

#endif /* IPMP_MAPS_BPF_H */
