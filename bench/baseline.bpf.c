// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The least a tc redirector can do: the baseline for bench/prog_ns.c. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tc")
int redirect_only(struct __sk_buff *skb)
{
	return bpf_redirect(101, 0);
}
