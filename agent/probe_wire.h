/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Probes on the wire: a member's probe socket (raw ICMP or ICMPv6, bound
 * to the member and its test address, TTL/hop limit 1, or 255 for NS;
 * it receives nothing) and what it sends. Returns are 0 or -errno
 * (-EAGAIN: the socket's queue is full).
 */
#ifndef IPMP_PROBE_WIRE_H
#define IPMP_PROBE_WIRE_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

#include "ipaddr.h"
#include "probe.h"

/* A socket for test_addr's family on ifname (nd: for neighbour solicitations); logs a failure. */
int probe_wire_open(const char *ifname, int ifindex, const struct ip_prefix *test_addr, bool nd);
/* An echo request to dst (for the all-hosts probe: the group) with the probe's tag under key. */
int probe_wire_send_echo(int fd, int ifindex, const struct ip_prefix *dst, uint16_t echo_id,
			 uint16_t seq, enum probe_kind kind, uint64_t sent_ns, const __u64 key[2]);
/* A neighbour solicitation for target, to its solicited-node group, with mac as source option. */
int probe_wire_send_ns(int fd, int ifindex, const struct ip_prefix *target, const uint8_t mac[6]);

#endif
