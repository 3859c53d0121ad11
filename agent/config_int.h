/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Inside the config module only: what reading the file
 * (agent/config_file.c) and giving the keys their meaning
 * (agent/config.c) share.
 */
#ifndef IPMP_CONFIG_INT_H
#define IPMP_CONFIG_INT_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"

/* Debian's inih can grow its line buffer at run time; lists of addresses get long. */
#define CONFIG_LINE_MAX	65536

struct parse_state {
	struct ipmp_config *cfg;
	const char *name;	/* file name for messages */
	int line;		/* line the reader returned last */
	bool at_line_start;
	size_t cur_len;		/* bytes of the physical line read so far */
	bool too_long;		/* reported for this line already */
	bool continuation;	/* that line is indented: inih continues the last key */
	int section_line;	/* line of the last [section] header */
	bool bad_section;	/* that header was reported: its keys are not looked at */
	char last_key[32];
	int errors;
	/* reader source: a FILE or a string */
	FILE *file;
	const char *text;
	/* which keys each section has set, to reject repeats */
	char section[64];
	char seen[16][32];
	unsigned nseen;
};

/*
 * [interface X] may come before the [group] that names X, so its keys are
 * kept here and applied once the whole file is read (config_check()).
 */
struct interface_section {
	char ifname[IFNAMSIZ];
	int line;
	bool has_test_address;
	struct ip_prefix test_address;
	enum probe_method probe;
	enum xdp_mode xdp;
};

struct handler_ctx {
	struct parse_state *st;
	struct interface_section *ifaces;
	unsigned nifaces;
};

void config_error(struct parse_state *st, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The keys of each section (config.c); a [group] is made on first sight. */
void config_global_key(struct parse_state *st, const char *key, const char *value);
struct config_group *config_group_section(struct parse_state *st, const char *ifname);
void config_group_key(struct parse_state *st, struct config_group *g, const char *key,
		      const char *value);
void config_interface_key(struct handler_ctx *hc, const char *ifname, const char *key,
			  const char *value);
/* Defaults before the file; checks that need the whole file after it. */
void config_defaults(struct ipmp_config *cfg, const char *name);
void config_check(struct parse_state *st, struct handler_ctx *hc);

#endif
