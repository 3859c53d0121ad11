// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The control protocol's commands (lib/ipmp_commands.h). */
#include <string.h>

#include "ipmp_commands.h"

const struct ipmp_command ipmp_commands[IPMP_CMD__MAX] = {
	[IPMP_CMD_PING] = { "ping", false },
	[IPMP_CMD_SNAPSHOT] = { "snapshot", false },
	[IPMP_CMD_PROBES] = { "probes", false },
	[IPMP_CMD_EVENTS] = { "events", false },
	[IPMP_CMD_ADD_ADDRESS] = { "add-address", true },
	[IPMP_CMD_REMOVE_ADDRESS] = { "remove-address", true },
	[IPMP_CMD_ADD_INTERFACE] = { "add-interface", true },
	[IPMP_CMD_REMOVE_INTERFACE] = { "remove-interface", true },
	[IPMP_CMD_RELOAD] = { "reload", true },
	[IPMP_CMD_STANDBY] = { "standby", true },
	[IPMP_CMD_OFFLINE] = { "offline", true },
	[IPMP_CMD_UNDO_OFFLINE] = { "undo-offline", true },
};

int ipmp_cmd_lookup(const char *name)
{
	for (int i = 0; i < IPMP_CMD__MAX; i++)
		if (!strcmp(ipmp_commands[i].name, name))
			return i;
	return -1;
}
