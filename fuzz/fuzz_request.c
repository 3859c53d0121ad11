// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: the control-protocol request decoder (agent/request.c) on
 * any line. A line is either refused with a message, or decodes into a
 * known command whose strings fit their buffers and whose arguments are
 * valid unless an error to answer with is kept.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"

static void check_string(const char *s, size_t size)
{
	if (strnlen(s, size) == size)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct request req;

	if (request_decode((const char *)data, size, &req)) {
		if (!req.error[0])
			abort();	/* refused without saying why */
		return 0;
	}
	if (req.cmd > IPMP_CMD_UNDO_OFFLINE)
		abort();
	check_string(req.error, sizeof(req.error));
	check_string(req.ifname, sizeof(req.ifname));
	check_string(req.group, sizeof(req.group));
	check_string(req.member.ifname, sizeof(req.member.ifname));
	if (request_failed(&req))
		return 0;
	switch (req.cmd) {
	case IPMP_CMD_ADD_ADDRESS:
	case IPMP_CMD_REMOVE_ADDRESS:
		if (req.address.family != AF_INET && req.address.family != AF_INET6)
			abort();
		break;
	case IPMP_CMD_ADD_INTERFACE:
		if (!req.ifname[0] || strcmp(req.ifname, req.member.ifname))
			abort();
		if (req.member.has_test_address && req.member.test_address.family != AF_INET)
			abort();
		break;
	case IPMP_CMD_REMOVE_INTERFACE:
	case IPMP_CMD_STANDBY:
	case IPMP_CMD_OFFLINE:
	case IPMP_CMD_UNDO_OFFLINE:
		if (!req.ifname[0])
			abort();
		break;
	default:
		break;
	}
	return 0;
}
