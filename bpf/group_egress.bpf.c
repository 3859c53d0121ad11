// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * group_egress: at the tc ingress of the group interface's veth peer (the
 * frame has just crossed the veth, counted and captured on the group
 * interface), or with datapath = direct at the group interface's own tc
 * egress. Every frame the host sends through the group leaves through one
 * member, carrying that member's MAC; the group's own MAC never reaches
 * the wire.
 *
 *  - ARP: the member bound to the sender address (addr_binding) sends it,
 *    with its MAC in the Ethernet source and in the ARP sender field, so
 *    peers learn the binding the agent chose.
 *  - IPv6 neighbour discovery (RS, NS, NA, redirect): like ARP, sent by
 *    the member bound to the address it speaks for (an NA's target, else
 *    the source; for a DAD probe from ::, its target), else by the member
 *    nominated for IPv6 multicast; that member's MAC goes in the Ethernet
 *    source and in the source/target link-layer address option, with the
 *    ICMPv6 checksum fixed.
 *  - IPv4 broadcast/multicast and IPv6 multicast (MLD reports too): the
 *    member nominated for it, so a snooping switch learns that member's
 *    port; any active member while there is no nominee.
 *  - other IPv4 and IPv6: the flow's bucket (the kernel's 5-tuple hash
 *    picks one) names its member; the agent spreads the buckets evenly
 *    over the active members and moves as few as it can (maps.h).
 *  - A DHCP client's message (IPv4, UDP 68 to 67) gets the BOOTP broadcast
 *    flag, so the server's answer is broadcast and reaches the group
 *    through the nominee: addressed to the client's hardware address, the
 *    group's MAC, it would reach no member (that MAC never is on the wire).
 *  - Anything else is dropped, counted.
 * No usable member: the frame is dropped and counted (IPMP_DROP_NO_MEMBER).
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/pkt_cls.h>
#include "parse.h"
#include "maps.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define DHCP_CLIENT_PORT	68
#define DHCP_SERVER_PORT	67
#define BOOTP_FLAGS_OFF		10	/* after op, htype, hlen, hops, xid, secs */
#define BOOTP_BROADCAST		0x8000

/*
 * Where a DHCP client message's BOOTP flags and UDP checksum are (offsets
 * from the frame's start), or 0: not one. The cursor is past the IPv4 header.
 */
static __always_inline __u32 dhcp_flags_at(struct cursor *c, void *data, struct iphdr *ip,
					    __u32 *check_at)
{
	struct udphdr_ {
		__be16 source, dest, len, check;
	} *udp;
	__u8 *bootp;

	if (ip->protocol != IPPROTO_UDP || (ip->frag_off & bpf_htons(0x3fff)))
		return 0;
	udp = cursor_take(c, sizeof(*udp));
	if (!udp || udp->source != bpf_htons(DHCP_CLIENT_PORT) || udp->dest != bpf_htons(DHCP_SERVER_PORT))
		return 0;
	bootp = cursor_take(c, BOOTP_FLAGS_OFF + 2);
	if (!bootp)
		return 0;
	*check_at = (__u32)((void *)&udp->check - data);
	return (__u32)((void *)(bootp + BOOTP_FLAGS_OFF) - data);
}

/* Set the broadcast flag; the UDP checksum follows (none stays none). */
static __always_inline void dhcp_broadcast(struct __sk_buff *skb, __u32 flags_at, __u32 check_at)
{
	__be16 old, new;

	if (bpf_skb_load_bytes(skb, flags_at, &old, sizeof(old)))
		return;
	new = old | bpf_htons(BOOTP_BROADCAST);
	if (new == old)
		return;
	bpf_skb_store_bytes(skb, flags_at, &new, sizeof(new), 0);
	bpf_l4_csum_replace(skb, check_at, old, new, sizeof(new) | BPF_F_MARK_MANGLED_0);
}

/*
 * tx_set's choice for this hash: its entry, or the next active one after
 * it. The agent writes members before tx_set, so for a moment tx_set may
 * still name a member that has just stopped being active (or, the other
 * way, one not yet marked active): that entry is passed over, not the
 * frame dropped.
 */
static __always_inline struct ipmp_member_info *member_pick(__u32 hash, __u32 *ifindex)
{
	struct ipmp_member_info *m;
	struct ipmp_tx_set *tx;
	__u32 zero = 0, count, idx;

	tx = bpf_map_lookup_elem(&tx_set, &zero);
	if (!tx || !tx->count || tx->count > IPMP_MAX_MEMBERS)
		return NULL;
	count = tx->count;
	for (__u32 i = 0; i < IPMP_MAX_MEMBERS; i++) {
		if (i >= count)
			return NULL;
		idx = (hash + i) % count;
		barrier_var(idx);	/* keep the check below: the verifier cannot follow % */
		if (idx >= IPMP_MAX_MEMBERS)
			return NULL;
		m = if_active(member_at(tx->slot[idx]));
		if (m) {
			*ifindex = m->ifindex;
			return m;
		}
	}
	return NULL;
}

/*
 * A flow's member: the one its bucket names (include/ipmp/maps.h), or,
 * while the agent has not yet given a bucket of a member that stopped
 * being active to another, tx_set's choice.
 */
