// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* An address-keyed table (agent/addrmap.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "addrmap.h"

#define ADDRMAP_MIN_CAP	16

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

static uint64_t key_hash(uint8_t family, const uint8_t addr[16])
{
	uint64_t lo, hi;

	memcpy(&lo, addr, 8);
	memcpy(&hi, addr + 8, 8);
	return mix(lo ^ mix(hi ^ family));
}

static bool key_equal(const struct addrmap_entry *e, uint8_t family, const uint8_t addr[16])
{
	return e->family == family && !memcmp(e->addr, addr, sizeof(e->addr));
}

/* Only the address's own bytes count: the rest of a prefix's buffer is not part of it. */
static void key_of(const struct ip_prefix *p, uint8_t *family, uint8_t addr[16])
{
	*family = (uint8_t)p->family;
	memset(addr, 0, 16);
	memcpy(addr, p->addr, ip_addr_len(p->family));
}

/* The used entry for the key, or (want_free) the first free slot its probe passed. */
static struct addrmap_entry *probe_for(const struct addrmap *m, uint8_t family,
				       const uint8_t addr[16], bool want_free)
{
	struct addrmap_entry *tomb = NULL;
	unsigned mask = m->cap - 1, i;

	if (!m->cap)
		return NULL;
	for (i = key_hash(family, addr) & mask;; i = (i + 1) & mask) {
		struct addrmap_entry *e = &m->slots[i];

		if (e->state == ADDRMAP_EMPTY)
			return want_free ? (tomb ? tomb : e) : NULL;
		if (e->state == ADDRMAP_DELETED) {
			if (!tomb)
				tomb = e;
		} else if (key_equal(e, family, addr)) {
			return e;
		}
	}
}

struct addrmap_entry *addrmap_lookup(const struct addrmap *m, const struct ip_prefix *key)
{
	uint8_t family, addr[16];

	key_of(key, &family, addr);
	return probe_for(m, family, addr, false);
}

static int grow(struct addrmap *m)
{
	unsigned cap = m->cap ? m->cap : ADDRMAP_MIN_CAP;
	struct addrmap_entry *old = m->slots, *slots;
	unsigned old_cap = m->cap;

	while ((m->used + 1) * 4 >= cap * 3)
		cap *= 2;
	slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	m->slots = slots;
	m->cap = cap;
	m->deleted = 0;
	for (unsigned i = 0; i < old_cap; i++)
		if (old[i].state == ADDRMAP_USED)
			*probe_for(m, old[i].family, old[i].addr, true) = old[i];
	free(old);
	return 0;
}

struct addrmap_entry *addrmap_insert(struct addrmap *m, const struct ip_prefix *key)
{
	struct addrmap_entry *e;
	uint8_t family, addr[16];

	key_of(key, &family, addr);
	e = probe_for(m, family, addr, false);
	if (e)
		return e;
	if ((m->used + m->deleted + 1) * 4 >= m->cap * 3 && grow(m))
		return NULL;
	e = probe_for(m, family, addr, true);
	if (e->state == ADDRMAP_DELETED)
		m->deleted--;
	*e = (struct addrmap_entry){ .state = ADDRMAP_USED, .family = family };
	memcpy(e->addr, addr, sizeof(e->addr));
	m->used++;
	return e;
}

void addrmap_remove(struct addrmap *m, struct addrmap_entry *e)
{
	e->state = ADDRMAP_DELETED;
	m->used--;
	m->deleted++;
}

void addrmap_key(const struct addrmap_entry *e, struct ip_prefix *out)
{
	memset(out, 0, sizeof(*out));
	out->family = e->family;
	out->plen = e->family == AF_INET6 ? 128 : 32;
	memcpy(out->addr, e->addr, ip_addr_len(e->family));
}

void addrmap_free(struct addrmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}
