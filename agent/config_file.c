// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reading the config file: inih parses; this feeds it the text through a
 * reader that counts lines (Debian's inih does not pass line numbers to
 * the handler: when the handler runs, the reader has just returned the
 * line being parsed), sees [section] headers as they pass, rejects keys
 * set twice, and hands each key to agent/config.c, which gives it its
 * meaning. Every error is "file:line: message"; a file with any error is
 * rejected whole.
 */
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_int.h"
#include "log.h"

static void section_header(struct parse_state *st, const char *text);

void config_error(struct parse_state *st, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("%s:%d: %s", st->name, line, msg);
	st->errors++;
}

static char *reader_count_lines(char *str, int num, void *stream)
{
	struct parse_state *st = stream;
	char *ret;
	size_t len;

	if (st->file) {
		ret = fgets(str, num, st->file);
	} else {
		len = strcspn(st->text, "\n");
		if (!*st->text)
			return NULL;
		if (st->text[len] == '\n')
			len++;
		if (len > (size_t)num - 1)
			len = num - 1;
		memcpy(str, st->text, len);
		str[len] = '\0';
		st->text += len;
		ret = str;
	}
	if (!ret)
		return NULL;
	if (st->at_line_start) {
		st->line++;
		st->cur_len = 0;
		st->too_long = false;
		st->continuation = (ret[0] == ' ' || ret[0] == '\t') && ret[strspn(ret, " \t\r\n")];
		if (ret[strspn(ret, " \t")] == '[') {
			st->section_line = st->line;
			section_header(st, ret + strspn(ret, " \t") + 1);
		}
	}
	len = strlen(ret);
	st->cur_len += len;
	st->at_line_start = len > 0 && ret[len - 1] == '\n';
	/* inih grows its buffer up to CONFIG_LINE_MAX; only past that is a line too long */
	if (!st->at_line_start && st->cur_len + 1 >= CONFIG_LINE_MAX && !st->too_long) {
		config_error(st, st->line, "line too long (at most %d characters); continue a list "
			  "on an indented line", CONFIG_LINE_MAX - 3);
		st->too_long = true;
	}
	return ret;
}

static bool key_repeated(struct parse_state *st, const char *section, const char *key)
{
	bool continued = st->continuation && !strcmp(st->section, section) &&
			 !strcmp(st->last_key, key);

	snprintf(st->last_key, sizeof(st->last_key), "%s", key);
	if (continued)
		return false;
	if (strcmp(st->section, section)) {
		snprintf(st->section, sizeof(st->section), "%s", section);
		st->nseen = 0;
	}
	for (unsigned i = 0; i < st->nseen; i++)
		if (!strcmp(st->seen[i], key))
			return true;
	if (st->nseen < sizeof(st->seen) / sizeof(st->seen[0]))
		snprintf(st->seen[st->nseen++], sizeof(st->seen[0]), "%s", key);
	return false;
}

static const char *section_arg(const char *section, const char *kind)
{
	size_t n = strlen(kind);

	if (strncmp(section, kind, n) || section[n] != ' ')
		return NULL;
	return section + n + strspn(section + n, " ");
}

/*
 * A [section] header, seen by the reader as it passes (inih tells the
 * handler only of keys): an unknown section is an error even with no key
 * in it, and a [group] is created here, so one without keys is reported
 * as having no interfaces.
 */
static void section_header(struct parse_state *st, const char *text)
{
	size_t len = strcspn(text, "]\n");
	char name[64];
	const char *arg;

	st->bad_section = false;
	if (text[len] != ']')
		return;			/* inih reports the syntax error */
	snprintf(name, sizeof(name), "%.*s", (int)len, text);
	if (!strcmp(name, "global") || section_arg(name, "interface"))
		return;
	if ((arg = section_arg(name, "group"))) {
		st->bad_section = !config_group_section(st, arg);
		return;
	}
	config_error(st, st->line, "unknown section [%s] (expected [global], [group IFNAME] "
		  "or [interface IFNAME])", name);
	st->bad_section = true;
}

static int handler(void *user, const char *section, const char *key, const char *value)
{
	struct handler_ctx *hc = user;
	struct parse_state *st = hc->st;
	struct config_group *g;
	const char *arg;

	if (st->bad_section)
		return 1;
	if (key_repeated(st, section, key)) {
		config_error(st, st->line, "'%s' is set twice in [%s]", key, section);
		return 1;
	}
	if (!strcmp(section, "global")) {
		config_global_key(st, key, value);
	} else if ((arg = section_arg(section, "group"))) {
		g = config_group_section(st, arg);
		if (g)
			config_group_key(st, g, key, value);
	} else if ((arg = section_arg(section, "interface"))) {
		config_interface_key(hc, arg, key, value);
	} else {
		config_error(st, st->line, "'%s' is outside any section", key);
	}
	return 1;
}

static int config_parse(struct parse_state *st)
{
	struct handler_ctx hc = { .st = st };
	int ret;

	config_defaults(st->cfg, st->name);
	st->at_line_start = true;
	ini_use_stack = false;
	ini_allow_realloc = true;
	ini_max_line = CONFIG_LINE_MAX;
	ret = ini_parse_stream(reader_count_lines, st, handler, &hc);
	if (ret > 0 && !st->errors)
		config_error(st, ret, "syntax error (expected [section], key = value or a comment)");
	else if (ret < 0)
		config_error(st, 1, "cannot parse (inih error %d)", ret);
	config_check(st, &hc);
	free(hc.ifaces);
	if (st->errors) {
		pr_err("%s: %d error%s, configuration rejected", st->name, st->errors,
		       st->errors == 1 ? "" : "s");
		config_free(st->cfg);
		return -EINVAL;
	}
	return 0;
}

int config_load_string(const char *text, const char *name, struct ipmp_config *cfg)
{
	struct parse_state st = { .cfg = cfg, .name = name, .text = text };

	return config_parse(&st);
}

int config_load(const char *path, struct ipmp_config *cfg)
{
	struct parse_state st = { .cfg = cfg, .name = path };
	int ret;

	config_defaults(cfg, path);
	st.file = fopen(path, "re");
	if (!st.file) {
		ret = -errno;
		pr_err("%s: cannot open: %s", path, strerror(-ret));
		return ret;
	}
	ret = config_parse(&st);
	fclose(st.file);
	return ret;
}

