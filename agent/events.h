/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Event fan-out: what the model's decisions mean outside it. The
 * group_ops adapter the model calls (push into the data plane, announce
 * a moved address, arm a link timer, an event happened) and what each
 * event becomes: a JSON line for ipmpadm monitor (and ipmpstat -p for
 * probes), a refresh of the metrics file, a failover counted and timed.
 */
#ifndef IPMP_EVENTS_H
#define IPMP_EVENTS_H

#include <jansson.h>

#include "group.h"
#include "probe.h"

struct agent;

/* What the agent passes to group_init(); its context is the struct agent_group. */
extern const struct group_ops events_group_ops;

/* A probe was answered or declared lost: a line for ipmpstat -p followers. */
void events_probe_resolved(void *agent_group, const struct probe_instance *pi,
			   const struct probe_slot *s);
/* Add the monotonic and wall-clock times every event of ipmpadm monitor carries. */
void events_stamp(struct agent *a, json_t *obj);

#endif
