// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Probes on the wire (agent/probe_wire.h): the sockets that send them,
 * receiving nothing (member_xdp takes the replies), and the packets: an
 * ICMP/ICMPv6 echo with the probe payload of include/ipmp/probe.h and its
 * tag, or a neighbour solicitation. ARP probes are agent/arp.c's.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ipmp/maps.h>
#include <ipmp/probe.h>
#include <ipmp/siphash.h>
#include "inet_csum.h"
#include "log.h"
#include "probe_wire.h"

#ifndef ICMP_FILTER
#define ICMP_FILTER	1	/* linux/icmp.h, which clashes with net/if.h */
#endif

#define PROBE_NS_LEN	(8 + 16 + 8)	/* NS: header, target, source link-layer option */

static uint32_t kind_code(enum probe_kind kind)
{
	switch (kind) {
	case PROBE_MULTI:
		return IPMP_PROBE_MULTI;
	case PROBE_RTT:
		return IPMP_PROBE_RTT;
	default:
		return IPMP_PROBE_UNI;
	}
}

static size_t probe_packet_build(uint8_t *buf, int family, uint16_t echo_id, uint16_t seq,
			  enum probe_kind kind, uint64_t sent_ns, uint64_t tag)
{
	struct icmphdr *icmp = (struct icmphdr *)buf;
	struct ipmp_probe_payload *payload = (struct ipmp_probe_payload *)(buf + sizeof(*icmp));
	size_t len = sizeof(*icmp) + sizeof(*payload);

	memset(buf, 0, len);
	icmp->type = ICMP_ECHO;
	icmp->un.echo.id = echo_id;
	icmp->un.echo.sequence = htons(seq);
	payload->sent_ns = htobe64(sent_ns);
	payload->kind = htonl(kind_code(kind));
	payload->tag = tag;
	if (family == AF_INET6)
		icmp->type = 128;	/* echo request; the kernel computes the checksum */
	else
		icmp->checksum = inet_csum(buf, len);
	return len;
}

static int probe_open4(const char *ifname, int ifindex, const struct ip_prefix *test_addr)
{
	struct sockaddr_in local = { .sin_family = AF_INET };
	struct ip_mreqn mreq = { .imr_ifindex = ifindex };
	int fd, ttl = 1, off = 0;
	uint32_t filter_all = ~0u;	/* ICMP_FILTER: receive no type at all */

	memcpy(&local.sin_addr, test_addr->addr, 4);
	memcpy(&mreq.imr_address, test_addr->addr, 4);
	fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, strlen(ifname) + 1) ||
	    bind(fd, (struct sockaddr *)&local, sizeof(local)) ||
	    setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &off, sizeof(off)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof(mreq)) ||
	    setsockopt(fd, SOL_RAW, ICMP_FILTER, &filter_all, sizeof(filter_all))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ICMPv6 from the link-local test address, hop limit 1 (spec 3.19), 255 for ND. */
static int probe_open6(const char *ifname, int ifindex, const struct ip_prefix *test_addr,
			      int hops)
{
	struct sockaddr_in6 local = { .sin6_family = AF_INET6, .sin6_scope_id = ifindex };
	struct icmp6_filter filter;
	int fd, off = 0;

	memcpy(&local.sin6_addr, test_addr->addr, 16);
	ICMP6_FILTER_SETBLOCKALL(&filter);	/* receive nothing: XDP takes the replies */
	fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, strlen(ifname) + 1) ||
	    bind(fd, (struct sockaddr *)&local, sizeof(local)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) ||
	    setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter))) {
		close(fd);
		return -1;
	}
	return fd;
}

int probe_wire_open(const char *ifname, int ifindex, const struct ip_prefix *test_addr, bool nd)
{
	char buf[IP_PREFIX_STRLEN];
	int fd = test_addr->family == AF_INET6 ?
			 probe_open6(ifname, ifindex, test_addr, nd ? 255 : 1) :
			 probe_open4(ifname, ifindex, test_addr);
	int ret = -errno;

	if (fd >= 0)
		return fd;
	pr_err("cannot open a probe socket on %s from %s: %s", ifname,
	       ip_prefix_str(test_addr, false, buf, sizeof(buf)), strerror(-ret));
	return ret;
}

int probe_wire_send_echo(int fd, int ifindex, const struct ip_prefix *dst, uint16_t echo_id,
		      uint16_t seq, enum probe_kind kind, uint64_t sent_ns, const __u64 key[2])
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct sockaddr_in6 to6 = { .sin6_family = AF_INET6, .sin6_scope_id = ifindex };
	bool v6 = dst->family == AF_INET6;
	uint8_t pkt[64];
	/* the tag binds this probe; for the all-hosts one, dst is the group it goes to */
	uint64_t tag = ipmp_probe_tag(key, v6 ? IPMP_AF_INET6 : IPMP_AF_INET, kind_code(kind), echo_id,
				      seq, sent_ns, dst->addr);
	size_t len = probe_packet_build(pkt, dst->family, echo_id, seq, kind, sent_ns, tag);

	memcpy(&to.sin_addr, dst->addr, 4);
	memcpy(&to6.sin6_addr, dst->addr, 16);
	if (sendto(fd, pkt, len, 0, v6 ? (struct sockaddr *)&to6 : (struct sockaddr *)&to,
		   v6 ? sizeof(to6) : sizeof(to)) < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return 0;
}

static size_t probe_ns_build(uint8_t *buf, const uint8_t target[16], const uint8_t mac[6])
{
	memset(buf, 0, PROBE_NS_LEN);
	buf[0] = ND_NEIGHBOR_SOLICIT;	/* the kernel computes the checksum */
	memcpy(buf + 8, target, 16);
	buf[24] = ND_OPT_SOURCE_LINKADDR;
	buf[25] = 1;
	memcpy(buf + 26, mac, 6);
	return PROBE_NS_LEN;
}

int probe_wire_send_ns(int fd, int ifindex, const struct ip_prefix *target, const uint8_t mac[6])
{
	/* to the target's solicited-node group: no neighbour resolution before it can leave */
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_scope_id = ifindex,
				   .sin6_addr.s6_addr = { 0xff, 0x02, [11] = 1, [12] = 0xff } };
	uint8_t pkt[PROBE_NS_LEN];

	memcpy(&to.sin6_addr.s6_addr[13], target->addr + 13, 3);
	probe_ns_build(pkt, target->addr, mac);
	if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return 0;
}
