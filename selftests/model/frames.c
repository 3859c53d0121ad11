// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The malformed-traffic generator (frames.h). */
#include <string.h>

#include "frames.h"

#define LO		1	/* the member frames arrive on */
#define M_A		101
#define M_B		102
#define M_C		103
#define GONE		99	/* an ifindex no member has */
#define GROUP		50	/* the group interface: no such device in the test's netns */

static const uint8_t MAC_LO[6] = { 0x02, 0x11, 0, 0, 0, 0x01 };
static const uint8_t MAC_A[6] = { 0x02, 0xaa, 0, 0, 0, 0x01 };
static const uint8_t MAC_B[6] = { 0x02, 0xbb, 0, 0, 0, 0x02 };
static const uint8_t MAC_C[6] = { 0x02, 0xcc, 0, 0, 0, 0x03 };
static const uint8_t MAC_G[6] = { 0x02, 0x47, 0, 0, 0, 0x01 };
static const uint8_t MAC_PEER[6] = { 0x02, 0x99, 0, 0, 0, 0x09 };
static const uint8_t MAC_BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t MAC_MCAST4[6] = { 0x01, 0x00, 0x5e, 0, 0, 0x01 };
static const uint8_t MAC_MCAST6[6] = { 0x33, 0x33, 0, 0, 0, 0x01 };

/* documentation and special addresses; the first few are data addresses */
static const uint8_t V4[][4] = {
	{ 192, 0, 2, 10 }, { 192, 0, 2, 11 }, { 192, 0, 2, 12 }, { 192, 0, 2, 13 },
	{ 192, 0, 2, 21 },	/* test address */
	{ 192, 0, 2, 100 }, { 192, 0, 2, 1 }, { 0, 0, 0, 0 }, { 255, 255, 255, 255 },
	{ 224, 0, 0, 1 }, { 198, 51, 100, 7 },
};
#define V4_TEST	4

#define A6(...) { 0x20, 0x01, 0x0d, 0xb8, __VA_ARGS__ }
static const uint8_t V6[][16] = {
	A6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10), A6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11),
	A6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12),
	{ 0xfe, 0x80, [15] = 0x21 },	/* test address (link-local) */
	{ 0xfe, 0x80, [15] = 0x99 }, { 0xfe, 0xbf, [15] = 0x98 },
	A6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00), { 0 },
	{ 0xff, 0x02, [15] = 1 },
	{ 0xff, 0x02, [11] = 1, [12] = 0xff, [15] = 0x10 },	/* solicited-node */
};
#define V6_TEST	3

static const uint8_t *pick_v4(struct rng *r);
static const uint8_t *pick_v6(struct rng *r);

#define PROBE_KEY0	0x0123456789abcdefULL
#define PROBE_KEY1	0x0f1e2d3c4b5a6978ULL
#define ECHO_ID	0x3412		/* 0x1234 on the wire, read as stored */

uint64_t rng_next(struct rng *r)
{
	/* xorshift64* */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

uint32_t rng_below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)((rng_next(r) >> 32) % n) : 0;
}

static int chance(struct rng *r, unsigned percent)
{
	return rng_below(r, 100) < percent;
}

/* --- configurations -------------------------------------------------------- */

static void member_add(struct rng *r, struct model_cfg *cfg, uint32_t ifindex, uint32_t slot,
		       const uint8_t *mac)
{
	struct model_member *m = &cfg->members[cfg->nmembers++];

	m->ifindex = ifindex;
	m->slot = slot;
	m->active = chance(r, 75);
	memcpy(m->mac, mac, 6);
}

static void bind(struct model_cfg *cfg, int family, const uint8_t *addr, uint32_t ifindex)
{
	struct model_binding *b = &cfg->bindings[cfg->nbindings++];

	b->family = family;
	memcpy(b->addr, addr, family == 4 ? 4 : 16);
	b->ifindex = ifindex;
}

