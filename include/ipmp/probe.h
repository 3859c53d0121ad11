/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Probes: the echo request the agent sends, and what the XDP program
 * (bpf/member_xdp.bpf.c) hands back for each reply it recognises.
 *
 *   map            type          key -> value                       written by  read by
 *   probe_cfg      hash          member ifindex -> ipmp_probe_cfg    agent       member_xdp
 *   probe_events   ringbuf       ipmp_probe_event records            member_xdp  agent
 *   probe_stats    percpu array  enum ipmp_probe_stat -> __u64       member_xdp  agent
 *
 * ICMP probing: a reply is the agent's when it arrives on a member with a
 * probe_cfg entry, is an ICMP echo reply to that member's test address,
 * carries the member's identifier and the agent's nonce. ICMPv6 the same,
 * to the member's link-local test address, from a link-local source, with
 * no extension header (so no routing header, spec 3.9).
 * ARP probing (no test address): the agent sends RFC 5227 probes (sender
 * IP 0.0.0.0); a reply is the agent's when it is an ARP reply to the
 * member's MAC with target IP 0.0.0.0. ARP carries no sequence number or
 * nonce: the agent pairs it with its newest outstanding probe to that
 * target. NS probing (IPv6 with probe = arp): the agent sends a unicast
 * neighbour solicitation from the member's link-local address; the
 * answer is a solicited NA to that address, reported like an ARP reply,
 * with the NA's target as the source. Everything else passes untouched. Sequence window and source
 * checks are the agent's (spec 3.9).
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

/* The echo request's data, after the 8-byte ICMP header (spec 3.7 + nonce). */
struct ipmp_probe_payload {
	__be64 sent_ns;		/* CLOCK_MONOTONIC at send, big-endian */
	__be32 kind;		/* IPMP_PROBE_* */
	__u32 pad;
	__u64 nonce;		/* the agent's, per run; opaque bytes */
};

struct ipmp_probe_cfg {
	__u64 nonce;
	__u16 echo_id;		/* network byte order, as on the wire */
	__u16 method;		/* IPMP_PROBE_METHOD_* */
	__u8 test_addr[4];	/* IPv4 test address of the member (ICMP) */
	__u8 mac[6];		/* the member's MAC (ARP) */
	__u8 pad[2];
	__u8 test_addr6[16];	/* IPv6 link-local test address; all zero: no IPv6 probing */
	__u16 method6;		/* IPMP_PROBE_METHOD_ICMP or _NS */
	__u8 pad2[6];
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
	IPMP_PROBE_STAT_SPOOFED,	/* our identifier, wrong nonce */
	IPMP_PROBE_STAT_RINGBUF_FULL,	/* recognised, but no room: dropped */
	IPMP_PROBE_STAT__MAX,
};

#define IPMP_PROBE_RINGBUF_BYTES	(256 * 1024)

#endif /* IPMP_PROBE_ABI_H */
