/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Prometheus metrics for node_exporter's textfile collector: <dir>/ipmp.prom,
 * written whole to a temporary file and renamed, on every state change
 * (at most once per event-loop turn) and every metrics_interval seconds.
 */
#ifndef IPMP_METRICS_H
#define IPMP_METRICS_H

#include <stdint.h>

#include "prom.h"

struct agent;
struct agent_group;

/* A group's failovers: rebinding commits that moved addresses off a member no longer carrying data. */
struct group_metrics {
	uint64_t failovers;
	double last_failover_wall;		/* seconds since 1970; 0: none yet */
	uint64_t last_failover_commit;		/* the group commit of the last one counted */
	struct prom_histogram failover_seconds;	/* detection to rebinding done */
};

void metrics_group_init(struct group_metrics *gm);

/* Start writing, if a directory is set (--metrics-dir or metrics_dir); 0 or -errno. */
int metrics_start(struct agent *a);
void metrics_stop(struct agent *a);
/* Something changed: write again once this loop turn is over. */
void metrics_changed(struct agent *a);
/* The whole text for the agent's groups, into p (for the file, and for tests). */
void metrics_render(struct agent *a, struct prom *p);
/* A failover's bookkeeping: one rebinding episode of ag, done now. */
void metrics_failover(struct agent *a, struct agent_group *ag);

#endif