void frames_config(struct rng *r, struct model_cfg *cfg)
{
	static const uint32_t nominees[] = { LO, M_A, M_B, 0, 77 };
	static const uint32_t txs[] = { M_A, M_B, M_C, LO, GONE };
	const uint32_t targets[] = { M_A, M_B, LO, GONE };

	memset(cfg, 0, sizeof(*cfg));
	cfg->group_ifindex = chance(r, 95) ? GROUP : 0;
	memcpy(cfg->group_mac, MAC_G, 6);
	cfg->rx_ifindex = LO;
	if (chance(r, 90))
		member_add(r, cfg, LO, 2, MAC_LO);
	member_add(r, cfg, M_A, 0, MAC_A);
	member_add(r, cfg, M_B, 1, MAC_B);
	if (chance(r, 50))
		member_add(r, cfg, M_C, 3, MAC_C);
	cfg->ntx = rng_below(r, MODEL_MEMBERS + 1);
	for (unsigned i = 0; i < cfg->ntx; i++)
		cfg->tx[i] = chance(r, 85) ? txs[rng_below(r, 4)] : txs[4];
	cfg->bcast_ifindex = nominees[rng_below(r, 5)];
	cfg->mcast6_ifindex = nominees[rng_below(r, 5)];
	for (unsigned i = 0; i < 4; i++)
		if (chance(r, 85))
			bind(cfg, 4, V4[i], targets[i]);
	for (unsigned i = 0; i < 3; i++)
		if (chance(r, 85))
			bind(cfg, 6, V6[i], targets[i == 2 ? 3 : i * 2]);
	cfg->probing = chance(r, 85);
	cfg->probe.key[0] = PROBE_KEY0;
	cfg->probe.key[1] = PROBE_KEY1;
	cfg->probe.echo_id = ECHO_ID;
	cfg->probe.method = chance(r, 60) ? IPMP_PROBE_METHOD_ICMP : IPMP_PROBE_METHOD_ARP;
	cfg->probe.method6 = chance(r, 50) ? IPMP_PROBE_METHOD_ICMP : IPMP_PROBE_METHOD_NS;
	memcpy(cfg->probe.test_addr, V4[V4_TEST], 4);
	memcpy(cfg->probe.test_addr6, V6[V6_TEST], 16);
	memcpy(cfg->probe.mac, MAC_LO, 6);
	cfg->probe.in_tc = chance(r, 30);	/* xdp = off: member_ingress recognises the replies */
	/* ARP/NS targets probed lately: the router (V4[6], V6[4]) mostly, others now and then */
	cfg->probe.narp_targets = (uint8_t)rng_below(r, IPMP_PROBE_FILTER_TARGETS + 1);
	for (unsigned i = 0; i < cfg->probe.narp_targets; i++)
		memcpy(cfg->probe.arp_targets[i], i == 0 && chance(r, 80) ? V4[6] : pick_v4(r), 4);
	cfg->probe.nns_targets = (uint8_t)rng_below(r, IPMP_PROBE_FILTER_TARGETS + 1);
	for (unsigned i = 0; i < cfg->probe.nns_targets; i++)
		memcpy(cfg->probe.ns_targets[i], i == 0 && chance(r, 80) ? V6[4] : pick_v6(r), 16);
}

/* --- well-formed frames ------------------------------------------------------ */

struct out {
	uint8_t *b;
	uint32_t len, cap;
};

static void put(struct out *o, const void *p, uint32_t n)
{
	if (o->len + n > o->cap)
		n = o->cap - o->len;
	memcpy(o->b + o->len, p, n);
	o->len += n;
}

static void put8(struct out *o, uint8_t v)
{
	put(o, &v, 1);
}

static void put16(struct out *o, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put(o, b, 2);
}

static void put_random(struct rng *r, struct out *o, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		put8(o, (uint8_t)rng_next(r));
}

static const uint8_t *pick_mac(struct rng *r, const struct model_cfg *cfg, int family)
{
	switch (rng_below(r, 8)) {
	case 0: return MAC_LO;
	case 1: return MAC_A;
	case 2: return MAC_B;
	case 3: return MAC_G;
	case 4: return MAC_BCAST;
	case 5: return family == 6 ? MAC_MCAST6 : MAC_MCAST4;
	case 6: return MAC_PEER;
	default: return cfg->nmembers ? cfg->members[0].mac : MAC_LO;
	}
}

static const uint8_t *pick_v4(struct rng *r)
{
	return V4[rng_below(r, sizeof(V4) / sizeof(V4[0]))];
}

