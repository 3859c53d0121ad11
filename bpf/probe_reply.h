/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Recognising the answers to the agent's probes (include/ipmp/probe.h),
 * shared by member_xdp (XDP, the earliest point a reply is seen) and
 * member_ingress (tc ingress, for a member whose config says xdp = off).
 * The caller includes parse.h, count.h and probe_maps.bpf.h, and turns
 * PROBE_DROP into its own drop verdict.
 */
#ifndef IPMP_PROBE_REPLY_H
#define IPMP_PROBE_REPLY_H

#include <linux/in.h>
#include <ipmp/siphash.h>

#define PROBE_PASS	0	/* not ours: on to the stack */
#define PROBE_DROP	1	/* ours, reported or refused: nobody else sees it */

/* Set before load; a test that runs a million frames at once lifts them. */
const volatile __u32 probe_events_per_window = IPMP_PROBE_EVENTS_PER_WINDOW;
const volatile __u32 probe_discovery_per_window = IPMP_PROBE_DISCOVERY_PER_WINDOW;

/*
 * The member's budget for this window (per CPU, so no lock): a flood of
 * replies, even valid-looking ones, reaches the agent at a bounded rate.
 * Answers to the all-hosts echo, whose tag every host saw, have a small
 * budget of their own, so copying them cannot crowd out real replies.
 */
static __always_inline int budget_take(const struct ipmp_probe_cfg *cfg, __u32 kind, __u64 now)
{
	__u32 slot = cfg->slot;
	struct ipmp_probe_budget *b = bpf_map_lookup_elem(&probe_budget, &slot);

	if (!b)
		return 1;
	if (now - b->window_ns >= IPMP_PROBE_WINDOW_NS) {
		b->window_ns = now;
		b->events = 0;
		b->discovery = 0;
	}
	if (kind == IPMP_PROBE_MULTI) {
		if (b->discovery >= probe_discovery_per_window)
			return 0;
		b->discovery++;
	}
	if (b->events >= probe_events_per_window)
		return 0;
	b->events++;
	return 1;
}

static __always_inline int report(const struct ipmp_probe_cfg *cfg, __u32 ifindex, __u32 kind,
				  __u16 seq, __u64 sent_ns, const void *src, int v6)
{
	struct ipmp_probe_event *ev;
	__u64 now = bpf_ktime_get_ns();

	if (!budget_take(cfg, kind, now)) {
		count_in(&probe_stats, IPMP_PROBE_STAT_RATELIMITED);
		return PROBE_DROP;
	}
	ev = bpf_ringbuf_reserve(&probe_events, sizeof(*ev), 0);
	if (!ev) {
		count_in(&probe_stats, IPMP_PROBE_STAT_RINGBUF_FULL);
		return PROBE_DROP;
	}
	ev->rx_ns = now;
	ev->sent_ns = sent_ns;
	ev->ifindex = ifindex;
	ev->kind = kind;
	ev->seq = seq;
	ev->family = v6 ? IPMP_AF_INET6 : IPMP_AF_INET;
	ev->pad = 0;
	__builtin_memset(ev->src, 0, sizeof(ev->src));
	__builtin_memset(ev->pad2, 0, sizeof(ev->pad2));
	if (v6)
		__builtin_memcpy(ev->src, src, 16);
	else
		__builtin_memcpy(ev->src, src, 4);
	bpf_ringbuf_submit(ev, 0);
	count_in(&probe_stats, IPMP_PROBE_STAT_REPLIES);
	return PROBE_DROP;
}

/* One of the targets the agent probed lately (ARP and NS carry no tag). */
static __always_inline int arp_target(const struct ipmp_probe_cfg *cfg, const __u8 *spa)
{
	__u32 a = *(const __u32 *)spa;

#pragma unroll
	for (int i = 0; i < IPMP_PROBE_FILTER_TARGETS; i++)
		if (i < cfg->narp_targets && a == *(const __u32 *)cfg->arp_targets[i])
			return 1;
	return 0;
}

/* The answer to our RFC 5227 probe: a reply to our MAC, for IP 0.0.0.0, from a target. */
static __always_inline int arp_reply(struct cursor *c, struct ipmp_probe_cfg *cfg, __u32 ifindex)
{
	struct arp_eth_ipv4 *body;
	struct arphdr *arp = parse_arp(c, &body);

	if (!arp || arp->ar_op != bpf_htons(ARPOP_REPLY) || *(__u32 *)body->tpa != 0 ||
	    !mac_equal(body->tha, cfg->mac) || !arp_target(cfg, body->spa))
		return PROBE_PASS;
	return report(cfg, ifindex, IPMP_PROBE_ARP, 0, 0, body->spa, 0);
}

/*
 * The payload's tag decides: the one the agent computed for this probe,
 * or a forgery (counted, dropped). Replies to the all-hosts probe come
 * from anyone; their tag is bound to the group the probe went to.
 */
static __always_inline int echo_reply(struct cursor *c, struct ipmp_probe_cfg *cfg,
				      struct icmp_echo *icmp, __u32 ifindex, const __u8 *src, int v6)
{
	struct ipmp_probe_payload *payload = cursor_take(c, sizeof(*payload));
	__u8 group[16] = {};
	__u64 sent_ns, want;
	__u16 kind;

