// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Where log lines go. The only process-wide state in the agent besides the
 * agent context: a logger is needed before there is any context to carry it.
 *
 * Held lines: while a decision is made and announced (log_hold() to
 * log_release(), nested: the outermost release writes), lines are
 * formatted as they come, with their own time, and written together
 * afterwards, so neither a slow log file nor a busy journal stands between
 * a link event and the first announcement.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

#define HELD_MAX	8192	/* bytes of held lines; more are written at once */

static struct {
	bool syslog;
	bool with_time;
	int max_level;
	log_sink_fn sink;
	void *sink_ctx;
	unsigned held;		/* log_hold() depth */
	size_t held_len;
	char held_buf[HELD_MAX];	/* stderr: the lines as written; syslog: level, line, NUL */
} logger = { .max_level = LOG_INFO };

/* Write what is held (holding goes on, if it was on). */
static void held_flush(void)
{
	size_t off = 0;

	if (!logger.syslog)
		fwrite(logger.held_buf, 1, logger.held_len, stderr);
	while (logger.syslog && off < logger.held_len) {
		const char *line = logger.held_buf + off + 1;

		syslog(logger.held_buf[off], "%s", line);
		off += 1 + strlen(line) + 1;
	}
	logger.held_len = 0;
}

void log_init(bool use_syslog, int max_level, bool with_time)
{
	static bool registered;

	logger.syslog = use_syslog;
	logger.with_time = with_time;
	logger.max_level = max_level;
	if (use_syslog)
		openlog("ipmp-agent", LOG_PID, LOG_DAEMON);
	if (!registered)
		registered = !atexit(held_flush);
}

void log_set_sink(log_sink_fn sink, void *ctx)
{
	logger.sink = sink;
	logger.sink_ctx = ctx;
}

void log_hold(void)
{
	logger.held++;
}

void log_release(void)
{
	if (logger.held && !--logger.held)
		held_flush();
}

/* Keep one line for the release; false when it does not fit even alone. */
static bool hold_line(int level, const char *prefix, const char *line)
{
	size_t plen = strlen(prefix), len = strlen(line);
	size_t need = logger.syslog ? 1 + len + 1 : plen + len + 1;
	char *p;

	if (need > HELD_MAX)
		return false;
	if (logger.held_len + need > HELD_MAX)
		held_flush();	/* full: what is held goes now */
	p = logger.held_buf + logger.held_len;
	if (logger.syslog) {	/* level, line, NUL */
		*p = (char)level;
		memcpy(p + 1, line, len + 1);
	} else {		/* the line as written */
		memcpy(p, prefix, plen);
		memcpy(p + plen, line, len);
		p[need - 1] = '\n';
	}
	logger.held_len += need;
	return true;
}

void log_msg(int level, const char *fmt, ...)
{
	char line[1024], prefix[32] = "";
	va_list ap;

	if (level > logger.max_level && !logger.sink)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (logger.sink) {
		logger.sink(level, line, logger.sink_ctx);
		return;
	}
	if (logger.with_time && !logger.syslog) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		snprintf(prefix, sizeof(prefix), "%lld.%06ld ", (long long)ts.tv_sec,
			 ts.tv_nsec / 1000);
	}
	if (logger.held && hold_line(level, prefix, line))
		return;
	if (logger.syslog)
		syslog(level, "%s", line);
	else
		fprintf(stderr, "%s%s\n", prefix, line);
}
