/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ARP for IPv4 over Ethernet, sent through a packet socket on one
 * interface (the kernel adds the Ethernet header with that interface's
 * MAC). Used for gratuitous ARP and for ARP probing.
 */
#ifndef IPMP_ARP_H
#define IPMP_ARP_H

#include <stddef.h>
#include <stdint.h>

struct arp_packet {
	uint16_t hrd, pro;
	uint8_t hln, pln;
	uint16_t op;
	uint8_t sha[6], spa[4], tha[6], tpa[4];
} __attribute__((packed));

#define ARP_OP_REQUEST	1
#define ARP_OP_REPLY	2

void arp_build(struct arp_packet *p, uint16_t op, const uint8_t sha[6], const uint8_t spa[4],
	       const uint8_t tha[6], const uint8_t tpa[4]);
/* A packet socket that sends ARP and receives nothing; fd or -errno. */
int arp_socket_open(void);
/* Broadcast p on ifindex: 0 or -errno. */
int arp_send(int fd, int ifindex, const struct arp_packet *p);
/*
 * Send a frame's payload through a packet socket on ifindex, to dst_mac
 * with this EtherType (the kernel adds the Ethernet header with the
 * interface's MAC): 0, -EAGAIN when the queue is full, or -errno.
 */
/*
 * The same in an 802.1Q frame with VLAN id vlan (0: untagged, as above):
 * the tag and the inner EtherType lead the payload of an ETH_P_8021Q frame.
 */
int packet_send_vlan(int fd, int ifindex, uint16_t vlan, uint16_t ethertype,
		     const uint8_t dst_mac[6], const void *buf, size_t len);
int packet_send(int fd, int ifindex, uint16_t ethertype, const uint8_t dst_mac[6],
		const void *buf, size_t len);

#endif
