/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The control protocol's commands (docs/protocol.md), named once: the
 * agent decodes requests with this table (agent/request.c) and the
 * commands send them with it (lib/ipmp_client.c). Whether a command
 * changes state, and so needs privilege, is part of its entry.
 */
#ifndef IPMP_COMMANDS_H
#define IPMP_COMMANDS_H

#include <stdbool.h>

enum ipmp_cmd {
	IPMP_CMD_PING,
	IPMP_CMD_SNAPSHOT,
	IPMP_CMD_PROBES,		/* subscribe to the probe stream */
	IPMP_CMD_EVENTS,		/* subscribe to the event stream */
	IPMP_CMD_ADD_ADDRESS,
	IPMP_CMD_REMOVE_ADDRESS,
	IPMP_CMD_ADD_INTERFACE,
	IPMP_CMD_REMOVE_INTERFACE,
	IPMP_CMD_RELOAD,
	IPMP_CMD_STANDBY,
	IPMP_CMD_OFFLINE,
	IPMP_CMD_UNDO_OFFLINE,
	IPMP_CMD__MAX,
};

struct ipmp_command {
	const char *name;	/* "cmd" on the wire */
	bool privileged;	/* changes state: uid 0 or the admin group only */
};

extern const struct ipmp_command ipmp_commands[IPMP_CMD__MAX];

/* The command called name, or -1. */
int ipmp_cmd_lookup(const char *name);

static inline const char *ipmp_cmd_name(enum ipmp_cmd cmd)
{
	return (unsigned)cmd < IPMP_CMD__MAX ? ipmp_commands[cmd].name : "?";
}

#endif
