// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The commands' shared messages (lib/cli.h). */
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static char progname[64] = "ipmp";
static const char *fatal_tag = "";

void cli_init(const char *argv0, const char *tag)
{
	char copy[256];

	snprintf(copy, sizeof(copy), "%s", argv0 ? argv0 : "ipmp");
	snprintf(progname, sizeof(progname), "%s", basename(copy));
	fatal_tag = tag ? tag : "";
}

const char *cli_progname(void)
{
	return progname;
}

static void say(const char *tag, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", progname, tag);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fatal_tag, fmt, ap);
	va_end(ap);
	exit(1);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("warning: ", fmt, ap);
	va_end(ap);
}

void cli_usage(int status, const char *usage)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	fprintf(stderr, usage, progname);
#pragma GCC diagnostic pop
	exit(status);
}

void cli_getopt_error(int c, int optopt)
{
	if (c == ':')
		fprintf(stderr, "%s: option requires an argument -- %c\n", progname, optopt);
	else
		fprintf(stderr, "%s: illegal option -- %c\n", progname, optopt);
}
