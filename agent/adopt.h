/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Restart adoption: a new agent resumes from what the previous one left
 * pinned (design.md, "Restart, upgrade"). The data plane decodes the
 * record (dataplane_prior_read()); this applies it to the model before
 * the group starts, and afterwards takes back what the previous agent put
 * on the system and the config no longer wants: addresses, members' tc
 * filters, XDP links and test addresses.
 */
#ifndef IPMP_ADOPT_H
#define IPMP_ADOPT_H

#include "dataplane.h"

struct agent;
struct agent_group;

/* Before group_start(): read the record into *prior and set the model's prior state. */
void adopt_group(struct agent *a, struct agent_group *ag, struct dataplane_prior *prior);
/* After the first commit: release what the previous agent left and the config dropped. */
void adopt_finish(struct agent *a, struct agent_group *ag, const struct dataplane_prior *prior);

#endif
