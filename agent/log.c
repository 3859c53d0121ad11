// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Where log lines go. The only process-wide state in the agent besides the
 * agent context: a logger is needed before there is any context to carry it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"

static struct {
	bool syslog;
	bool with_time;
	int max_level;
	log_sink_fn sink;
	void *sink_ctx;
} logger = { .max_level = LOG_INFO };

void log_init(bool use_syslog, int max_level, bool with_time)
{
	logger.syslog = use_syslog;
	logger.with_time = with_time;
	logger.max_level = max_level;
	if (use_syslog)
		openlog("ipmp-agent", LOG_PID, LOG_DAEMON);
}

void log_set_sink(log_sink_fn sink, void *ctx)
{
	logger.sink = sink;
	logger.sink_ctx = ctx;
}

void log_msg(int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (level > logger.max_level && !logger.sink)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (logger.sink)
		logger.sink(level, line, logger.sink_ctx);
	else if (logger.syslog)
		syslog(level, "%s", line);
	else if (logger.with_time) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		fprintf(stderr, "%lld.%06ld %s\n", (long long)ts.tv_sec, ts.tv_nsec / 1000, line);
	} else {
		fprintf(stderr, "%s\n", line);
	}
}
