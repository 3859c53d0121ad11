/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Capture what the agent logs, so tests can assert on the exact texts. */
#ifndef IPMP_TEST_LOGCAPTURE_H
#define IPMP_TEST_LOGCAPTURE_H

#include <stdio.h>
#include <string.h>

#include "log.h"

static char captured_log[65536];

static void capture_sink(int level, const char *line, void *ctx)
{
	size_t used = strlen(captured_log);

	(void)level;
	(void)ctx;
	snprintf(captured_log + used, sizeof(captured_log) - used, "%s\n", line);
}

static inline void log_capture_start(void)
{
	captured_log[0] = '\0';
	log_set_sink(capture_sink, NULL);
}

/* Print the log when an assertion on it fails, so the failure explains itself. */
#define assert_logged(text)                                                                  \
	do {                                                                                  \
		if (!strstr(captured_log, (text)))                                             \
			fail_msg("expected in the log: \"%s\"\nthe log was:\n%s", (text),       \
				 captured_log);                                                 \
	} while (0)

#define assert_not_logged(text)                                                              \
	do {                                                                                  \
		if (strstr(captured_log, (text)))                                              \
			fail_msg("not expected in the log: \"%s\"\nthe log was:\n%s", (text),   \
				 captured_log);                                                 \
	} while (0)

#endif
