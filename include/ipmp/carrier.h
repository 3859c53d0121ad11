/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bpf/carrier_off.bpf.c's record: a device of the agent's namespace lost its
 * carrier (netif_carrier_off() returned with the carrier off). Private to
 * one agent process: not pinned, not part of the map layout.
 */
#ifndef IPMP_CARRIER_H
#define IPMP_CARRIER_H

#include <linux/types.h>

struct ipmp_carrier_event {
	__u64 time_ns;		/* CLOCK_MONOTONIC */
	__u32 ifindex;
	__u32 pad;
};

#define IPMP_CARRIER_RINGBUF_BYTES	(16 * 4096)

#endif
