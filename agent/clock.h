/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The agent's one clock: monotonic milliseconds, replaceable by tests. */
#ifndef IPMP_CLOCK_H
#define IPMP_CLOCK_H

#include <stdint.h>

struct ipmp_clock {
	uint64_t (*now_ms)(const struct ipmp_clock *clock);
	uint64_t fake_ms;	/* used by clock_fake */
};

extern const struct ipmp_clock clock_monotonic;
uint64_t clock_fake_now(const struct ipmp_clock *clock);

static inline uint64_t clock_now_ms(const struct ipmp_clock *clock)
{
	return clock->now_ms(clock);
}

#endif