static __always_inline struct ipmp_member_info *flow_member(struct __sk_buff *skb, __u32 *ifindex)
{
	/*
	 * A local socket's frames carry their hash already (the socket's,
	 * l4), which is what the helper would return: read, not called for.
	 */
	__u32 hash = skb->hash ?: bpf_get_hash_recalc(skb);
	__u32 bucket = hash & (IPMP_BUCKETS - 1), *slot;
	struct ipmp_member_info *m;

	slot = bpf_map_lookup_elem(&buckets, &bucket);
	m = slot ? if_active(member_at(*slot)) : NULL;
	if (!m)
		return member_pick(hash, ifindex);
	*ifindex = m->ifindex;
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

/*
 * The member that sends an ND message: the one bound to the address the
 * message speaks for (first), or to the other one, else the member
 * nominated for IPv6 multicast, else any active one.
 */
static __always_inline struct ipmp_member_info *nd_member(const __u8 *first, const __u8 *second,
							  __u32 *ifindex)
{
	struct ipmp_binding *b = binding_ipv6(first);
	struct ipmp_group_cfg *cfg;
	struct ipmp_member_info *m;
	__u32 hash;

	if (!b && second)
		b = binding_ipv6(second);
	if (b) {
		m = member_active(b->ifindex);
		if (m) {
			*ifindex = b->ifindex;
			return m;
		}
	}
	cfg = group_cfg_get();
	if (cfg && cfg->mcast6_ifindex) {
		m = member_active(cfg->mcast6_ifindex);
		if (m) {
			*ifindex = cfg->mcast6_ifindex;
			return m;
		}
	}
	__builtin_memcpy(&hash, first + 12, sizeof(hash));
	return member_pick(hash, ifindex);
}

/*
 * Put mac in every link-layer address option of type want (at most
 * ND_OPTS_MAX options are looked at), fixing the checksum word by word.
 * -1 for a malformed option list.
 */
static __always_inline int nd_set_lladdr(struct cursor *c, struct icmp6hdr_ *icmp, __u8 want,
					 const __u8 *mac)
{
#pragma unroll
	for (int i = 0; i < ND_OPTS_MAX; i++) {
		struct nd_opt_ll *opt = c->pos;
		__u32 len;

		if (c->pos >= c->end)
			return 0;
		if ((void *)opt + 2 > c->end)
			return -1;
		len = opt->len * 8;
		if (!len)
			return -1;	/* RFC 4861: a zero length is invalid */
		if (opt->type == want && len == sizeof(*opt)) {
			if ((void *)(opt + 1) > c->end)
				return -1;
#pragma unroll
			for (int w = 0; w < ETH_ALEN / 2; w++) {
				__u16 old, new;

				__builtin_memcpy(&old, opt->mac + 2 * w, 2);
				__builtin_memcpy(&new, mac + 2 * w, 2);
				csum_replace16(&icmp->checksum, old, new);
				__builtin_memcpy(opt->mac + 2 * w, &new, 2);
			}
		}
		if (!cursor_take(c, len))
			return -1;
	}
	return 0;
}

/* Multicast leaves through the family's nominee (spec 1.3.3); a flow otherwise. */
static __always_inline struct ipmp_member_info *mcast_member(struct __sk_buff *skb, int v6,
							     __u32 *ifindex)
{
	struct ipmp_group_cfg *cfg = group_cfg_get();
	struct ipmp_member_info *m;
	__u32 nominee;

	if (cfg) {
		nominee = v6 ? cfg->mcast6_ifindex : cfg->bcast_ifindex;
		m = nominee ? member_active(nominee) : NULL;
		if (m) {
			*ifindex = nominee;
			return m;
		}
	}
	return flow_member(skb, ifindex);
}

SEC("tc")
int group_egress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ipmp_member_info *m = NULL;
	struct icmp6hdr_ *icmp = NULL;
	struct arp_eth_ipv4 *body;
	struct ipv6hdr_ *ip6;
	struct cursor c;
	struct ethhdr *eth;
	__u32 ifindex = 0, dhcp_at = 0, check_at = 0;
	struct iphdr *ip;
	int is_arp = 0, fixed;
	__u8 *nd = NULL;

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
		ip = parse_ipv4(&c);
		if (ip)
			dhcp_at = dhcp_flags_at(&c, data, ip, &check_at);
		m = mac_is_multicast(eth->h_dest) ? mcast_member(skb, 0, &ifindex) :
						    flow_member(skb, &ifindex);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		ip6 = parse_ipv6(&c);
		if (!ip6) {
			count_drop(IPMP_DROP_MALFORMED);
			return TC_ACT_SHOT;
		}
		if (ip6->nexthdr == IPPROTO_ICMPV6_) {
			icmp = cursor_take(&c, sizeof(*icmp));
			fixed = icmp ? nd_fixed_len(icmp->type) : -1;
			if (fixed < 0)
				icmp = NULL;	/* not ND: an ordinary flow */
			else if (!(nd = cursor_take(&c, fixed))) {
				count_drop(IPMP_DROP_MALFORMED);
				return TC_ACT_SHOT;
			}
		}
		if (!icmp)
			m = mac_is_multicast(eth->h_dest) ? mcast_member(skb, 1, &ifindex) :
							    flow_member(skb, &ifindex);
		else if (icmp->type == ND_NEIGHBOR_ADVERT)
			m = nd_member(nd + 4, ip6->saddr, &ifindex);
		else
			m = nd_member(ip6->saddr, icmp->type == ND_ROUTER_SOLICIT ? NULL : nd + 4,
				      &ifindex);
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
	if (icmp && nd_set_lladdr(&c, icmp, icmp->type == ND_NEIGHBOR_ADVERT ? ND_OPT_TARGET_LL :
							     ND_OPT_SOURCE_LL, m->mac)) {
		count_drop(IPMP_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	count_member(m->slot, skb->len, 0);
	if (dhcp_at)	/* last: the helper moves the frame, the pointers above are spent */
		dhcp_broadcast(skb, dhcp_at, check_at);
	return bpf_redirect(ifindex, 0);
}
