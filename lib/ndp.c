// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Neighbour advertisements (lib/ndp.h). */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <string.h>

#include "arp.h"
#include "inet_csum.h"
#include "ndp.h"

static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };

uint16_t icmp6_checksum(const uint8_t src[16], const uint8_t dst[16], const uint8_t *msg,
			size_t len)
{
	uint8_t buf[40 + 1500];
	uint32_t l = htonl(len);

	if (len > sizeof(buf) - 40)
		return 0;
	/* pseudo-header: source, destination, length, three zero bytes, next header */
	memcpy(buf, src, 16);
	memcpy(buf + 16, dst, 16);
	memcpy(buf + 32, &l, 4);
	memset(buf + 36, 0, 3);
	buf[39] = 58;
	memcpy(buf + 40, msg, len);
	return inet_csum(buf, 40 + len);
}

void ndp_build_unsolicited_na(uint8_t out[NDP_NA_LEN], const uint8_t mac[6],
			      const uint8_t addr[16])
{
	uint8_t *icmp = out + 40;
	uint16_t sum, plen = htons(NDP_NA_LEN - 40);

	memset(out, 0, NDP_NA_LEN);
	out[0] = 0x60;
	memcpy(out + 4, &plen, 2);
	out[6] = 58;		/* ICMPv6 */
	out[7] = 255;		/* hop limit: receivers check it (RFC 4861 7.1.2) */
	memcpy(out + 8, addr, 16);
	memcpy(out + 24, all_nodes, 16);
	icmp[0] = 136;		/* neighbour advertisement */
	icmp[4] = 0x20;		/* override; not a router, not solicited */
	memcpy(icmp + 8, addr, 16);
	icmp[24] = 2;		/* target link-layer address option, one unit */
	icmp[25] = 1;
	memcpy(icmp + 26, mac, 6);
	sum = icmp6_checksum(addr, all_nodes, icmp, 32);
	memcpy(icmp + 2, &sum, 2);
}

int ndp_send_all_nodes(int fd, int ifindex, const uint8_t *pkt, size_t len)
{
	static const uint8_t all_nodes_mac[ETH_ALEN] = { 0x33, 0x33, 0, 0, 0, 1 };

	return packet_send(fd, ifindex, ETH_P_IPV6, all_nodes_mac, pkt, len);
}
