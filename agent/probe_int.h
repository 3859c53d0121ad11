/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Inside probe-based detection only: what agent/probe.c (sending,
 * history, decisions) and agent/probe_reply.c (replies, RTT, FDT) share.
 */
#ifndef IPMP_PROBE_INT_H
#define IPMP_PROBE_INT_H

#include "group.h"
#include "probe.h"

static inline const struct probe_ops *ops_of(const struct probe_instance *pi)
{
	return pi->member->group->probe_ops;
}

static inline void *ctx_of(const struct probe_instance *pi)
{
	return pi->member->group->probe_ctx;
}

static inline struct probe_group *pg_of(const struct probe_instance *pi)
{
	return &pi->member->group->probe;
}

static inline uint64_t now_ns_of(const struct probe_instance *pi)
{
	return clock_now_ns(pi->member->group->clock);
}

/* The slot of the probe sent `back` probes ago (1: the newest). */
struct probe_slot *probe_slot_back(struct probe_instance *pi, unsigned back);
/* A probe was answered or declared lost: tell whoever follows probes (ipmpstat -p). */
void probe_slot_resolved(struct probe_instance *pi, const struct probe_slot *s);
/* An echo to all hosts (224.0.0.1, ff02::1): target discovery (spec 3.12). */
void probe_send_multicast(struct probe_instance *pi, uint64_t now_ns);

#endif
