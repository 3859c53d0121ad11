// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The direct-mapped binding index (addr_index.h). */
#include <string.h>

#include "addr_index.h"

__u32 addr_index_of(const struct ipmp_addr_key *key)
{
	__u32 w[4];

	memcpy(w, key->addr, sizeof(w));
	return key->family == IPMP_AF_INET ? ipmp_addr_index_v4(w[0]) :
					     ipmp_addr_index_v6(w[0], w[1], w[2], w[3]);
}

void addr_index_put(struct ipmp_addr_entry *img, const struct ipmp_addr_key *key, __u32 ifindex)
{
	addr_index_entry_put(&img[addr_index_of(key)], key, ifindex);
}

void addr_index_entry_put(struct ipmp_addr_entry *e, const struct ipmp_addr_key *key, __u32 ifindex)
{
	if (e->family &&
	    (e->family != key->family || memcmp(e->addr, key->addr, sizeof(e->addr)))) {
		e->more = 1;
		return;
	}
	e->family = key->family;
	memcpy(e->addr, key->addr, sizeof(e->addr));
	e->b.ifindex = ifindex;
}
