/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * IPv6 neighbour discovery messages the agent sends itself, through a
 * packet socket on one member (the kernel adds the Ethernet header with
 * that member's MAC): the unsolicited neighbour advertisement that
 * announces where an address now lives (RFC 4861 7.2.6), the IPv6 twin
 * of a gratuitous ARP.
 */
#ifndef IPMP_NDP_H
#define IPMP_NDP_H

#include <stddef.h>
#include <stdint.h>

#define NDP_NA_LEN	(40 + 24 + 8)	/* IPv6 header, NA with its target, TLLAO */

/* To all nodes, override set, from and for addr, with mac as its target link-layer address. */
void ndp_build_unsolicited_na(uint8_t out[NDP_NA_LEN], const uint8_t mac[6],
			      const uint8_t addr[16]);
/* Send an IPv6 packet to the all-nodes group on ifindex: 0 or -errno. */
int ndp_send_all_nodes(int fd, int ifindex, const uint8_t *pkt, size_t len);
/* The ICMPv6 checksum of msg from src to dst (network byte order). */
uint16_t icmp6_checksum(const uint8_t src[16], const uint8_t dst[16], const uint8_t *msg,
			size_t len);

#endif