static const uint8_t *pick_v6(struct rng *r)
{
	return V6[rng_below(r, sizeof(V6) / sizeof(V6[0]))];
}

/* Ethernet header, behind 0 to 3 VLAN tags now and then. */
static void eth(struct rng *r, struct out *o, const uint8_t *dst, uint16_t type)
{
	put(o, dst, 6);
	put(o, MAC_PEER, 6);
	if (chance(r, 15)) {
		unsigned tags = 1 + rng_below(r, 3);

		for (unsigned i = 0; i < tags; i++) {
			put16(o, chance(r, 50) ? 0x8100 : 0x88a8);
			put16(o, (uint16_t)rng_below(r, 4096));
		}
	}
	put16(o, type);
}

static void arp(struct rng *r, const struct model_cfg *cfg, struct out *o)
{
	static const uint8_t zero[6];

	eth(r, o, chance(r, 50) ? MAC_BCAST : pick_mac(r, cfg, 4), 0x0806);
	put16(o, 1);
	put16(o, 0x0800);
	put8(o, 6);
	put8(o, 4);
	put16(o, chance(r, 50) ? 1 : 2);
	put(o, MAC_PEER, 6);
	put(o, chance(r, 30) ? V4[6] : chance(r, 20) ? V4[7] : pick_v4(r), 4);	/* the router */
	put(o, chance(r, 50) ? cfg->probe.mac : chance(r, 50) ? zero : MAC_A, 6);
	put(o, chance(r, 30) ? V4[7] : pick_v4(r), 4);
	if (chance(r, 30))
		put_random(r, o, rng_below(r, 20));	/* Ethernet padding */
}

/*
 * Our probe payload (spec 3.7 + tag), or a forgery's: mostly the tag of
 * the very probe it claims to answer (computed for the frame's source, or
 * the all-hosts group for discovery), else one for another sequence, kind
 * or source, else random bytes.
 */
static void payload(struct rng *r, const struct model_cfg *cfg, struct out *o, int family,
		    uint16_t id, uint16_t seq, const uint8_t *src)
{
	static const uint32_t kinds[] = { IPMP_PROBE_UNI, IPMP_PROBE_MULTI, IPMP_PROBE_RTT, 7 };
	static const uint8_t all_hosts4[4] = { 224, 0, 0, 1 };
	static const uint8_t all_nodes6[16] = { 0xff, 0x02, [15] = 1 };
	uint64_t sent = rng_next(r), tag;
	uint32_t kind = kinds[rng_below(r, 4)];
	const uint8_t *addr = kind != IPMP_PROBE_MULTI ? src : family == 4 ? all_hosts4 : all_nodes6;
	uint8_t fam = family == 4 ? IPMP_AF_INET : IPMP_AF_INET6;

	if (chance(r, 70))
		tag = model_probe_tag(cfg->probe.key, fam, (uint16_t)kind, id, seq, sent, addr);
	else if (chance(r, 60))	/* a real tag, of a neighbouring probe */
		tag = model_probe_tag(cfg->probe.key, fam, (uint16_t)kind, id, seq + 1, sent, addr);
	else
		tag = rng_next(r);
	put16(o, (uint16_t)(sent >> 48));
	put16(o, (uint16_t)(sent >> 32));
	put16(o, (uint16_t)(sent >> 16));
	put16(o, (uint16_t)sent);
	put16(o, (uint16_t)(kind >> 16));
	put16(o, (uint16_t)kind);
	put(o, "\0\0\0\0", 4);
	put(o, &tag, 8);
}

/* An echo's identifier (ours, mostly), sequence and probe payload. */
static void echo_body(struct rng *r, const struct model_cfg *cfg, struct out *o, int family,
		      const uint8_t *src)
{
	uint16_t id = chance(r, 80) ? cfg->probe.echo_id : (uint16_t)rng_next(r);
	uint16_t seq = (uint16_t)rng_next(r);

	put(o, &id, 2);
	put16(o, seq);
	payload(r, cfg, o, family, id, seq, src);
}