	if (!payload)
		return PROBE_PASS;	/* too short to be one of ours (spec 3.9) */
	kind = bpf_ntohl(payload->kind);
	sent_ns = bpf_be64_to_cpu(payload->sent_ns);
	if (kind == IPMP_PROBE_MULTI) {
		if (v6) {
			group[0] = 0xff, group[1] = 0x02, group[15] = 1;	/* ff02::1 */
		} else {
			group[0] = 224, group[3] = 1;			/* 224.0.0.1 */
		}
		want = ipmp_probe_tag(cfg->key, v6 ? IPMP_AF_INET6 : IPMP_AF_INET, kind, icmp->id,
				      bpf_ntohs(icmp->seq), sent_ns, group);
	} else {
		want = ipmp_probe_tag(cfg->key, v6 ? IPMP_AF_INET6 : IPMP_AF_INET, kind, icmp->id,
				      bpf_ntohs(icmp->seq), sent_ns, src);
	}
	if (payload->tag != want) {
		count_in(&probe_stats, IPMP_PROBE_STAT_SPOOFED);
		return PROBE_DROP;
	}
	return report(cfg, ifindex, kind, bpf_ntohs(icmp->seq), sent_ns, src, v6);
}

static __always_inline int addr6_equal(const __u8 *a, const __u8 *b)
{
	const __u32 *x = (const __u32 *)a, *y = (const __u32 *)b;

	return x[0] == y[0] && x[1] == y[1] && x[2] == y[2] && x[3] == y[3];
}

static __always_inline int ns_target(const struct ipmp_probe_cfg *cfg, const __u8 *target)
{
#pragma unroll
	for (int i = 0; i < IPMP_PROBE_FILTER_TARGETS; i++)
		if (i < cfg->nns_targets && addr6_equal(target, cfg->ns_targets[i]))
			return 1;
	return 0;
}

/* A solicited NA to our NS probe, for one of the targets probed lately. */
static __always_inline int na_reply(struct cursor *c, const struct ipmp_probe_cfg *cfg,
				    struct icmp_echo *icmp, __u32 ifindex)
{
	__u8 *target = cursor_take(c, 16);
	__u8 flags = ((__u8 *)&icmp->id)[0];

	if (!target || !(flags & 0x40) || !ns_target(cfg, target))	/* solicited */
		return PROBE_PASS;
	return report(cfg, ifindex, IPMP_PROBE_NA, 0, 0, target, 1);
}

/*
 * An ICMPv6 echo reply (or, for NS probing, a solicited NA) to the
 * member's link-local test address (spec 3.19).
 */
static __always_inline int icmp6_reply(struct cursor *c, __u32 ifindex)
{
	struct ipmp_probe_cfg *cfg;
	struct icmp_echo *icmp;
	struct ipv6hdr_ *ip6 = parse_ipv6(c);

	/* nothing between the header and ICMPv6: no routing header in particular */
	if (!ip6 || ip6->nexthdr != IPPROTO_ICMPV6_)
		return PROBE_PASS;
	if (ip6->saddr[0] != 0xfe || (ip6->saddr[1] & 0xc0) != 0x80)
		return PROBE_PASS;	/* replies come from link-local sources only */
	icmp = cursor_take(c, sizeof(*icmp));
	if (!icmp || icmp->code != 0)
		return PROBE_PASS;
	cfg = bpf_map_lookup_elem(&probe_cfg, &ifindex);
	if (!cfg || !addr6_equal(ip6->daddr, cfg->test_addr6))
		return PROBE_PASS;
	if (cfg->method6 == IPMP_PROBE_METHOD_NS)
		return icmp->type == ND_NEIGHBOR_ADVERT ? na_reply(c, cfg, icmp, ifindex) : PROBE_PASS;
	if (icmp->type != ICMPV6_ECHO_REPLY_ || icmp->id != cfg->echo_id)
		return PROBE_PASS;
	return echo_reply(c, cfg, icmp, ifindex, ip6->saddr, 1);
}

/*
 * One frame that arrived on member ifindex: PROBE_DROP when it was an
 * answer to the agent's probe (reported, or refused and counted), which
 * nothing else must see; PROBE_PASS for everything else.
 */
static __always_inline int probe_reply_frame(void *data, void *data_end, __u32 ifindex)
{
	struct ipmp_probe_cfg *cfg;
	struct icmp_echo *icmp;
	struct ethhdr *eth;
	struct iphdr *ip;
	struct cursor c;
	__be16 proto;

	cursor_init(&c, data, data_end);
	eth = parse_eth(&c);
	if (!eth)
		return PROBE_PASS;
	proto = parse_vlans(&c, eth->h_proto);
	if (proto == bpf_htons(ETH_P_ARP)) {
		cfg = bpf_map_lookup_elem(&probe_cfg, &ifindex);
		if (!cfg || cfg->method != IPMP_PROBE_METHOD_ARP)
			return PROBE_PASS;
		return arp_reply(&c, cfg, ifindex);
	}
	if (proto == bpf_htons(ETH_P_IPV6))
		return icmp6_reply(&c, ifindex);
	if (proto != bpf_htons(ETH_P_IP))
		return PROBE_PASS;
	ip = parse_ipv4(&c);
	if (!ip || ip->protocol != IPPROTO_ICMP || (ip->frag_off & bpf_htons(0x3fff)))
		return PROBE_PASS;
	icmp = cursor_take(&c, sizeof(*icmp));
	if (!icmp || icmp->type != ICMP_ECHOREPLY || icmp->code != 0)
		return PROBE_PASS;
	cfg = bpf_map_lookup_elem(&probe_cfg, &ifindex);
	if (!cfg || cfg->method != IPMP_PROBE_METHOD_ICMP || icmp->id != cfg->echo_id)
		return PROBE_PASS;
	if (ip->daddr != *(__be32 *)cfg->test_addr)
		return PROBE_PASS;
	return echo_reply(&c, cfg, icmp, ifindex, (const __u8 *)&ip->saddr, 0);
}

#endif
