// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Probe targets of one instance (spec 3.12) and their RTT estimators
 * (spec 3.10).
 *
 * The list holds either routers or hosts, never both: a router arriving
 * evicts every host, and hosts are not taken while routers exist.
 * Configured targets are neither and are never replaced. At most
 * MAX_PROBE_TARGETS are ACTIVE; further routers wait as UNUSED. New
 * targets go to the front and probing walks forward, so the newest is
 * probed first, as in in.mpathd. Parked targets come back by themselves:
 * SLOW -> UNUSED and DEAD -> SLOW after a minute each.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

/* IPv4: on the test address's subnet. IPv6: link-local, like the test address (spec 3.19). */
static bool on_subnet(const struct ip_prefix *subnet, const struct ip_prefix *addr)
{
	uint32_t a, b, mask;

	if (subnet->family != addr->family)
		return false;
	if (addr->family == AF_INET6)
		return ip_is_link_local6(addr);
	memcpy(&a, subnet->addr, 4);
	memcpy(&b, addr->addr, 4);
	mask = subnet->plen ? htonl(~0u << (32 - subnet->plen)) : 0;
	return (a & mask) == (b & mask);
}

unsigned targets_active(const struct probe_instance *pi)
{
	unsigned n = 0;

	for (unsigned i = 0; i < pi->ntargets; i++)
		n += pi->targets[i].status == TG_ACTIVE;
	return n;
}

struct probe_target *targets_find(struct probe_instance *pi, const struct ip_prefix *addr)
{
	for (unsigned i = 0; i < pi->ntargets; i++)
		if (ip_prefix_same_addr(&pi->targets[i].addr, addr))
			return &pi->targets[i];
	return NULL;
}

void target_rtt_reset(struct probe_target *t)
{
	t->sa_ns = -1;
	t->sv_ns = 0;
	t->crtt_ms = 0;
	t->ndeferred = 0;
}

void target_set_status(struct probe_target *t, enum target_status status, uint64_t now_ms)
{
	t->status = status;
	t->status_ms = now_ms;
}

static void target_remove_at(struct probe_instance *pi, unsigned i)
{
	memmove(&pi->targets[i], &pi->targets[i + 1],
		(pi->ntargets - i - 1) * sizeof(pi->targets[0]));
	pi->ntargets--;
	if (pi->next_target > i)
		pi->next_target--;
	if (pi->next_rtt_target > i)
		pi->next_rtt_target--;
	if (pi->next_target >= pi->ntargets)
		pi->next_target = 0;
	if (pi->next_rtt_target >= pi->ntargets)
		pi->next_rtt_target = 0;
	if (!pi->ntargets && pi->mode != TARGETS_CONFIGURED)
		pi->mode = TARGETS_NONE;
}

void targets_remove(struct probe_instance *pi, const struct ip_prefix *addr)
{
	for (unsigned i = 0; i < pi->ntargets; i++)
		if (ip_prefix_same_addr(&pi->targets[i].addr, addr)) {
			target_remove_at(pi, i);
			return;
		}
}

void targets_flush_hosts(struct probe_instance *pi)
{
	if (pi->mode != TARGETS_MULTICAST)
		return;
	while (pi->ntargets)
		target_remove_at(pi, pi->ntargets - 1);
}

/*
 * Add a target found in mode. Returns 0 when added or already there,
 * -EINVAL off the test subnet or our own address, -EEXIST when the mode
 * rules refuse it (a host while routers exist; anything when targets are
 * configured), -ENOSPC when the list is full.
 */
int targets_add(struct probe_instance *pi, const struct ip_prefix *addr, enum target_mode mode)
{
	struct probe_target *t;
	unsigned active = targets_active(pi);

	if (!on_subnet(&pi->test_addr, addr) || ip_prefix_same_addr(&pi->test_addr, addr))
		return -EINVAL;
	if (pi->mode == TARGETS_CONFIGURED && mode != TARGETS_CONFIGURED)
		return -EEXIST;
	if (pi->mode == TARGETS_ROUTES && mode == TARGETS_MULTICAST)
		return targets_find(pi, addr) ? 0 : -EEXIST;
	/*
	 * Routers win, whenever they come: every host goes, the router too
	 * if it was found as a host (it comes back as a router, below).
	 */
	if (pi->mode == TARGETS_MULTICAST && mode != TARGETS_MULTICAST) {
		targets_flush_hosts(pi);
		active = 0;
	}
	if (targets_find(pi, addr))
		return 0;
	if (mode == TARGETS_MULTICAST && active >= MAX_PROBE_TARGETS)
		return -ENOSPC;
	if (pi->ntargets == PROBE_TARGETS_KEPT)
		return -ENOSPC;
	memmove(&pi->targets[1], &pi->targets[0], pi->ntargets * sizeof(pi->targets[0]));
	pi->ntargets++;
	if (pi->ntargets > 1)
		pi->next_rtt_target++;	/* keeps pointing at the same target */
	pi->next_target = 0;		/* the newest is probed next */
	t = &pi->targets[0];
	memset(t, 0, sizeof(*t));
	t->addr = *addr;
	t->status = active < MAX_PROBE_TARGETS ? TG_ACTIVE : TG_UNUSED;
	target_rtt_reset(t);
	pi->mode = mode;
	return 0;
}

/* Parked targets come back after a minute; unused routers fill free slots. */
static void targets_maintain(struct probe_instance *pi, uint64_t now_ms)
{
	unsigned active;

	for (unsigned i = 0; i < pi->ntargets; i++) {
		struct probe_target *t = &pi->targets[i];

		if (now_ms - t->status_ms < MIN_RECOVERY_TIME_MS)
			continue;
		if (t->status == TG_SLOW)
			target_set_status(t, TG_UNUSED, now_ms);
		else if (t->status == TG_DEAD)
			target_set_status(t, TG_SLOW, now_ms);
	}
	active = targets_active(pi);
	for (unsigned i = 0; i < pi->ntargets && active < MAX_PROBE_TARGETS; i++)
		if (pi->targets[i].status == TG_UNUSED) {
			target_set_status(&pi->targets[i], TG_ACTIVE, now_ms);
			active++;
		}
}

/* The next ACTIVE target at or after *cursor, round robin; NULL if none. */
struct probe_target *targets_next(struct probe_instance *pi, unsigned *cursor, uint64_t now_ms)
{
	targets_maintain(pi, now_ms);
	for (unsigned n = 0; n < pi->ntargets; n++) {
		unsigned i = (*cursor + n) % pi->ntargets;

		if (pi->targets[i].status == TG_ACTIVE) {
			*cursor = (i + 1) % pi->ntargets;
			return &pi->targets[i];
		}
	}
	return NULL;
}

/*
 * Jacobson/Karels (spec 3.10): sa = 8 x average, sv = 4 x mean deviation,
 * CRTT = average + 4 x deviation. With commit false only the CRTT the
 * sample would give is returned.
 */
uint32_t target_rtt_sample(struct probe_target *t, int64_t rtt_ns, bool commit)
{
	int64_t sa, sv, err;

	if (t->sa_ns < 0) {
		sa = 8 * rtt_ns;
		sv = 2 * rtt_ns;
	} else {
		err = rtt_ns - t->sa_ns / 8;
		sa = t->sa_ns + err;
		if (sa < 0)
			sa = 0;
		sv = t->sv_ns + llabs(err) - t->sv_ns / 4;
	}
	if (commit) {
		t->sa_ns = sa;
		t->sv_ns = sv;
		t->crtt_ms = (sa / 8 + sv) / 1000000;
	}
	return (sa / 8 + sv) / 1000000;
}
