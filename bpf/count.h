/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Per-CPU counters: add one to entry key of a PERCPU_ARRAY of __u64. */
#ifndef IPMP_BPF_COUNT_H
#define IPMP_BPF_COUNT_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __always_inline void count_in(void *map, __u32 key)
{
	__u64 *n = bpf_map_lookup_elem(map, &key);

	if (n)
		*n += 1;
}

#endif
