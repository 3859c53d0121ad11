/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Logging: stderr in the foreground, syslog (ident ipmp-agent, facility
 * daemon) otherwise. Messages that in.mpathd also prints use its texts
 * (spec 3.18) at its levels.
 */
#ifndef IPMP_LOG_H
#define IPMP_LOG_H

#include <stdbool.h>
#include <syslog.h>

/* with_time: prefix stderr lines with the wall-clock time (seconds.microseconds) */
void log_init(bool use_syslog, int max_level, bool with_time);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Hold lines (each formatted with its time as it comes) and write them all
 * at the outermost log_release(): around a decision (group_begin() to
 * group_end()), so logging waits for its announcements. Held lines are
 * written at exit too.
 */
void log_hold(void);
void log_release(void);

/* Tests capture what is logged; NULL restores normal output. */
typedef void (*log_sink_fn)(int level, const char *line, void *ctx);
void log_set_sink(log_sink_fn sink, void *ctx);

#define pr_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)	log_msg(LOG_WARNING, __VA_ARGS__)
#define pr_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
