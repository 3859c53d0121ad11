/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The probe tag, shared by the agent (which puts it in every echo
 * request) and member_xdp (which checks it in every echo reply): SipHash-2-4
 * (Aumasson and Bernstein, 2012) of a fixed 32-byte message, under a
 * 128-bit key the agent draws at start and never sends.
 *
 *   word 0   family | kind << 8 | echo id << 24 | sequence << 40   (see below)
 *   word 1   the probe's send time (ns, CLOCK_MONOTONIC)
 *   word 2-3 the target's address (IPv4 in the first 4 bytes, the rest 0);
 *            for the all-hosts probe the group it went to (224.0.0.1, ff02::1)
 *
 * Each probe's tag is thus unpredictable without the key, and bound to
 * its kind, sequence, send time and target: seeing one probe (the
 * all-hosts echo, which every host on the link receives) tells nothing
 * about the tag of any other.
 *
 * Written for both sides: plain C on fixed-width types, no loops a BPF
 * verifier would mind, no library calls.
 */
#ifndef IPMP_SIPHASH_H
#define IPMP_SIPHASH_H

#include <linux/types.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define IPMP_ROTL64(x, b) (((x) << (b)) | ((x) >> (64 - (b))))

#define IPMP_SIPROUND(v0, v1, v2, v3)                                                        \
	do {                                                                                 \
		v0 += v1;                                                                    \
		v1 = IPMP_ROTL64(v1, 13);                                                    \
		v1 ^= v0;                                                                    \
		v0 = IPMP_ROTL64(v0, 32);                                                    \
		v2 += v3;                                                                    \
		v3 = IPMP_ROTL64(v3, 16);                                                    \
		v3 ^= v2;                                                                    \
		v0 += v3;                                                                    \
		v3 = IPMP_ROTL64(v3, 21);                                                    \
		v3 ^= v0;                                                                    \
		v2 += v1;                                                                    \
		v1 = IPMP_ROTL64(v1, 17);                                                    \
		v1 ^= v2;                                                                    \
		v2 = IPMP_ROTL64(v2, 32);                                                    \
	} while (0)

/* One 8-byte word of the message: two compression rounds. */
#define IPMP_SIPWORD(v0, v1, v2, v3, m)                                                      \
	do {                                                                                 \
		v3 ^= (m);                                                                   \
		IPMP_SIPROUND(v0, v1, v2, v3);                                               \
		IPMP_SIPROUND(v0, v1, v2, v3);                                               \
		v0 ^= (m);                                                                   \
	} while (0)

/* SipHash-2-4 of exactly four little-endian words (a 32-byte message). */
static __always_inline __u64 ipmp_siphash32(const __u64 key[2], __u64 m0, __u64 m1, __u64 m2,
					    __u64 m3)
{
	__u64 v0 = key[0] ^ 0x736f6d6570736575ULL, v1 = key[1] ^ 0x646f72616e646f6dULL;
	__u64 v2 = key[0] ^ 0x6c7967656e657261ULL, v3 = key[1] ^ 0x7465646279746573ULL;
	__u64 last = (__u64)32 << 56;	/* the length byte; no bytes left over */

	IPMP_SIPWORD(v0, v1, v2, v3, m0);
	IPMP_SIPWORD(v0, v1, v2, v3, m1);
	IPMP_SIPWORD(v0, v1, v2, v3, m2);
	IPMP_SIPWORD(v0, v1, v2, v3, m3);
	IPMP_SIPWORD(v0, v1, v2, v3, last);
	v2 ^= 0xff;
	IPMP_SIPROUND(v0, v1, v2, v3);
	IPMP_SIPROUND(v0, v1, v2, v3);
	IPMP_SIPROUND(v0, v1, v2, v3);
	IPMP_SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/* Eight bytes as a little-endian word, whatever the host's order or alignment. */
static __always_inline __u64 ipmp_le64(const __u8 *p)
{
	return (__u64)p[0] | (__u64)p[1] << 8 | (__u64)p[2] << 16 | (__u64)p[3] << 24 |
	       (__u64)p[4] << 32 | (__u64)p[5] << 40 | (__u64)p[6] << 48 | (__u64)p[7] << 56;
}

/*
 * The tag of one probe. family: IPMP_AF_INET or IPMP_AF_INET6; kind:
 * IPMP_PROBE_UNI/MULTI/RTT; echo_id as on the wire (network order);
 * addr: 4 (IPv4) or 16 bytes.
 */
static __always_inline __u64 ipmp_probe_tag(const __u64 key[2], __u8 family, __u16 kind,
					    __u16 echo_id, __u16 seq, __u64 sent_ns,
					    const __u8 *addr)
{
	__u64 w0 = (__u64)family | (__u64)kind << 8 | (__u64)echo_id << 24 | (__u64)seq << 40;
	__u64 w2, w3 = 0;

	if (family == 6 /* IPMP_AF_INET6 */) {
		w2 = ipmp_le64(addr);
		w3 = ipmp_le64(addr + 8);
	} else {
		w2 = (__u64)addr[0] | (__u64)addr[1] << 8 | (__u64)addr[2] << 16 |
		     (__u64)addr[3] << 24;
	}
	return ipmp_siphash32(key, w0, sent_ns, w2, w3);
}

#endif /* IPMP_SIPHASH_H */
