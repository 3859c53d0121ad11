/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* libipmp's error codes and texts (spec 4.1), shared by the agent and the commands. */
#ifndef IPMP_ERRORS_H
#define IPMP_ERRORS_H

#include <string.h>

enum ipmp_error {
	IPMP_SUCCESS = 0,
	IPMP_FAILURE = 1,	/* the text is strerror(errno) */
	IPMP_EMINRED = 2,
	IPMP_EFBDISABLED = 3,
	IPMP_EUNKADDR = 4,
	IPMP_EINVAL = 5,
	IPMP_ENOMEM = 6,
	IPMP_ENOMPATHD = 7,
	IPMP_EUNKGROUP = 8,
	IPMP_EUNKIF = 9,
	IPMP_EPROTO = 10,
	IPMP_EHWADDRDUP = 11,
};

static inline const char *ipmp_errmsg(int code, int err)
{
	static const char *const texts[] = {
		[IPMP_SUCCESS] = "operation succeeded",
		[IPMP_EMINRED] = "minimum failover redundancy not met",
		[IPMP_EFBDISABLED] = "failback disabled",
		[IPMP_EUNKADDR] = "unknown IPMP data address",
		[IPMP_EINVAL] = "invalid argument",
		[IPMP_ENOMEM] = "out of memory",
		[IPMP_ENOMPATHD] = "cannot contact in.mpathd",
		[IPMP_EUNKGROUP] = "unknown IPMP group",
		[IPMP_EUNKIF] = "interface is not using IPMP",
		[IPMP_EPROTO] = "unable to communicate with in.mpathd",
		[IPMP_EHWADDRDUP] = "interface has duplicate hardware address",
	};

	if (code == IPMP_FAILURE)
		return strerror(err);
	if (code < 0 || code >= (int)(sizeof(texts) / sizeof(texts[0])) || !texts[code])
		return "<unknown error>";
	return texts[code];
}

#endif
