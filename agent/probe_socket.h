/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Sending probes: one raw ICMP (ICMPv6) socket per probing member and
 * family, bound to the member (SO_BINDTODEVICE) and its test address, TTL
 * (hop limit) 1 (spec 3.7, 3.19). It receives nothing: replies are taken
 * by member_xdp before the stack.
 */
#ifndef IPMP_PROBE_SOCKET_H
#define IPMP_PROBE_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipaddr.h"
#include "probe.h"

/* A socket fd for the test address's family (nd: for NS probes), or -errno (logged). */
int probe_socket_open(const char *ifname, int ifindex, const struct ip_prefix *test_addr, bool nd);
/* 0, -EAGAIN when the queue is full (counts as sent), or -errno. */
int probe_socket_send(int fd, int ifindex, const struct ip_prefix *dst, uint16_t echo_id,
		      uint16_t seq, enum probe_kind kind, uint64_t sent_ns, uint64_t nonce);
/* Build the ICMP or ICMPv6 echo request into buf (at least 40 bytes); returns its length. */
size_t probe_packet_build(uint8_t *buf, int family, uint16_t echo_id, uint16_t seq,
			  enum probe_kind kind, uint64_t sent_ns, uint64_t nonce);

/*
 * NS probing (IPv6 with probe = arp): a neighbour solicitation for the
 * target with the member's MAC, sent to the target's solicited-node group
 * with hop limit 255; the answer is a solicited NA to the test address.
 */
#define PROBE_NS_LEN	(8 + 16 + 8)
size_t probe_ns_build(uint8_t *buf, const uint8_t target[16], const uint8_t mac[6]);
int probe_socket_send_ns(int fd, int ifindex, const struct ip_prefix *target, const uint8_t mac[6]);

#endif
