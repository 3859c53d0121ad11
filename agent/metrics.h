/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Prometheus metrics for node_exporter's textfile collector: <dir>/ipmp.prom,
 * written whole to a temporary file and renamed, on every state change
 * (at most once per event-loop turn) and every metrics_interval seconds.
 */
#ifndef IPMP_METRICS_H
#define IPMP_METRICS_H

struct agent;
struct agent_group;
struct prom;

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
