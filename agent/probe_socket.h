/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Sending probes: one raw ICMP (ICMPv6) socket per probing member and
 * family, bound to the member (SO_BINDTODEVICE) and its test address, TTL
 * (hop limit) 1 (spec 3.7, 3.19). It receives nothing: replies are taken
 * by member_xdp before the stack.
 */
#ifndef IPMP_PROBE_SOCKET_H
#define IPMP_PROBE_SOCKET_H

#include <stdint.h>

#include "ipaddr.h"
#include "probe.h"

/* A socket fd for the test address's family, or -errno (logged). */
int probe_socket_open(const char *ifname, int ifindex, const struct ip_prefix *test_addr);
/* 0, -EAGAIN when the queue is full (counts as sent), or -errno. */
int probe_socket_send(int fd, int ifindex, const struct ip_prefix *dst, uint16_t echo_id,
		      uint16_t seq, enum probe_kind kind, uint64_t sent_ns, uint64_t nonce);
/* Build the ICMP or ICMPv6 echo request into buf (at least 40 bytes); returns its length. */
size_t probe_packet_build(uint8_t *buf, int family, uint16_t echo_id, uint16_t seq,
			  enum probe_kind kind, uint64_t sent_ns, uint64_t nonce);

#endif
