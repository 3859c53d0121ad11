/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Probes: the echo request the agent sends, and what the XDP program
 * (bpf/member_xdp.bpf.c) hands back for each reply it recognises.
 *
 *   map            type          key -> value                       written by  read by
 *   probe_cfg      hash          member ifindex -> ipmp_probe_cfg    agent       member_xdp,
 *                                                                               member_ingress
 *   probe_events   ringbuf       ipmp_probe_event records            member_xdp  agent
 *   probe_stats    percpu array  enum ipmp_probe_stat -> __u64       member_xdp  agent
 *   probe_budget   percpu array  member slot -> ipmp_probe_budget    member_xdp  member_xdp
 *
 * ICMP probing: a reply is the agent's when it arrives on a member with a
 * probe_cfg entry, is an ICMP echo reply to that member's test address,
 * carries the member's identifier and the probe's tag: SipHash-2-4 under
 * the agent's secret key of the probe's family, kind, identifier,
 * sequence, send time and target (include/ipmp/siphash.h), recomputed
 * here from what the reply echoes and where it comes from (for the
 * all-hosts probe, the group it went to). ICMPv6 the same,
 * to the member's link-local test address, from a link-local source, with
 * no extension header (so no routing header, spec 3.9).
 * ARP probing (no test address): the agent sends RFC 5227 probes (sender
 * IP 0.0.0.0); a reply is the agent's when it is an ARP reply to the
 * member's MAC with target IP 0.0.0.0, from one of the targets the agent
 * probed lately (arp_targets). ARP carries no sequence number or tag: the
 * agent pairs it with its newest outstanding probe to that target. NS
 * probing (IPv6 with probe = arp): the agent sends a neighbour
 * solicitation from the member's link-local address; the answer is a
 * solicited NA to that address for one of ns_targets, reported like an
 * ARP reply, with the NA's target as the source.
 * A flood cannot starve the agent: per member and CPU, at most
 * probe_events_per_window reports (and probe_discovery_per_window answers
 * to the all-hosts echo, which anyone may copy) go to the ring buffer in
 * each IPMP_PROBE_WINDOW_NS; the rest are dropped and counted.
 * Everything else passes untouched. Sequence window and source checks
 * are the agent's (spec 3.9).
 * Without the agent, replies are still timestamped into the ring buffer,
 * which simply fills; nothing waits on it.
 */
#ifndef IPMP_PROBE_ABI_H
#define IPMP_PROBE_ABI_H

#include <linux/types.h>

/* spec 3.7 message types, echoed back in the reply */
#define IPMP_PROBE_UNI		0x1234	/* failure detection */
#define IPMP_PROBE_MULTI	0x5678	/* target discovery */
#define IPMP_PROBE_RTT		0x9abc	/* RTT only */
#define IPMP_PROBE_ARP		0xa4b0	/* ARP probe reply (no payload to echo) */
#define IPMP_PROBE_NA		0xa4b6	/* neighbour advertisement answering an NS probe */

/* ipmp_probe_cfg.method (IPv4) and method6 */
#define IPMP_PROBE_METHOD_ICMP	0
#define IPMP_PROBE_METHOD_ARP	1	/* IPv4 only */
#define IPMP_PROBE_METHOD_NS	2	/* IPv6 only */

/* The echo request's data, after the 8-byte ICMP header (spec 3.7 + tag). */
struct ipmp_probe_payload {
	__be64 sent_ns;		/* CLOCK_MONOTONIC at send, big-endian */
	__be32 kind;		/* IPMP_PROBE_* */
	__u32 pad;
	__u64 tag;		/* ipmp_probe_tag() of this probe, host order (opaque on the wire) */
};

#define IPMP_PROBE_FILTER_TARGETS	8	/* ARP/NS targets probed lately, per member */

struct ipmp_probe_cfg {
	__u64 key[2];		/* the tag's key: drawn at agent start, never on the wire */
	__u16 echo_id;		/* network byte order, as on the wire */
	__u16 method;		/* IPMP_PROBE_METHOD_* */
	__u8 test_addr[4];	/* IPv4 test address of the member (ICMP) */
	__u8 mac[6];		/* the member's MAC (ARP) */
	__u8 in_tc;		/* no XDP on the member (xdp = off): member_ingress recognises replies */
	__u8 pad;
	__u8 test_addr6[16];	/* IPv6 link-local test address; all zero: no IPv6 probing */
	__u16 method6;		/* IPMP_PROBE_METHOD_ICMP or _NS */
	__u8 narp_targets;	/* entries of arp_targets in use */
	__u8 nns_targets;	/* entries of ns_targets in use */
	__u32 slot;		/* the member's slot: its probe_budget entry */
	__u8 arp_targets[IPMP_PROBE_FILTER_TARGETS][4];	/* ARP replies only from these */
	__u8 ns_targets[IPMP_PROBE_FILTER_TARGETS][16];	/* NAs only for these */
};

/* How much of a flood reaches the agent (defaults: probe_maps.bpf.h). */
#define IPMP_PROBE_WINDOW_NS		10000000ULL	/* 10 ms */
#define IPMP_PROBE_EVENTS_PER_WINDOW	16	/* replies per member and CPU */
#define IPMP_PROBE_DISCOVERY_PER_WINDOW	8	/* of which answers to the all-hosts echo */

struct ipmp_probe_budget {
	__u64 window_ns;	/* when the current window started */
	__u32 events;		/* reports in it */
	__u32 discovery;	/* answers to the all-hosts echo in it */
};

struct ipmp_probe_event {
	__u64 rx_ns;		/* bpf_ktime_get_ns() when XDP saw the reply */
	__u64 sent_ns;		/* echoed send time (0 for ARP) */
	__u32 ifindex;		/* member it arrived on */
	__u32 kind;		/* echoed IPMP_PROBE_* */
	__u16 seq;		/* echoed sequence, host order */
	__u8 family;		/* IPMP_AF_INET or IPMP_AF_INET6 */
	__u8 pad;
	__u8 src[16];		/* replying target */
	__u8 pad2[4];		/* zero: ring buffer memory is reused, never leaked */
};

enum ipmp_probe_stat {
	IPMP_PROBE_STAT_REPLIES = 0,	/* handed to the agent */
	IPMP_PROBE_STAT_SPOOFED,	/* our identifier, a tag that is not this probe's */
	IPMP_PROBE_STAT_RINGBUF_FULL,	/* recognised, but no room: dropped */
	IPMP_PROBE_STAT_RATELIMITED,	/* recognised, but over the member's budget: dropped */
	IPMP_PROBE_STAT__MAX,
};

#define IPMP_PROBE_RINGBUF_BYTES	(256 * 1024)

#endif /* IPMP_PROBE_ABI_H */
