// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The reference model (model.h). Every offset is counted from the start
 * of the frame; every read is preceded by a length check against len.
 * One concern, past 600 lines: what each of the three programs does with
 * a frame, written again as plainly as possible to be held against them.
 */
#include <string.h>

#include "model.h"

#define ETH_HLEN_	14
#define ETHERTYPE_IP	0x0800
#define ETHERTYPE_ARP	0x0806
#define ETHERTYPE_IPV6	0x86dd
#define ETHERTYPE_VLAN	0x8100
#define ETHERTYPE_QINQ	0x88a8
#define ARP_BODY_LEN	28	/* hrd pro hln pln op, sha spa tha tpa */
#define IP6_HLEN	40

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The four bytes as the CPU reads them from memory (the programs' hash input). */
static uint32_t host32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

uint16_t model_sum16(const uint8_t *p, uint32_t len)
{
	uint32_t sum = 0;

	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += be16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

const struct model_member *model_member(const struct model_cfg *cfg, uint32_t ifindex)
{
	for (unsigned i = 0; i < cfg->nmembers; i++)
		if (cfg->members[i].ifindex == ifindex)
			return &cfg->members[i];
	return NULL;
}

static const struct model_member *active(const struct model_cfg *cfg, uint32_t ifindex)
{
	const struct model_member *m = ifindex ? model_member(cfg, ifindex) : NULL;

	return m && m->active ? m : NULL;
}

static const struct model_binding *bound(const struct model_cfg *cfg, int family,
					 const uint8_t *addr)
{
	for (unsigned i = 0; i < cfg->nbindings; i++)
		if (cfg->bindings[i].family == family &&
		    !memcmp(cfg->bindings[i].addr, addr, family == 4 ? 4 : 16))
			return &cfg->bindings[i];
	return NULL;
}

static bool configured(const struct model_cfg *cfg)
{
	return cfg->group_ifindex != 0;
}

static void verdict_init(struct model_verdict *v, const uint8_t *frame, uint32_t len, int ret)
{
	memset(v, 0, sizeof(*v));
	v->ret = ret;
	v->drop = -1;
	v->probe_stat = -1;
	v->csum_off = -1;
	v->slot = -1;
	v->len = len > MODEL_FRAME_MAX ? MODEL_FRAME_MAX : len;
	memcpy(v->out, frame, v->len);
}

static void drop(struct model_verdict *v, int ret, int reason)
{
	v->ret = ret;
	v->drop = reason;
}

/* --- group_egress ----------------------------------------------------------- */

/* Leave by member m: its MAC is the Ethernet source. */
static void leave_by(struct model_verdict *v, const struct model_member *m)
{
	memcpy(v->out + 6, m->mac, 6);
	v->ret = MODEL_TC_REDIRECT;
	v->ifindex = m->ifindex;
	v->slot = (int)m->slot;
}

/*
 * The member tx_set gives a hash: the first active entry of
 * (hash + i) % count, i = 0, 1, ... (32-bit arithmetic, as the program's).
 */
static const struct model_member *spread(const struct model_cfg *cfg, uint32_t hash)
{
	for (uint32_t i = 0; i < cfg->ntx; i++) {
		const struct model_member *m = active(cfg, cfg->tx[(uint32_t)(hash + i) % cfg->ntx]);

		if (m)
			return m;
	}
	return NULL;
}

static void flow_may_use(struct model_verdict *v, const struct model_member *m)
{
	for (unsigned j = 0; j < v->nflow_members; j++)
		if (v->flow_members[j] == m->ifindex)
			return;
	v->flow_members[v->nflow_members++] = m->ifindex;
}

/*
 * A flow: the kernel's hash picks a bucket, and the bucket's member sends
 * it while active; else the same hash picks from tx_set, passing over
 * entries that are not active. Any active member of either may come out;
 * it fails only when the bucket misses and tx_set has no active entry.
 */
static void by_flow(const struct model_cfg *cfg, struct model_verdict *v)
{
	bool bucket_may_miss = false, tx_may_fail = true;

	v->by_flow = true;
	for (unsigned s = 0; s < 32; s++) {
		const struct model_member *m = NULL;

		if (!(cfg->bucket_slots & (1u << s)))
			continue;
		for (unsigned i = 0; i < cfg->nmembers; i++)
			if (cfg->members[i].slot == s)
				m = &cfg->members[i];
		if (m && m->active)
			flow_may_use(v, m);
		else
			bucket_may_miss = true;	/* a free slot, or not active */
	}
	if (!cfg->bucket_slots)
		bucket_may_miss = true;
	for (unsigned i = 0; i < cfg->ntx; i++) {
		const struct model_member *m = active(cfg, cfg->tx[i]);

		if (m) {
			flow_may_use(v, m);
			tx_may_fail = false;
		}
	}
	v->flow_may_fail = bucket_may_miss && tx_may_fail;
	v->ret = MODEL_TC_REDIRECT;	/* resolved against what the program chose */
}

/* Broadcast/multicast: the nominee while it is active, else as a flow. */
static void by_nominee(const struct model_cfg *cfg, uint32_t nominee, struct model_verdict *v)
{
	const struct model_member *m = configured(cfg) ? active(cfg, nominee) : NULL;

	if (m)
		leave_by(v, m);
	else
		by_flow(cfg, v);
}

static bool arp_ipv4_ether(const uint8_t *a)
{
	return be16(a) == 1 && be16(a + 2) == ETHERTYPE_IP && a[4] == 6 && a[5] == 4;
}

static void egress_arp(const struct model_cfg *cfg, const uint8_t *f, uint32_t len,
		       struct model_verdict *v)
{
	const uint8_t *a = f + ETH_HLEN_;
	const struct model_binding *b;
	const struct model_member *m = NULL;

	if (len < ETH_HLEN_ + ARP_BODY_LEN || !arp_ipv4_ether(a)) {
		drop(v, MODEL_TC_SHOT, IPMP_DROP_MALFORMED);
		return;
	}
	b = bound(cfg, 4, a + 14);		/* sender protocol address */
	if (b)
		m = active(cfg, b->ifindex);
	if (!m)
		m = spread(cfg, host32(a + 24));	/* by target protocol address */
	if (!m) {
		drop(v, MODEL_TC_SHOT, IPMP_DROP_NO_MEMBER);
		return;
	}
	leave_by(v, m);
	memcpy(v->out + ETH_HLEN_ + 8, m->mac, 6);	/* sender hardware address */
}

/* Bytes of an ND message between the ICMPv6 header and its options; -1: not ND. */
static int nd_fixed(uint8_t type)
{
	switch (type) {
	case 133: return 4;	/* RS: reserved */
	case 135: return 20;	/* NS: reserved, target */
	case 136: return 20;	/* NA: flags, target */
	case 137: return 36;	/* redirect: reserved, target, destination */
	default: return -1;
	}
}

/*
 * The first ND_OPTS_MAX (4) options: a link-layer address option of the
 * wanted type and length 1 gets the MAC. A zero length or an option cut
 * short is malformed. false: malformed.
 */
static bool nd_options(struct model_verdict *v, uint32_t off, uint32_t len, uint8_t want,
		       const uint8_t *mac)
{
	for (int i = 0; i < 4; i++) {
		uint32_t olen;

		if (off >= len)
			return true;
		if (off + 2 > len)
			return false;
		olen = v->out[off + 1] * 8u;
		if (!olen)
			return false;
		if (v->out[off] == want && olen == 8) {
			if (off + 8 > len)
				return false;
			memcpy(v->out + off + 2, mac, 6);
			v->csum_off = ETH_HLEN_ + IP6_HLEN + 2;
		}
		if (off + olen > len)
			return false;
		off += olen;
	}
	return true;
}

static void egress_nd(const struct model_cfg *cfg, const uint8_t *f, uint32_t len, uint8_t type,
		      int fixed, struct model_verdict *v)
{
	const uint32_t icmp = ETH_HLEN_ + IP6_HLEN;
	const uint8_t *saddr = f + ETH_HLEN_ + 8, *target = f + icmp + 8, *first, *second;
	const struct model_binding *b;
	const struct model_member *m = NULL;

	/* who it speaks for: an NA's target, else the source, else (not RS) the target */
	first = type == 136 ? target : saddr;
	second = type == 136 ? saddr : type == 133 ? NULL : target;
	b = bound(cfg, 6, first);
	if (!b && second)
		b = bound(cfg, 6, second);
	if (b)
		m = active(cfg, b->ifindex);
	if (!m && configured(cfg))
		m = active(cfg, cfg->mcast6_ifindex);
	if (!m)
		m = spread(cfg, host32(first + 12));	/* by the address it speaks for */
	if (!m) {
		drop(v, MODEL_TC_SHOT, IPMP_DROP_NO_MEMBER);
		return;
	}
	leave_by(v, m);
	if (!nd_options(v, icmp + 4 + fixed, len, type == 136 ? 2 : 1, m->mac)) {
		drop(v, MODEL_TC_SHOT, IPMP_DROP_MALFORMED);
		v->slot = -1;
		return;
	}
	if (v->csum_off >= 0) {
		/* the checksum that keeps the message's ones'-complement sum */
		uint16_t in = model_sum16(f + icmp, len - icmp), rest;
		uint32_t c;

		v->out[v->csum_off] = v->out[v->csum_off + 1] = 0;
		rest = model_sum16(v->out + icmp, len - icmp);
		c = (uint32_t)in + (uint16_t)~rest;
		c = (c & 0xffff) + (c >> 16);
		v->out[v->csum_off] = (uint8_t)(c >> 8);
		v->out[v->csum_off + 1] = (uint8_t)c;
		v->csum_from = icmp;
	}
}

/*
 * A DHCP client's message (a whole IPv4 header, not a fragment, UDP from 68
 * to 67, BOOTP at least up to its flags): the broadcast flag set, the UDP
 * checksum moved along (RFC 1624) unless it is 0 (none), a result of 0
 * written as 0xffff.
 */
static void egress_dhcp(const uint8_t *f, uint32_t len, struct model_verdict *v)
{
	const uint32_t ip = ETH_HLEN_;
	uint32_t ihl, udp, flags;
	uint16_t old, new, check;
	uint32_t sum;

	if (len < ip + 20 || f[ip] >> 4 != 4)
		return;
	ihl = (f[ip] & 0xf) * 4u;
	udp = ip + ihl;
	flags = udp + 8 + 10;
	if (ihl < 20 || f[ip + 9] != 17 || (be16(f + ip + 6) & 0x3fff) || len < flags + 2)
		return;
	if (be16(f + udp) != 68 || be16(f + udp + 2) != 67)
		return;
	old = be16(f + flags);
	new = old | 0x8000;
	if (new == old)
		return;
	v->out[flags] = (uint8_t)(new >> 8);
	check = be16(f + udp + 6);
	if (!check)
		return;
	sum = (uint16_t)~check + (uint16_t)~old + new;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	check = (uint16_t)~sum;
	if (!check)
		check = 0xffff;
	v->out[udp + 6] = (uint8_t)(check >> 8);
	v->out[udp + 7] = (uint8_t)check;
	v->csum_off = (int)(udp + 6);	/* compared by value: 0 and 0xffff are the same number */
}

void model_group_egress(const struct model_cfg *cfg, const uint8_t *f, uint32_t len,
			struct model_verdict *v)
{
	bool multicast;

	verdict_init(v, f, len, MODEL_TC_SHOT);
	if (len < ETH_HLEN_) {
		drop(v, MODEL_TC_SHOT, IPMP_DROP_MALFORMED);
		return;
	}
	multicast = f[0] & 1;
	switch (be16(f + 12)) {
	case ETHERTYPE_ARP:
		egress_arp(cfg, f, len, v);
		return;
	case ETHERTYPE_IP:
		if (multicast)
			by_nominee(cfg, cfg->bcast_ifindex, v);
		else
			by_flow(cfg, v);
		if (v->ret != MODEL_TC_SHOT || v->by_flow)
			egress_dhcp(f, len, v);
		return;
	case ETHERTYPE_IPV6:
		if (len < ETH_HLEN_ + IP6_HLEN || f[ETH_HLEN_] >> 4 != 6) {
			drop(v, MODEL_TC_SHOT, IPMP_DROP_MALFORMED);
			return;
		}
		if (f[ETH_HLEN_ + 6] == 58 && len >= ETH_HLEN_ + IP6_HLEN + 4) {
			uint8_t type = f[ETH_HLEN_ + IP6_HLEN];
			int fixed = nd_fixed(type);

			if (fixed >= 0) {
				if (len < ETH_HLEN_ + IP6_HLEN + 4 + (uint32_t)fixed)
					drop(v, MODEL_TC_SHOT, IPMP_DROP_MALFORMED);
				else
					egress_nd(cfg, f, len, type, fixed, v);
				return;
			}
		}
		if (multicast)
			by_nominee(cfg, cfg->mcast6_ifindex, v);
		else
			by_flow(cfg, v);
		return;
	default:
		drop(v, MODEL_TC_SHOT, IPMP_DROP_UNSUPPORTED);
		return;
	}
}

/* --- member_ingress ----------------------------------------------------------- */

/* Hand it to the group: the group's MAC as destination if it was ours. */
static void to_group(const struct model_cfg *cfg, const struct model_member *me, bool unicast,
		     struct model_verdict *v)
{
	if (unicast)
		memcpy(v->out, cfg->group_mac, 6);
	v->ret = MODEL_TC_REDIRECT;
	v->ifindex = cfg->group_ifindex;
	v->slot = (int)me->slot;
}

/* Keep it, and give the group a copy (a failed copy is counted). */
static void copy_to_group(const struct model_cfg *cfg, struct model_verdict *v)
{
	v->ret = MODEL_TC_OK;
	if (!cfg->group_dev_exists)
		v->drop = IPMP_DROP_REDIRECT;
}

static void ingress_arp(const struct model_cfg *cfg, const struct model_member *me,
			const uint8_t *f, uint32_t len, bool multicast, struct model_verdict *v)
{
	const uint8_t *a = f + ETH_HLEN_;
	bool nominated = cfg->rx_ifindex == cfg->bcast_ifindex;

	if (len < ETH_HLEN_ + ARP_BODY_LEN || !arp_ipv4_ether(a))
		return;
	if (bound(cfg, 4, a + 14))
		drop(v, MODEL_TC_SHOT, IPMP_DROP_LOOPED);	/* the group's own */
	else if (!bound(cfg, 4, a + 24)) {
		if (multicast && nominated)
			copy_to_group(cfg, v);
	} else if (multicast && !nominated)
		drop(v, MODEL_TC_SHOT, IPMP_DROP_NOT_NOMINATED);
	else
		to_group(cfg, me, !multicast, v);
}

static void ingress_ipv4(const struct model_cfg *cfg, const struct model_member *me,
			 const uint8_t *f, uint32_t len, bool multicast, struct model_verdict *v)
{
	const uint8_t *ip = f + ETH_HLEN_;
	uint32_t ihl;

	if (len < ETH_HLEN_ + 20 || ip[0] >> 4 != 4)
		return;
	ihl = (ip[0] & 0xf) * 4u;
	if (ihl < 20 || len < ETH_HLEN_ + ihl)
		return;
	if (multicast) {
		if (bound(cfg, 4, ip + 12))
			drop(v, MODEL_TC_SHOT, IPMP_DROP_LOOPED);
		else if (cfg->rx_ifindex != cfg->bcast_ifindex)
			drop(v, MODEL_TC_SHOT, IPMP_DROP_NOT_NOMINATED);
		else
			to_group(cfg, me, false, v);
	} else if (bound(cfg, 4, ip + 16))
		to_group(cfg, me, true, v);
}

static void ingress_ipv6(const struct model_cfg *cfg, const struct model_member *me,
			 const uint8_t *f, uint32_t len, bool multicast, struct model_verdict *v)
{
	const uint8_t *ip6 = f + ETH_HLEN_;
	const uint32_t icmp = ETH_HLEN_ + IP6_HLEN;
	bool nominated = cfg->rx_ifindex == cfg->mcast6_ifindex;

	if (len < icmp || ip6[0] >> 4 != 6)
		return;
	if (!multicast) {
		if (bound(cfg, 6, ip6 + 24))
			to_group(cfg, me, true, v);
		return;
	}
	if (bound(cfg, 6, ip6 + 8)) {
		drop(v, MODEL_TC_SHOT, IPMP_DROP_LOOPED);
		return;
	}
	/* a solicitation for a data address: the nominee's alone */
	if (ip6[6] == 58 && len >= icmp + 4 + 20 && f[icmp] == 135 && bound(cfg, 6, f + icmp + 8)) {
		if (nominated)
			to_group(cfg, me, false, v);
		else
			drop(v, MODEL_TC_SHOT, IPMP_DROP_NOT_NOMINATED);
		return;
	}
	if (nominated)
		copy_to_group(cfg, v);
}

void model_member_ingress(const struct model_cfg *cfg, const uint8_t *f, uint32_t len,
			  struct model_verdict *v)
{
	const struct model_member *me = model_member(cfg, cfg->rx_ifindex);
	bool multicast;

	/* xdp = off: the member's probe replies are recognised here, as member_xdp would */
	if (cfg->probing && cfg->probe.in_tc) {
		model_member_xdp(cfg, f, len, v);
		if (v->ret == MODEL_XDP_DROP) {
			v->ret = MODEL_TC_SHOT;
			return;
		}
	}
	verdict_init(v, f, len, MODEL_TC_OK);
	if (!configured(cfg) || !me || len < ETH_HLEN_)
		return;
	multicast = f[0] & 1;
	if (!multicast && memcmp(f, me->mac, 6))
		return;		/* for another NIC */
	switch (be16(f + 12)) {
	case ETHERTYPE_ARP:
		ingress_arp(cfg, me, f, len, multicast, v);
		break;
	case ETHERTYPE_IP:
		ingress_ipv4(cfg, me, f, len, multicast, v);
		break;
	case ETHERTYPE_IPV6:
		ingress_ipv6(cfg, me, f, len, multicast, v);
		break;
	}
}

/* --- member_xdp --------------------------------------------------------------- */

static void report(const struct model_cfg *cfg, struct model_verdict *v, uint32_t kind,
		   uint16_t seq, uint64_t sent_ns, const uint8_t *src, int family)
{
	v->ret = MODEL_XDP_DROP;
	v->probe_stat = IPMP_PROBE_STAT_REPLIES;
	v->event = true;
	v->ev.ifindex = cfg->rx_ifindex;
	v->ev.kind = kind;
	v->ev.seq = seq;
	v->ev.sent_ns = sent_ns;
	v->ev.family = family == 4 ? IPMP_AF_INET : IPMP_AF_INET6;
	memcpy(v->ev.src, src, family == 4 ? 4 : 16);
}

/*
 * The probe tag, from its contract (include/ipmp/siphash.h, probe.h), not
 * from its code: SipHash-2-4 as the paper states it, over the 32 bytes
 * [family, kind (2, little-endian), identifier (2, as host-order u16),
 * sequence (2, little-endian), 0], send time (8, little-endian), the
 * address (16, IPv4 padded with zeros).
 */
static uint64_t rotl64(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static void sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl64(v[1], 13) ^ v[0];
	v[0] = rotl64(v[0], 32);
	v[2] += v[3];
	v[3] = rotl64(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = rotl64(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = rotl64(v[1], 17) ^ v[2];
	v[2] = rotl64(v[2], 32);
}

static uint64_t sip_bytes_le(const uint8_t *b)
{
	uint64_t w = 0;

	for (int i = 7; i >= 0; i--)
		w = w << 8 | b[i];
	return w;
}

uint64_t model_probe_tag(const __u64 key[2], uint8_t family, uint16_t kind, uint16_t id,
			 uint16_t seq, uint64_t sent_ns, const uint8_t *addr)
{
	uint8_t msg[32] = { family, kind & 0xff, kind >> 8, id & 0xff, id >> 8, seq & 0xff,
			    seq >> 8, 0 };
	uint64_t v[4] = { key[0] ^ 0x736f6d6570736575ULL, key[1] ^ 0x646f72616e646f6dULL,
			  key[0] ^ 0x6c7967656e657261ULL, key[1] ^ 0x7465646279746573ULL };

	for (int i = 0; i < 8; i++)
		msg[8 + i] = (uint8_t)(sent_ns >> (8 * i));
	memcpy(msg + 16, addr, family == IPMP_AF_INET ? 4 : 16);
	for (int w = 0; w <= 4; w++) {
		uint64_t m = w < 4 ? sip_bytes_le(msg + 8 * w) : (uint64_t)32 << 56;

		v[3] ^= m;
		sip_round(v);
		sip_round(v);
		v[0] ^= m;
	}
	v[2] ^= 0xff;
	for (int i = 0; i < 4; i++)
		sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/*
 * An echo reply with our identifier: the payload's tag must be the one
 * of the probe it claims to answer (kind, sequence, send time and the
 * replying target, or the all-hosts group for a discovery probe).
 */
static void echo_payload(const struct model_cfg *cfg, const uint8_t *f, uint32_t len,
			 uint32_t icmp, const uint8_t *src, int family, struct model_verdict *v)
{
	static const uint8_t all_hosts4[4] = { 224, 0, 0, 1 };
	static const uint8_t all_nodes6[16] = { 0xff, 0x02, [15] = 1 };
	const uint32_t p = icmp + 8;		/* sent_ns(8) kind(4) pad(4) tag(8) */
	uint64_t sent_ns, tag, want;
	uint16_t id, kind;

	if (len < p + 24)
		return;				/* too short to be ours: passes */
	sent_ns = (uint64_t)be32(f + p) << 32 | be32(f + p + 4);
	kind = (uint16_t)be32(f + p + 8);
	memcpy(&id, f + icmp + 4, 2);
	memcpy(&tag, f + p + 16, 8);
	want = model_probe_tag(cfg->probe.key, family == 4 ? IPMP_AF_INET : IPMP_AF_INET6, kind, id,
			       be16(f + icmp + 6), sent_ns,
			       kind != IPMP_PROBE_MULTI ? src : family == 4 ? all_hosts4 : all_nodes6);
	if (tag != want) {
		drop(v, MODEL_XDP_DROP, -1);
		v->probe_stat = IPMP_PROBE_STAT_SPOOFED;
		return;
	}
	report(cfg, v, kind, be16(f + icmp + 6), sent_ns, src, family);
}

/* Is addr one of the n (at most IPMP_PROBE_FILTER_TARGETS) targets of the list? */
static bool probed_lately(const uint8_t *list, unsigned n, unsigned width, const uint8_t *addr)
{
	for (unsigned i = 0; i < n && i < IPMP_PROBE_FILTER_TARGETS; i++)
		if (!memcmp(list + i * width, addr, width))
			return true;
	return false;
}

static void xdp_arp(const struct model_cfg *cfg, const uint8_t *f, uint32_t len, uint32_t off,
		    struct model_verdict *v)
{
	static const uint8_t zero[4];
	const uint8_t *a = f + off;

	if (!cfg->probing || cfg->probe.method != IPMP_PROBE_METHOD_ARP)
		return;
	if (len < off + ARP_BODY_LEN || !arp_ipv4_ether(a) || be16(a + 6) != 2)
		return;
	/* an answer to an RFC 5227 probe: target IP 0.0.0.0, target MAC ours */
	if (memcmp(a + 24, zero, 4) || memcmp(a + 18, cfg->probe.mac, 6))
		return;
	/* from a target the agent probed lately (ARP has no tag) */
	if (!probed_lately(&cfg->probe.arp_targets[0][0], cfg->probe.narp_targets, 4, a + 14))
		return;
	report(cfg, v, IPMP_PROBE_ARP, 0, 0, a + 14, 4);
}

static void xdp_ipv6(const struct model_cfg *cfg, const uint8_t *f, uint32_t len, uint32_t off,
		     struct model_verdict *v)
{
	const uint8_t *ip6 = f + off;
	const uint32_t icmp = off + IP6_HLEN;

	if (len < icmp || ip6[0] >> 4 != 6 || ip6[6] != 58)
		return;
	if (ip6[8] != 0xfe || (ip6[9] & 0xc0) != 0x80)
		return;				/* from a link-local source only */
	if (len < icmp + 8 || f[icmp + 1] != 0)
		return;
	if (!cfg->probing || memcmp(ip6 + 24, cfg->probe.test_addr6, 16))
		return;
	if (cfg->probe.method6 == IPMP_PROBE_METHOD_NS) {
		/* a solicited NA; its target is a target probed lately */
		if (f[icmp] == 136 && len >= icmp + 8 + 16 && (f[icmp + 4] & 0x40) &&
		    probed_lately(&cfg->probe.ns_targets[0][0], cfg->probe.nns_targets, 16,
				  f + icmp + 8))
			report(cfg, v, IPMP_PROBE_NA, 0, 0, f + icmp + 8, 6);
		return;
	}
	if (f[icmp] == 129 && !memcmp(f + icmp + 4, &cfg->probe.echo_id, 2))
		echo_payload(cfg, f, len, icmp, ip6 + 8, 6, v);
}

static void xdp_ipv4(const struct model_cfg *cfg, const uint8_t *f, uint32_t len, uint32_t off,
		     struct model_verdict *v)
{
	const uint8_t *ip = f + off;
	uint32_t ihl, icmp;

	if (len < off + 20 || ip[0] >> 4 != 4)
		return;
	ihl = (ip[0] & 0xf) * 4u;
	icmp = off + ihl;
	if (ihl < 20 || len < icmp || ip[9] != 1 || (be16(ip + 6) & 0x3fff))
		return;				/* not ICMP, or a fragment */
	if (len < icmp + 8 || f[icmp] != 0 || f[icmp + 1] != 0)
		return;
	if (!cfg->probing || cfg->probe.method != IPMP_PROBE_METHOD_ICMP ||
	    memcmp(f + icmp + 4, &cfg->probe.echo_id, 2) || memcmp(ip + 16, cfg->probe.test_addr, 4))
		return;
	echo_payload(cfg, f, len, icmp, ip + 12, 4, v);
}

void model_member_xdp(const struct model_cfg *cfg, const uint8_t *f, uint32_t len,
		      struct model_verdict *v)
{
	uint32_t off = ETH_HLEN_;
	uint16_t proto;

	verdict_init(v, f, len, MODEL_XDP_PASS);
	if (len < ETH_HLEN_)
		return;
	proto = be16(f + 12);
	for (int i = 0; i < 2 && (proto == ETHERTYPE_VLAN || proto == ETHERTYPE_QINQ); i++) {
		if (len < off + 4)
			return;
		proto = be16(f + off + 2);
		off += 4;
	}
	if (proto == ETHERTYPE_ARP)
		xdp_arp(cfg, f, len, off, v);
	else if (proto == ETHERTYPE_IPV6)
		xdp_ipv6(cfg, f, len, off, v);
	else if (proto == ETHERTYPE_IP)
		xdp_ipv4(cfg, f, len, off, v);
}