static void ipv4(struct rng *r, const struct model_cfg *cfg, struct out *o)
{
	unsigned opts = chance(r, 20) ? rng_below(r, 11) : 0;
	uint8_t proto = chance(r, 50) ? 1 : chance(r, 50) ? 17 : 6;
	bool echo = proto == 1, dhcp = proto == 17 && chance(r, 40);
	uint32_t body = echo ? 8 + 24 : dhcp ? 8 + rng_below(r, 40) : 8 + rng_below(r, 32);
	const uint8_t *src;

	eth(r, o, pick_mac(r, cfg, 4), 0x0800);
	put8(o, (uint8_t)(0x45 + opts));
	put8(o, 0);
	put16(o, (uint16_t)(20 + opts * 4 + body));
	put16(o, (uint16_t)rng_next(r));
	put16(o, chance(r, 80) ? 0x4000 : chance(r, 50) ? 0x2000 : (uint16_t)rng_below(r, 0x2000));
	put8(o, 64);
	put8(o, proto);
	put16(o, 0);
	src = chance(r, 30) ? V4[6] : pick_v4(r);
	put(o, src, 4);
	put(o, chance(r, 40) ? V4[V4_TEST] : pick_v4(r), 4);
	for (unsigned i = 0; i < opts; i++)
		put(o, chance(r, 50) ? "\x01\x01\x01\x01" : "\x94\x04\x00\x00", 4);
	if (dhcp) {
		/* a DHCP client's message (often cut before its flags): ports, length, checksum (0 now and then), BOOTP */
		put16(o, 68);
		put16(o, chance(r, 90) ? 67 : 68);
		put16(o, (uint16_t)body);
		put16(o, chance(r, 20) ? 0 : (uint16_t)rng_next(r));
		put_random(r, o, body - 8);
		return;
	}
	if (!echo) {
		put_random(r, o, body);
		return;
	}
	put8(o, chance(r, 85) ? 0 : 8);		/* echo reply, or request */
	put8(o, chance(r, 90) ? 0 : 1);
	put16(o, 0);
	echo_body(r, cfg, o, 4, src);
}

/* ND options: link-layer address options, others, odd lengths. */
static void nd_options(struct rng *r, struct out *o)
{
	unsigned n = rng_below(r, 6);

	for (unsigned i = 0; i < n; i++) {
		uint8_t type = chance(r, 70) ? (uint8_t)(1 + rng_below(r, 2)) : (uint8_t)rng_below(r, 40);
		uint8_t len = chance(r, 80) ? 1 : (uint8_t)rng_below(r, 4);

		put8(o, type);
		put8(o, len);
		if (len == 1 && chance(r, 90))
			put(o, MAC_PEER, 6);
		else
			put_random(r, o, len ? len * 8u - 2 : 6);
	}
}

static void ipv6(struct rng *r, const struct model_cfg *cfg, struct out *o)
{
	static const uint8_t types[] = { 133, 134, 135, 136, 137, 128, 129, 129, 129, 1, 143 };
	uint8_t next = chance(r, 70) ? 58 : chance(r, 50) ? 17 : 0;
	uint8_t type = types[rng_below(r, sizeof(types))];
	const uint8_t *src;
	uint32_t start;

	eth(r, o, pick_mac(r, cfg, 6), 0x86dd);
	start = o->len;
	put8(o, 0x60);
	put(o, "\0\0\0", 3);
	put16(o, 0);			/* payload length, below */
	put8(o, next);
	put8(o, 255);
	src = type == 129 && chance(r, 70) ? V6[4] : pick_v6(r);
	put(o, src, 16);
	put(o, (type == 129 || type == 136) && chance(r, 60) ? V6[V6_TEST] : pick_v6(r), 16);
	if (next != 58) {
		put_random(r, o, 8 + rng_below(r, 40));
	} else {
		put8(o, type);
		put8(o, chance(r, 90) ? 0 : 1);
		put16(o, (uint16_t)rng_next(r));	/* checksum: any, it is only kept consistent */
		if (type == 129 || type == 128) {
			echo_body(r, cfg, o, 6, src);
		} else if (type >= 133 && type <= 137) {
			/* reserved/flags (NA: solicited now and then), then targets */
			put8(o, type == 136 && chance(r, 60) ? 0x60 : 0);
			put(o, "\0\0\0", 3);
			if (type != 133 && type != 134)
				put(o, type == 136 && chance(r, 40) ? V6[4] : pick_v6(r), 16);
			if (type == 137)
				put(o, pick_v6(r), 16);
			if (type == 134)
				put_random(r, o, 8);
			nd_options(r, o);
		} else {
			put_random(r, o, 4 + rng_below(r, 24));
		}
	}
	if (o->len >= start + 40) {
		uint32_t plen = o->len - start - 40;

		o->b[start + 4] = (uint8_t)(plen >> 8);
		o->b[start + 5] = (uint8_t)plen;
	}
}

