// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * group_egress: tc egress on the group interface. Every frame the host
 * sends through the group leaves through one member, carrying that
 * member's MAC; the group's own MAC never reaches the wire.
 *
 *  - ARP: the member bound to the sender address (addr_binding) sends it,
 *    with its MAC in the Ethernet source and in the ARP sender field, so
 *    peers learn the binding the agent chose.
 *  - IPv4: the flow (the kernel's 5-tuple hash) stays latched to one
 *    member while that member is active; a new flow, or one whose member
 *    stopped being active, is spread over tx_set by its hash.
 *  - Anything else (IPv6 until the group carries it) is dropped, counted.
 * No usable member: the frame is dropped and counted (IPMP_DROP_NO_MEMBER).
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include "parse.h"
#include "maps.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* tx_set's choice for this hash, if it is still active. */
static __always_inline struct ipmp_member_info *member_pick(__u32 hash, __u32 *ifindex)
{
	struct ipmp_member_info *m;
	struct ipmp_tx_set *tx;
	__u32 zero = 0, idx;

	tx = bpf_map_lookup_elem(&tx_set, &zero);
	if (!tx || !tx->count || tx->count > IPMP_MAX_MEMBERS)
		return NULL;
	idx = hash % tx->count;
	barrier_var(idx);	/* keep the check below: the verifier cannot follow % */
	if (idx >= IPMP_MAX_MEMBERS)
		return NULL;
	*ifindex = tx->ifindex[idx];
	m = bpf_map_lookup_elem(&members, ifindex);
	return m && (m->flags & IPMP_MEMBER_ACTIVE) ? m : NULL;
}

static __always_inline struct ipmp_member_info *member_active(__u32 ifindex)
{
	struct ipmp_member_info *m = bpf_map_lookup_elem(&members, &ifindex);

	return m && (m->flags & IPMP_MEMBER_ACTIVE) ? m : NULL;
}

/* The member a flow is latched to; latch a new one when there is none. */
static __always_inline struct ipmp_member_info *flow_member(struct __sk_buff *skb, __u32 *ifindex)
{
	__u32 hash = bpf_get_hash_recalc(skb);
	struct ipmp_member_info *m;
	struct ipmp_flow *flow, latch = {};

	flow = bpf_map_lookup_elem(&flows, &hash);
	if (flow) {
		m = member_active(flow->ifindex);
		if (m) {
			*ifindex = flow->ifindex;
			return m;
		}
	}
	m = member_pick(hash, ifindex);
	if (!m)
		return NULL;
	latch.ifindex = *ifindex;
	bpf_map_update_elem(&flows, &hash, &latch, BPF_ANY);
	return m;
}

/* The member bound to the ARP sender address; any active one otherwise. */
static __always_inline struct ipmp_member_info *arp_member(struct arp_eth_ipv4 *body,
							   __u32 *ifindex)
{
	struct ipmp_binding *b = binding_ipv4(body->spa);
	struct ipmp_member_info *m;
	__u32 hash;

	if (b) {
		m = member_active(b->ifindex);
		if (m) {
			*ifindex = b->ifindex;
			return m;
		}
	}
	__builtin_memcpy(&hash, body->tpa, sizeof(hash));
	return member_pick(hash, ifindex);
}

SEC("tc")
int group_egress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ipmp_member_info *m = NULL;
	struct arp_eth_ipv4 *body;
	struct cursor c;
	struct ethhdr *eth;
	__u32 ifindex = 0;
	int is_arp = 0;

	cursor_init(&c, data, data_end);
	eth = parse_eth(&c);
	if (!eth) {
		count_drop(IPMP_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	if (eth->h_proto == bpf_htons(ETH_P_ARP)) {
		if (!parse_arp(&c, &body)) {
			count_drop(IPMP_DROP_MALFORMED);
			return TC_ACT_SHOT;
		}
		is_arp = 1;
		m = arp_member(body, &ifindex);
	} else if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		m = flow_member(skb, &ifindex);
	} else {
		count_drop(IPMP_DROP_UNSUPPORTED);
		return TC_ACT_SHOT;
	}
	if (!m) {
		count_drop(IPMP_DROP_NO_MEMBER);
		return TC_ACT_SHOT;
	}

	/* direct writes: the headers were bounds-checked while parsing */
	__builtin_memcpy(eth->h_source, m->mac, ETH_ALEN);
	if (is_arp)
		__builtin_memcpy(body->sha, m->mac, ETH_ALEN);
	count_member(m->slot, skb->len, 0);
	return bpf_redirect(ifindex, 0);
}
