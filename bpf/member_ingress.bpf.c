// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * member_ingress: tc ingress on every member. Decides which frames belong
 * to the group interface and hands them over; the rest (test-address
 * traffic) stays on the member.
 *
 *  - unicast IPv4 or ARP for a data address, sent to this member's MAC:
 *    destination MAC rewritten to the group's, handed to the group: to
 *    the egress of its veth peer, so it crosses the veth and is counted and
 *    captured on the group interface (or, datapath = direct, to the group
 *    interface's ingress: group_cfg.deliver_*);
 *  - broadcast/multicast IPv4, and broadcast ARP asking for a data
 *    address: handed to the group only by the nominated member, dropped
 *    (counted) on the others, so the group sees each such frame once and
 *    no member answers ARP for a data address with its own MAC;
 *  - other broadcast ARP (peers announcing themselves, requests for test
 *    addresses): the member keeps it, and the nominated member also gives
 *    the group a copy so the group's neighbour cache hears it;
 *  - ARP sent from a data address, and broadcast/multicast IPv4 from one:
 *    the group's own frames, flooded back by the switch to the other
 *    members; dropped (counted), never handed to anyone.
 *  - IPv6 the same way: unicast for a data address goes to the group;
 *    multicast from a data address is the group's own, dropped; a
 *    neighbour solicitation for a data address goes to the group from the
 *    member nominated for IPv6 multicast only; other multicast (ND for the
 *    members' own link-local test addresses, RAs, MLD queries) stays on
 *    the member, and the nominated member gives the group a copy.
 * Without a configured group (agent not started yet) every frame passes.
 *
 * First of all, on a member whose probe_cfg says in_tc (xdp = off: no XDP
 * program there), answers to the agent's probes are recognised, stamped
 * and consumed here, exactly as member_xdp would (probe_reply.h).
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include "parse.h"
#include "maps.bpf.h"
#include "probe_maps.bpf.h"
#include "probe_reply.h"

/* Enough of a frame for any probe reply's headers: Ethernet, 2 VLAN tags, IPv4 with options, ICMP, payload. */
#define PROBE_PULL	128

char LICENSE[] SEC("license") = "Dual BSD/GPL";

static __always_inline int to_group(struct __sk_buff *skb, struct ethhdr *eth,
				    struct ipmp_group_cfg *cfg, struct ipmp_member_info *me, int unicast)
{
	if (unicast)
		__builtin_memcpy(eth->h_dest, cfg->group_mac, ETH_ALEN);
	count_member(me->slot, skb->len, 1);
	if (cfg->deliver_ifindex)
		return bpf_redirect(cfg->deliver_ifindex, cfg->deliver_flags & BPF_F_INGRESS);
	return bpf_redirect(cfg->group_ifindex, BPF_F_INGRESS);
}

static __always_inline int copy_to_group(struct __sk_buff *skb, struct ipmp_group_cfg *cfg)
{
	if (bpf_clone_redirect(skb, cfg->deliver_ifindex ?: cfg->group_ifindex,
			       cfg->deliver_ifindex ? cfg->deliver_flags & BPF_F_INGRESS : BPF_F_INGRESS))
		count_drop(IPMP_DROP_REDIRECT);
	return TC_ACT_OK;
}

SEC("tc")
int member_ingress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ipmp_member_info *me;
	struct ipmp_group_cfg *cfg;
	struct arp_eth_ipv4 *body;
	__u32 ifindex = skb->ifindex;
	int multicast, nominated;
	struct cursor c;
	struct ethhdr *eth;
	struct iphdr *ip;
	struct ipv6hdr_ *ip6;
	struct icmp6hdr_ *icmp;
	struct ipmp_probe_cfg *pcfg = NULL;
	__u32 zero = 0, *in_tc;
	__u8 *ns;

	in_tc = bpf_map_lookup_elem(&probe_tc, &zero);
	if (in_tc && *in_tc)
		pcfg = bpf_map_lookup_elem(&probe_cfg, &ifindex);
	if (pcfg && pcfg->in_tc) {
		if (data + PROBE_PULL > data_end && skb->len > data_end - data)
			bpf_skb_pull_data(skb, skb->len < PROBE_PULL ? skb->len : PROBE_PULL);
		data = (void *)(long)skb->data;
		data_end = (void *)(long)skb->data_end;
		if (probe_reply_frame(data, data_end, ifindex) == PROBE_DROP)
			return TC_ACT_SHOT;
	}
	cfg = group_cfg_get();
	if (!cfg)
		return TC_ACT_OK;
	me = member_by_ifindex(ifindex);
	if (!me)
		return TC_ACT_OK;
	cursor_init(&c, data, data_end);
	eth = parse_eth(&c);
	if (!eth)
		return TC_ACT_OK;
	multicast = mac_is_multicast(eth->h_dest);
	if (!multicast && !mac_equal(eth->h_dest, me->mac))
		return TC_ACT_OK;	/* flooded copy for another NIC */
	nominated = ifindex == cfg->bcast_ifindex;

	if (eth->h_proto == bpf_htons(ETH_P_ARP)) {
		if (!parse_arp(&c, &body))
			return TC_ACT_OK;
		if (binding_ipv4(body->spa)) {
			count_drop(IPMP_DROP_LOOPED);
			return TC_ACT_SHOT;
		}
		if (!binding_ipv4(body->tpa))
			return multicast && nominated ? copy_to_group(skb, cfg) : TC_ACT_OK;
		if (multicast && !nominated) {
			count_drop(IPMP_DROP_NOT_NOMINATED);
			return TC_ACT_SHOT;
		}
		return to_group(skb, eth, cfg, me, !multicast);
	}
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		ip = parse_ipv4(&c);
		if (!ip)
			return TC_ACT_OK;
		if (multicast) {
			if (binding_ipv4((__u8 *)&ip->saddr)) {
				count_drop(IPMP_DROP_LOOPED);
				return TC_ACT_SHOT;
			}
			if (!nominated) {
				count_drop(IPMP_DROP_NOT_NOMINATED);
				return TC_ACT_SHOT;
			}
			return to_group(skb, eth, cfg, me, 0);
		}
		if (binding_ipv4((__u8 *)&ip->daddr))
			return to_group(skb, eth, cfg, me, 1);
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		ip6 = parse_ipv6(&c);
		if (!ip6)
			return TC_ACT_OK;
		if (!multicast)
			return binding_ipv6(ip6->daddr) ? to_group(skb, eth, cfg, me, 1) : TC_ACT_OK;
		if (binding_ipv6(ip6->saddr)) {
			count_drop(IPMP_DROP_LOOPED);
			return TC_ACT_SHOT;
		}
		nominated = ifindex == cfg->mcast6_ifindex;
		if (ip6->nexthdr == IPPROTO_ICMPV6_ && (icmp = cursor_take(&c, sizeof(*icmp))) &&
		    icmp->type == ND_NEIGHBOR_SOLICIT && (ns = cursor_take(&c, 4 + 16)) &&
		    binding_ipv6(ns + 4)) {
			if (!nominated) {
				count_drop(IPMP_DROP_NOT_NOMINATED);
				return TC_ACT_SHOT;
			}
			return to_group(skb, eth, cfg, me, 0);
		}
		return nominated ? copy_to_group(skb, cfg) : TC_ACT_OK;
	}
	return TC_ACT_OK;
}
