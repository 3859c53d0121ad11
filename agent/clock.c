// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* CLOCK_MONOTONIC for the agent; a settable clock for the tests. */
#include <time.h>

#include "clock.h"

static uint64_t monotonic_now(const struct ipmp_clock *clock)
{
	struct timespec ts;

	(void)clock;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

const struct ipmp_clock clock_monotonic = { .now_ns = monotonic_now };

uint64_t clock_fake_now(const struct ipmp_clock *clock)
{
	return clock->fake_ns;
}
