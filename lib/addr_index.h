/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * addr_index, the direct-mapped copy of addr_binding (include/ipmp/maps.h):
 * where an address goes, and how a binding is put into an index image.
 * Used by the agent, and by the tests that fill the maps as it does.
 */
#ifndef IPMP_ADDR_INDEX_H
#define IPMP_ADDR_INDEX_H

#include <ipmp/maps.h>

/* The entry of key's address. */
__u32 addr_index_of(const struct ipmp_addr_key *key);

/*
 * Put key -> ifindex into img (IPMP_ADDR_INDEX entries): into its entry
 * when that is empty or already key's, else the entry is marked as
 * having more (the programs then look in addr_binding).
 */
void addr_index_put(struct ipmp_addr_entry *img, const struct ipmp_addr_key *key, __u32 ifindex);
/* The same, given key's entry itself (addr_index_of(key)). */
void addr_index_entry_put(struct ipmp_addr_entry *e, const struct ipmp_addr_key *key,
			  __u32 ifindex);

#endif
