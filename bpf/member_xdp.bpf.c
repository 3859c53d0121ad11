// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * member_xdp: XDP on every probing member, the earliest point a reply can
 * be seen. It recognises echo replies to the agent's probes, stamps them
 * with the kernel clock and hands them to the agent through a ring
 * buffer; that time is what NETRTT measures. Recognised replies are
 * consumed here; everything else passes untouched.
 *
 * A reply is ours when it is an unfragmented ICMP echo reply (behind up
 * to two VLAN tags, IP options allowed) to this member's test address,
 * with this member's identifier, carrying a full probe payload whose tag
 * is the one the agent computed for that very probe (include/ipmp/siphash.h:
 * keyed, per probe, bound to kind, sequence, send time and target). Our
 * identifier with any other tag is a forgery, a replay onto another
 * probe, or a stale agent's: counted, dropped, never reported. With ARP probing, an
 * ARP reply to the member's MAC for target IP 0.0.0.0 (the answer to an
 * RFC 5227 probe) is reported the same way, and with NS probing a
 * solicited NA to the member's link-local. Which sequence numbers and
 * sources count is the agent's decision (spec 3.9).
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include "count.h"
#include "parse.h"
#include <ipmp/maps.h>
#include <ipmp/probe.h>
#include "probe_maps.bpf.h"
#include "probe_reply.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Generic XDP (in the stack): the kernel hands it each frame in one piece. */
SEC("xdp")
int member_xdp(struct xdp_md *ctx)
{
	return probe_reply_frame((void *)(long)ctx->data, (void *)(long)ctx->data_end,
				 ctx->ingress_ifindex) == PROBE_DROP ? XDP_DROP : XDP_PASS;
}

/*
 * Native XDP: the same, declared able to take a frame in fragments, which
 * a driver needs for an MTU above a page (jumbo frames). A probe reply is
 * small: only its headers, in the first buffer, are read. Not used for
 * generic XDP, where the kernel then stops linearising the frame and a
 * stacked device (macvlan) loses its frames.
 */
SEC("xdp.frags")
int member_xdp_frags(struct xdp_md *ctx)
{
	return probe_reply_frame((void *)(long)ctx->data, (void *)(long)ctx->data_end,
				 ctx->ingress_ifindex) == PROBE_DROP ? XDP_DROP : XDP_PASS;
}
