/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A table keyed by IP address (family and address; the prefix length is
 * not part of the key), holding a 32-bit value and a mark per entry: the
 * data plane's cache of what it wrote into addr_binding, and a restart's
 * record of what the previous agent had bound. Open addressing, grown
 * at three quarters full; deleting leaves a tombstone that insertion
 * reuses and growth sweeps away.
 */
#ifndef IPMP_ADDRMAP_H
#define IPMP_ADDRMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "ipaddr.h"

enum { ADDRMAP_EMPTY = 0, ADDRMAP_USED, ADDRMAP_DELETED };

struct addrmap_entry {
	uint8_t state;		/* ADDRMAP_* */
	uint8_t family;		/* AF_INET, AF_INET6 */
	uint8_t addr[16];
	uint32_t value;
	uint64_t mark;		/* the owner's: e.g. the push that last saw the address */
};

struct addrmap {
	struct addrmap_entry *slots;
	unsigned cap;		/* 0 or a power of two */
	unsigned used;		/* ADDRMAP_USED entries */
	unsigned deleted;	/* tombstones */
};

/* The entry for key's address, or NULL. */
struct addrmap_entry *addrmap_lookup(const struct addrmap *m, const struct ip_prefix *key);
/* The entry for key's address, added with value 0 and mark 0 if absent; NULL if out of memory. */
struct addrmap_entry *addrmap_insert(struct addrmap *m, const struct ip_prefix *key);
/* Remove an entry addrmap_lookup() or addrmap_insert() returned. */
void addrmap_remove(struct addrmap *m, struct addrmap_entry *e);
/* The entry's address, as a prefix of full length. */
void addrmap_key(const struct addrmap_entry *e, struct ip_prefix *out);
void addrmap_free(struct addrmap *m);

/* Every entry in use; removing the current one while walking is allowed. */
#define addrmap_for_each(m, e)                                                              \
	for (struct addrmap_entry *e = (m)->slots; e && e < (m)->slots + (m)->cap; e++)      \
		if (e->state != ADDRMAP_USED) {                                            \
		} else

#endif
