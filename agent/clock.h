/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The agent's one clock: CLOCK_MONOTONIC, the clock bpf_ktime_get_ns()
 * reads in the XDP program, so kernel receive times and agent send times
 * subtract directly. Tests replace it with a settable one.
 */
#ifndef IPMP_CLOCK_H
#define IPMP_CLOCK_H

#include <stdint.h>

struct ipmp_clock {
	uint64_t (*now_ns)(const struct ipmp_clock *clock);
	uint64_t fake_ns;	/* used by clock_fake_now */
};

extern const struct ipmp_clock clock_monotonic;
uint64_t clock_fake_now(const struct ipmp_clock *clock);

static inline uint64_t clock_now_ns(const struct ipmp_clock *clock)
{
	return clock->now_ns(clock);
}

static inline uint64_t clock_now_ms(const struct ipmp_clock *clock)
{
	return clock->now_ns(clock) / 1000000;
}

#endif
