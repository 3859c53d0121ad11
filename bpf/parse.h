/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Bounds-checked packet parsing shared by every ipmp program. A cursor
 * walks the frame; each helper returns a pointer to the header it parsed
 * and advances the cursor, or returns NULL when the frame is too short or
 * is not what was asked for. Nothing here loops.
 */
#ifndef IPMP_BPF_PARSE_H
#define IPMP_BPF_PARSE_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* Hide a value from the optimiser so a bounds check the verifier needs stays. */
#ifndef barrier_var
#define barrier_var(var) asm volatile("" : "+r"(var))
#endif

struct cursor {
	void *pos;
	void *end;
};

/*
 * ARP, declared here because linux/if_arp.h pulls in libc headers that a
 * -target bpf build cannot use.
 */
#define ARPHRD_ETHER	1
#define ARPOP_REQUEST	1
#define ARPOP_REPLY	2

struct arphdr {
	__be16 ar_hrd;
	__be16 ar_pro;
	__u8 ar_hln;
	__u8 ar_pln;
	__be16 ar_op;
};

/* The IPv4-over-Ethernet ARP body that follows struct arphdr. */
struct arp_eth_ipv4 {
	__u8 sha[ETH_ALEN];
	__u8 spa[4];
	__u8 tha[ETH_ALEN];
	__u8 tpa[4];
} __attribute__((packed));

static __always_inline void cursor_init(struct cursor *c, void *data, void *data_end)
{
	c->pos = data;
	c->end = data_end;
}

static __always_inline void *cursor_take(struct cursor *c, __u32 len)
{
	void *p = c->pos;

	if (p + len > c->end)
		return NULL;
	c->pos = p + len;
	return p;
}

static __always_inline struct ethhdr *parse_eth(struct cursor *c)
{
	return cursor_take(c, sizeof(struct ethhdr));
}

/* An ARP header for IPv4 over Ethernet, and its body; NULL for any other. */
static __always_inline struct arphdr *parse_arp(struct cursor *c, struct arp_eth_ipv4 **body)
{
	struct arphdr *arp = cursor_take(c, sizeof(*arp));

	if (!arp)
		return NULL;
	if (arp->ar_hrd != bpf_htons(ARPHRD_ETHER) || arp->ar_pro != bpf_htons(ETH_P_IP) ||
	    arp->ar_hln != ETH_ALEN || arp->ar_pln != 4)
		return NULL;
	*body = cursor_take(c, sizeof(**body));
	return *body ? arp : NULL;
}

/* An IPv4 header whose ihl is sane; the cursor moves past its options. */
static __always_inline struct iphdr *parse_ipv4(struct cursor *c)
{
	struct iphdr *ip = cursor_take(c, sizeof(*ip));

	if (!ip || ip->version != 4 || ip->ihl < 5)
		return NULL;
	if (!cursor_take(c, (ip->ihl - 5) * 4))
		return NULL;
	return ip;
}

struct vlan_tag {
	__be16 tci;
	__be16 encap_proto;
};

/*
 * Step over up to two VLAN tags (802.1Q, 802.1ad); returns the inner
 * EtherType, or 0 when a tag is cut short.
 */
static __always_inline __be16 parse_vlans(struct cursor *c, __be16 proto)
{
	struct vlan_tag *tag;

#pragma unroll
	for (int i = 0; i < 2; i++) {
		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		tag = cursor_take(c, sizeof(*tag));
		if (!tag)
			return 0;
		proto = tag->encap_proto;
	}
	return proto;
}

struct icmp_echo {
	__u8 type;
	__u8 code;
	__sum16 checksum;
	__be16 id;
	__be16 seq;
};

#define ICMP_ECHOREPLY	0

/* IPv6, from linux/ipv6.h without its libc-facing includes. */
struct ipv6hdr_ {
	__u8 ver_tc;		/* version (4 bits), traffic class high bits */
	__u8 tc_flow[3];
	__be16 payload_len;
	__u8 nexthdr;
	__u8 hop_limit;
	__u8 saddr[16];
	__u8 daddr[16];
};

#define IPPROTO_ICMPV6_	58

/* An IPv6 header; the cursor is at what follows (extension headers are the caller's). */
static __always_inline struct ipv6hdr_ *parse_ipv6(struct cursor *c)
{
	struct ipv6hdr_ *ip6 = cursor_take(c, sizeof(*ip6));

	return ip6 && (ip6->ver_tc >> 4) == 6 ? ip6 : NULL;
}

/* ICMPv6 header, and neighbour discovery (RFC 4861). */
struct icmp6hdr_ {
	__u8 type;
	__u8 code;
	__sum16 checksum;
};

#define ICMPV6_ECHO_REQUEST_	128
#define ICMPV6_ECHO_REPLY_	129
#define ND_ROUTER_SOLICIT	133
#define ND_ROUTER_ADVERT	134
#define ND_NEIGHBOR_SOLICIT	135
#define ND_NEIGHBOR_ADVERT	136
#define ND_REDIRECT		137
#define ND_OPT_SOURCE_LL	1
#define ND_OPT_TARGET_LL	2
#define ND_OPTS_MAX		4	/* options looked at per message */

struct nd_opt_ll {
	__u8 type;
	__u8 len;		/* in 8-byte units: 1 for Ethernet */
	__u8 mac[ETH_ALEN];
};

/*
 * The fixed part of an ND message after the 4-byte ICMPv6 header: where
 * its options start, or -1 for a message that is not RS, NS, NA or a
 * redirect.
 */
static __always_inline int nd_fixed_len(__u8 type)
{
	switch (type) {
	case ND_ROUTER_SOLICIT:
		return 4;		/* reserved */
	case ND_NEIGHBOR_SOLICIT:
	case ND_NEIGHBOR_ADVERT:
		return 4 + 16;		/* reserved/flags, target */
	case ND_REDIRECT:
		return 4 + 16 + 16;	/* reserved, target, destination */
	default:
		return -1;
	}
}

/* Fold one 16-bit word's change into an Internet checksum (RFC 1624, eqn. 3). */
static __always_inline void csum_replace16(__sum16 *sum, __u16 old, __u16 new)
{
	__u32 s = (__u16)~*sum + (__u16)~old + new;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	*sum = (__sum16)~s;
}

static __always_inline int mac_is_multicast(const __u8 *mac)
{
	return mac[0] & 1;
}

static __always_inline int mac_equal(const __u8 *a, const __u8 *b)
{
	return ((const __u16 *)a)[0] == ((const __u16 *)b)[0] &&
	       ((const __u16 *)a)[1] == ((const __u16 *)b)[1] &&
	       ((const __u16 *)a)[2] == ((const __u16 *)b)[2];
}

#endif /* IPMP_BPF_PARSE_H */
