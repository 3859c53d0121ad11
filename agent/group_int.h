/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Inside the model only: what group.c (the state machine), offline.c
 * (spec 3.16) and membership.c (members joining and leaving) share. No
 * file outside the three includes this.
 */
#ifndef IPMP_GROUP_INT_H
#define IPMP_GROUP_INT_H

#include "group.h"

enum run_reason {
	RUN_INITIAL,	/* the agent starts */
	RUN_REPAIR,	/* failure repaired */
	RUN_ONLINE,	/* offline undone */
};

/* spec 3.14 "transition to running" and "activate another" (group.c). */
void member_run(struct ipmp_member *m, enum run_reason why);
void group_activate_another(struct ipmp_group *g, const struct ipmp_member *except);
/* Queue a member event with the member as it is now (group.c). */
void member_event(struct ipmp_member *m, enum group_event_kind kind);

/* spec 3.16 (offline.c): follow a MAC change; at start; a shadowed duplicate comes back. */
void offline_hwaddr_check(struct ipmp_member *m, const uint8_t *old_mac);
void offline_hwaddr_check_at_start(struct ipmp_member *m);
void offline_release_shadowed(struct ipmp_member *m, const uint8_t mac[IPMP_ETH_ALEN]);

/* A member's first transition, or its resumption after a restart (membership.c). */
void member_first_transition(struct ipmp_member *m);

#endif
