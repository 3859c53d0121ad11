// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* ARP frames and the socket that sends them (lib/arp.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>

#include "arp.h"

void arp_build(struct arp_packet *p, uint16_t op, const uint8_t sha[6], const uint8_t spa[4],
	       const uint8_t tha[6], const uint8_t tpa[4])
{
	p->hrd = htons(1);
	p->pro = htons(ETH_P_IP);
	p->hln = 6;
	p->pln = 4;
	p->op = htons(op);
	memcpy(p->sha, sha, 6);
	memcpy(p->spa, spa, 4);
	memcpy(p->tha, tha, 6);
	memcpy(p->tpa, tpa, 4);
}

int arp_socket_open(void)
{
	/* protocol 0: the socket is bound to no EtherType, so nothing queues on it */
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	return fd < 0 ? -errno : fd;
}

int packet_send(int fd, int ifindex, uint16_t ethertype, const uint8_t dst_mac[6],
		const void *buf, size_t len)
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ethertype),
		.sll_ifindex = ifindex,
		.sll_halen = ETH_ALEN,
	};

	memcpy(to.sll_addr, dst_mac, ETH_ALEN);
	if (sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return 0;
}

int packet_send_vlan(int fd, int ifindex, uint16_t vlan, uint16_t ethertype,
		     const uint8_t dst_mac[6], const void *buf, size_t len)
{
	uint8_t tagged[4 + 1500];
	uint16_t tci = htons(vlan & 0x0fff), inner = htons(ethertype);

	if (!vlan)
		return packet_send(fd, ifindex, ethertype, dst_mac, buf, len);
	if (len > sizeof(tagged) - 4)
		return -EMSGSIZE;
	memcpy(tagged, &tci, 2);
	memcpy(tagged + 2, &inner, 2);
	memcpy(tagged + 4, buf, len);
	return packet_send(fd, ifindex, ETH_P_8021Q, dst_mac, tagged, len + 4);
}

int arp_send(int fd, int ifindex, const struct arp_packet *p)
{
	static const uint8_t broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	return packet_send(fd, ifindex, ETH_P_ARP, broadcast, p, sizeof(*p));
}
