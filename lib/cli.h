/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What ipmpstat, if_mpadm and ipmpadm share: their name in messages and
 * the way each speaks, after illumos (spec 1.1, 2): "prog: message" and
 * "prog: warning: message" (if_mpadm says "prog: fatal: message"), exit
 * status 1 on a fatal error; and getopt's complaints in illumos' words.
 */
#ifndef IPMP_CLI_H
#define IPMP_CLI_H

#include <stdnoreturn.h>

/* argv[0]'s basename becomes the name; fatal_tag is "" or "fatal: ". */
void cli_init(const char *argv0, const char *fatal_tag);
const char *cli_progname(void);

noreturn void cli_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* usage's text may name the program as %1$s (any number of times); exits with status. */
noreturn void cli_usage(int status, const char *usage);
/*
 * getopt() returned '?' or ':' (run it with opterr = 0 and an option
 * string that starts with ':'): illumos getopt's message for optopt.
 */
void cli_getopt_error(int c, int optopt);

#endif
