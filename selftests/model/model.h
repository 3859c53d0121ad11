/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A reference model of the three eBPF programs' verdicts, written apart
 * from them in plain user-space C from their documented contracts
 * (the comments at the top of each bpf/<program>.bpf.c, include/ipmp/maps.h and
 * include/ipmp/probe.h), not from their code: byte offsets and explicit
 * length checks instead of header structs and a cursor.
 *
 * Given the maps' contents (struct model_cfg) and one frame, it says what
 * the program must do: its return code, the frame it leaves (headers
 * rewritten), the counter it bumps, and for member_xdp the probe event it
 * reports. The one thing it cannot know is the kernel's flow hash: for a
 * frame group_egress spreads by flow it names the members the flow may
 * leave through, and whether "no member" is possible too.
 */
#ifndef IPMP_MODEL_H
#define IPMP_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <ipmp/maps.h>
#include <ipmp/probe.h>

#define MODEL_MEMBERS	4
#define MODEL_BINDINGS	8
#define MODEL_FRAME_MAX	1536

/* return codes, as the kernel defines them (linux/pkt_cls.h, linux/bpf.h) */
#define MODEL_TC_OK		0
#define MODEL_TC_SHOT		2
#define MODEL_TC_REDIRECT	7
#define MODEL_XDP_DROP		1
#define MODEL_XDP_PASS		2

struct model_member {
	uint32_t ifindex;
	uint32_t slot;
	bool active;
	uint8_t mac[6];
};

struct model_binding {
	int family;		/* 4 or 6 */
	uint8_t addr[16];
	uint32_t ifindex;
};

struct model_cfg {
	/* group_cfg; group_ifindex 0 is "no group configured" */
	uint32_t group_ifindex;
	bool group_dev_exists;	/* clone-redirect to it can succeed */
	uint32_t bcast_ifindex, mcast6_ifindex;
	uint8_t group_mac[6];
	struct model_member members[MODEL_MEMBERS];
	unsigned nmembers;
	uint32_t tx[MODEL_MEMBERS];
	unsigned ntx;
	/*
	 * The slots the flow buckets name (bit n: slot n); a flow leaves by
	 * its bucket's member while that one is active, else by tx_set. 0:
	 * the buckets name only tx_set's members. The harness fills it.
	 */
	uint32_t bucket_slots;
	struct model_binding bindings[MODEL_BINDINGS];
	unsigned nbindings;
	uint32_t rx_ifindex;	/* the member frames arrive on (member_ingress, member_xdp) */
	/* probe_cfg of rx_ifindex */
	bool probing;
	struct ipmp_probe_cfg probe;
};

struct model_verdict {
	int ret;			/* program return code */
	int drop;			/* enum ipmp_drop counted, or -1 */
	int probe_stat;			/* enum ipmp_probe_stat counted, or -1 */
	uint8_t out[MODEL_FRAME_MAX];	/* the frame as the program leaves it */
	uint32_t len;
	int csum_off;			/* ICMPv6 checksum rewritten here (-1: none) */
	uint32_t csum_from;		/* ... over the bytes from here to the end */
	/* egress: which member it leaves by; ingress: the member counted for rx */
	uint32_t ifindex;
	int slot;			/* stats slot counted, or -1 */
	/* egress, spread by flow: any of these, chosen by the kernel's hash */
	bool by_flow;
	uint32_t flow_members[MODEL_MEMBERS];
	unsigned nflow_members;
	bool flow_may_fail;		/* a hash may pick no usable member */
	/* member_xdp */
	bool event;
	struct ipmp_probe_event ev;	/* rx_ns not predicted */
};

void model_group_egress(const struct model_cfg *cfg, const uint8_t *frame, uint32_t len,
			struct model_verdict *v);
void model_member_ingress(const struct model_cfg *cfg, const uint8_t *frame, uint32_t len,
			  struct model_verdict *v);
void model_member_xdp(const struct model_cfg *cfg, const uint8_t *frame, uint32_t len,
		      struct model_verdict *v);

/* A member's record, or NULL. */
const struct model_member *model_member(const struct model_cfg *cfg, uint32_t ifindex);
/* Ones'-complement sum of len bytes (16-bit big-endian words), folded. */
uint16_t model_sum16(const uint8_t *p, uint32_t len);
/* The tag member_xdp expects of a probe (include/ipmp/siphash.h), computed from its contract. */
uint64_t model_probe_tag(const __u64 key[2], uint8_t family, uint16_t kind, uint16_t id,
			 uint16_t seq, uint64_t sent_ns, const uint8_t *addr);

#endif
