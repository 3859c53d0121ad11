/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* IP addresses and prefixes as the agent and the commands read and print them. */
#ifndef IPMP_IPADDR_H
#define IPMP_IPADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct ip_prefix {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network byte order; IPv4 uses the first 4 bytes */
	unsigned plen;
};

#define IP_PREFIX_STRLEN	(46 + 4)

/* Parse "ADDR/PLEN" (or a bare ADDR when plen_required is false: host
 * prefix). Returns 0, or -EINVAL with *why set to a static explanation. */
int ip_prefix_parse(const char *s, bool plen_required, struct ip_prefix *out, const char **why);
bool ip_prefix_same_addr(const struct ip_prefix *a, const struct ip_prefix *b);
/* "192.0.2.10/24", or the address alone when with_plen is false. */
const char *ip_prefix_str(const struct ip_prefix *p, bool with_plen, char *buf, size_t len);
/* An Ethernet address as 02:00:5e:10:00:01 (MAC_STRLEN bytes with the NUL). */
#define MAC_STRLEN	18
const char *mac_str(const uint8_t *mac, char buf[MAC_STRLEN]);
unsigned ip_addr_len(int family);
/* An IPv6 link-local address (fe80::/10)? */
bool ip_is_link_local6(const struct ip_prefix *p);
/* Why p cannot be a data address (multicast, unspecified, IPv6 link-local), or NULL. */
const char *ip_data_address_unfit(const struct ip_prefix *p);

#endif
