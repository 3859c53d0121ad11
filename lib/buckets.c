// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Even, stable shares of the flow buckets (buckets.h). */
#include "buckets.h"

/* The active slot with the fewest buckets below its share, or -1. */
static int neediest(const unsigned own[], const unsigned share[], uint32_t active)
{
	int best = -1;

	for (int s = 0; s < IPMP_MAX_MEMBERS; s++)
		if ((active & (1u << s)) && own[s] < share[s] &&
		    (best < 0 || share[s] - own[s] > share[best] - own[best]))
			best = s;
	return best;
}

unsigned buckets_assign(uint32_t table[IPMP_BUCKETS], uint32_t active)
{
	unsigned own[IPMP_MAX_MEMBERS] = { 0 }, share[IPMP_MAX_MEMBERS] = { 0 };
	unsigned nactive = 0, moved = 0, extra;
	int order[IPMP_MAX_MEMBERS];

	for (int s = 0; s < IPMP_MAX_MEMBERS; s++)
		nactive += !!(active & (1u << s));
	if (!nactive)
		return 0;
	for (unsigned b = 0; b < IPMP_BUCKETS; b++)
		if (table[b] < IPMP_MAX_MEMBERS && (active & (1u << table[b])))
			own[table[b]]++;

	/*
	 * Shares: IPMP_BUCKETS / nactive each; the remainder's extra bucket
	 * goes to the members that own the most already (fewer moves), the
	 * lower slot first on a tie.
	 */
	for (int s = 0, n = 0; s < IPMP_MAX_MEMBERS; s++)
		if (active & (1u << s)) {
			int i = n++;

			while (i > 0 && own[order[i - 1]] < own[s]) {
				order[i] = order[i - 1];
				i--;
			}
			order[i] = s;
			share[s] = IPMP_BUCKETS / nactive;
		}
	extra = IPMP_BUCKETS % nactive;
	for (unsigned i = 0; i < extra; i++)
		share[order[i]]++;

	/* a bucket moves when its owner is not active, or owns more than its share */
	for (unsigned b = 0; b < IPMP_BUCKETS; b++) {
		uint32_t s = table[b];
		int to;

		if (s < IPMP_MAX_MEMBERS && (active & (1u << s)) && own[s] <= share[s])
			continue;
		to = neediest(own, share, active);
		if (to < 0)
			break;	/* cannot happen: the shares add up to IPMP_BUCKETS */
		if (s < IPMP_MAX_MEMBERS && (active & (1u << s)))
			own[s]--;
		table[b] = (uint32_t)to;
		own[to]++;
		moved++;
	}
	return moved;
}
