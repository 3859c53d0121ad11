// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Benchmark aid: drop a given per-mille of ICMP/ARP frames at random (XDP). */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u32 drop_per_mille = 50;

SEC("xdp")
int lossy(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u8 *l4proto = data + sizeof(*eth) + 9;

	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		if ((void *)(l4proto + 1) > end || *l4proto != 1 /* ICMP */)
			return XDP_PASS;
	} else if (eth->h_proto != bpf_htons(ETH_P_ARP)) {
		return XDP_PASS;
	}
	return bpf_get_prandom_u32() % 1000 < drop_per_mille ? XDP_DROP : XDP_PASS;
}
