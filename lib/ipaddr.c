// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* IP address and prefix parsing and printing (lib/ipaddr.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipaddr.h"

unsigned ip_addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

int ip_prefix_parse(const char *s, bool plen_required, struct ip_prefix *out, const char **why)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long plen;
	char *end;

	memset(out, 0, sizeof(*out));
	if (alen == 0 || alen >= INET6_ADDRSTRLEN) {
		*why = "not an IP address";
		return -EINVAL;
	}
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->family = AF_INET;
	} else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		out->family = AF_INET6;
	} else {
		*why = "not an IP address";
		return -EINVAL;
	}
	if (!slash) {
		if (plen_required) {
			*why = "missing prefix length (ADDR/PLEN)";
			return -EINVAL;
		}
		out->plen = ip_addr_len(out->family) * 8;
		return 0;
	}
	errno = 0;
	plen = strtoul(slash + 1, &end, 10);
	if (errno || end == slash + 1 || *end || plen > ip_addr_len(out->family) * 8) {
		*why = "bad prefix length";
		return -EINVAL;
	}
	out->plen = plen;
	return 0;
}

bool ip_prefix_same_addr(const struct ip_prefix *a, const struct ip_prefix *b)
{
	return a->family == b->family && !memcmp(a->addr, b->addr, ip_addr_len(a->family));
}

const char *ip_prefix_str(const struct ip_prefix *p, bool with_plen, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(p->family, p->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	if (with_plen)
		snprintf(buf, len, "%s/%u", a, p->plen);
	else
		snprintf(buf, len, "%s", a);
	return buf;
}

bool ip_is_link_local6(const struct ip_prefix *p)
{
	return p->family == AF_INET6 && p->addr[0] == 0xfe && (p->addr[1] & 0xc0) == 0x80;
}

const char *ip_data_address_unfit(const struct ip_prefix *p)
{
	static const uint8_t zero[16];

	if (!memcmp(p->addr, zero, ip_addr_len(p->family)))
		return "the unspecified address";
	if (p->family == AF_INET)
		return p->addr[0] >= 224 ? "multicast or reserved" : NULL;
	if (p->addr[0] == 0xff)
		return "multicast";
	if (ip_is_link_local6(p))
		return "link-local (the group interface has its own, from the kernel)";
	return NULL;
}

const char *mac_str(const uint8_t *mac, char buf[MAC_STRLEN])
{
	snprintf(buf, MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
	return buf;
}
