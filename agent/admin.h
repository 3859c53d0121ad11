/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Changes to the running agent: offline and undo-offline (if_mpadm),
 * standby, members and data addresses added and removed (ipmpadm), and
 * reload, which re-reads the config file and
 * applies what differs from the running state, leaving the rest alone.
 * Runtime changes are not written to the config file; a reload brings the
 * agent back to what the file says.
 *
 * Every function fills a struct admin_result: code 0, or an enum
 * ipmp_error with a message for the client (and an errno for
 * IPMP_FAILURE).
 */
#ifndef IPMP_ADMIN_H
#define IPMP_ADMIN_H

#include <jansson.h>

#include "agent.h"
#include "request.h"

struct admin_result {
	int code;		/* 0 or an enum ipmp_error */
	int err;		/* errno, with IPMP_FAILURE */
	char msg[256];		/* what went wrong */
	json_t *changes;	/* reload: what changed, one line each */
	json_t *errors;		/* reload: the config file's errors, or changes that failed */
};

void admin_result_init(struct admin_result *r);
void admin_result_free(struct admin_result *r);

/* Lookups by name: a member of any group; a group by its name or interface. */
struct ipmp_member *admin_member_find(struct agent *a, const char *ifname,
				      struct agent_group **ag);
struct agent_group *admin_group_find(struct agent *a, const char *name);

/* ipmpadm add-interface: the netdev must exist and be in no group. */
int admin_add_interface(struct agent *a, const char *group, const struct config_member *cm,
			struct admin_result *r);
int admin_remove_interface(struct agent *a, const char *ifname, struct admin_result *r);
int admin_add_address(struct agent *a, const char *group, const struct ip_prefix *p,
		      struct admin_result *r);
int admin_remove_address(struct agent *a, const struct ip_prefix *p, struct admin_result *r);
/* A config file with any error changes nothing; its errors are in r->errors. */
int admin_reload(struct agent *a, struct admin_result *r);
/* Any request that changes state (ipmp_commands.h: privileged), decoded and authorised. */
int admin_execute(struct agent *a, const struct request *req, struct admin_result *r);

#endif