uint32_t frames_build(struct rng *r, const struct model_cfg *cfg, uint8_t *buf, uint32_t cap)
{
	struct out o = { .b = buf, .cap = cap };

	switch (rng_below(r, 10)) {
	case 0:
	case 1:
		arp(r, cfg, &o);
		break;
	case 2:
	case 3:
	case 4:
		ipv4(r, cfg, &o);
		break;
	case 5:
	case 6:
	case 7:
	case 8:
		ipv6(r, cfg, &o);
		break;
	default:
		/* anything else: another EtherType, or an 802.3 length */
		eth(r, &o, pick_mac(r, cfg, 4), chance(r, 50) ? (uint16_t)rng_below(r, 0x600) :
							       (uint16_t)rng_next(r));
		put_random(r, &o, rng_below(r, 64));
		break;
	}
	return o.len;
}

/* --- mutations ------------------------------------------------------------- */

/* where headers end, for cuts that land on and around them */
static const uint32_t boundaries[] = { 14, 15, 18, 22, 26, 34, 38, 42, 46, 54, 58, 62, 66, 78, 94 };

uint32_t frames_mutate(struct rng *r, uint8_t *buf, uint32_t len, uint32_t cap)
{
	static const uint8_t edge[] = { 0, 1, 2, 4, 5, 6, 8, 0x0f, 0x40, 0x45, 0x4f, 0x60, 0x7f, 0x80,
					0x81, 0x86, 0x88, 0xa8, 0xdd, 0xfe, 0xff };
	unsigned n = 1 + rng_below(r, 4);

	for (unsigned i = 0; i < n && len; i++) {
		uint32_t at = rng_below(r, len);

		switch (rng_below(r, 8)) {
		case 0: {	/* cut short, often at a header boundary */
			uint32_t b = boundaries[rng_below(r, sizeof(boundaries) / 4)];

			len = chance(r, 50) && b < len ? b - rng_below(r, 2) : at;
			break;
		}
		case 1:		/* a random byte */
			buf[at] = (uint8_t)rng_next(r);
			break;
		case 2:		/* an edge value: versions, lengths, types, option lengths */
			buf[at] = edge[rng_below(r, sizeof(edge))];
			break;
		case 3:		/* a bit flipped in the first headers */
			at = rng_below(r, len < 80 ? len : 80);
			buf[at] ^= (uint8_t)(1u << rng_below(r, 8));
			break;
		case 4:		/* garbage appended */
			while (len < cap && chance(r, 95) && len < at + 64)
				buf[len++] = (uint8_t)rng_next(r);
			break;
		case 5:		/* a VLAN tag pushed in front of the EtherType */
			if (len >= 12 && len + 4 <= cap) {
				memmove(buf + 16, buf + 12, len - 12);
				buf[12] = chance(r, 50) ? 0x81 : 0x88;
				buf[13] = buf[12] == 0x81 ? 0x00 : 0xa8;
				buf[14] = (uint8_t)rng_below(r, 16);
				buf[15] = (uint8_t)rng_next(r);
				len += 4;
			}
			break;
		case 6:		/* a 16-bit field set to an edge value */
			if (at + 1 < len) {
				static const uint16_t w[] = { 0, 1, 0x0800, 0x0806, 0x86dd, 0x8100,
							      0x88a8, 0x3fff, 0x2000, 0xffff };
				uint16_t v = w[rng_below(r, sizeof(w) / 2)];

				buf[at] = (uint8_t)(v >> 8);
				buf[at + 1] = (uint8_t)v;
			}
			break;
		default:	/* a chunk repeated */
			if (len + 8 <= cap) {
				uint32_t k = 1 + rng_below(r, 8);

				memmove(buf + at + k, buf + at, len - at);
				len += k;
			}
			break;
		}
	}
	return len;
}
