/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Inside the data plane module only (dataplane.c: programs and pins;
 * dataplane_push.c: the projection into the maps; dataplane_attach.c: tc
 * filters and XDP links;
 * dataplane_state.c: the record a restart resumes from). No other file
 * includes this.
 */
#ifndef IPMP_DATAPLANE_INT_H
#define IPMP_DATAPLANE_INT_H

#include "dataplane.h"

int dataplane_map_fd(const struct dataplane *dp, const char *name);
int dataplane_probe_cfg_fd(const struct dataplane *dp);
/* probe_tc: how many probe_cfg entries say in_tc, counted again. 0 or -errno. */
int dataplane_probe_tc_sync(struct dataplane *dp);
void dataplane_addr_key(const struct ip_prefix *p, struct ipmp_addr_key *key);
/* This agent's version record, written into the abi map on load. */
extern const struct ipmp_abi dataplane_our_abi;
/*
 * Are the maps pinned in dp->pin_dir this version's (dp->adopting), or
 * another's (dp->reattach: unpinned, state carried over when it can be)?
 */
void dataplane_abi_check(struct dataplane *dp, const char *group_name);
/* dataplane_push.c: the buckets map mmapped into dp->buckets, and let go. 0 or -errno. */
int dataplane_buckets_map(struct dataplane *dp);
void dataplane_buckets_unmap(struct dataplane *dp);
/* dataplane_push.c: the images of the array maps from the pinned maps (adoption). */
int dataplane_images_read(struct dataplane *dp);
/* The agent_state record: what the next agent resumes from; one update per push. */
int dataplane_push_state(struct dataplane *dp, const struct ipmp_group *g);

#endif
