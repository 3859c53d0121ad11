/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The flow buckets' owners (include/ipmp/maps.h, buckets): every bucket
 * names an active member, each active member owns an even share (the
 * shares differ by at most one), and as few buckets as that allows change
 * owner from one assignment to the next. Used by the agent, and by the
 * tests that fill the maps as the agent does.
 */
#ifndef IPMP_BUCKETS_H
#define IPMP_BUCKETS_H

#include <stdint.h>
#include <ipmp/maps.h>

/*
 * Reassign table (IPMP_BUCKETS slots) for the members whose bit is set in
 * active (bit n: slot n). Buckets of members not active go to the active
 * members that own the fewest; then members above their share give
 * buckets to those below it. With no active member the table is left as
 * it is. Returns how many buckets changed owner.
 */
unsigned buckets_assign(uint32_t table[IPMP_BUCKETS], uint32_t active);

#endif
