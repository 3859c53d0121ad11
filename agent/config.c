// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The config file: inih reads it, this file gives each key its meaning and
 * checks the whole (agent/config.h). inih does not pass line numbers to
 * the handler in Debian's build, so the file is fed through a reader that
 * counts them: when the handler runs, the reader has just returned the
 * line being parsed.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"

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

static void cfg_error(struct parse_state *st, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void section_header(struct parse_state *st, const char *text);

static void cfg_error(struct parse_state *st, int line, const char *fmt, ...)
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
		cfg_error(st, st->line, "line too long (at most %d characters); continue a list "
			  "on an indented line", CONFIG_LINE_MAX - 3);
		st->too_long = true;
	}
	return ret;
}

void config_peer_ifname(const char *ifname, char out[IFNAMSIZ])
{
	snprintf(out, IFNAMSIZ, "%.*s-p", IFNAMSIZ - 3, ifname);
}

static bool ifname_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= IFNAMSIZ || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || isspace((unsigned char)*s))
			return false;
	return true;
}

/* Whitespace-separated words of value, each passed to fn; false stops. */
static bool for_each_word(const char *value, bool (*fn)(struct parse_state *, void *, const char *),
			  struct parse_state *st, void *arg)
{
	char word[128];
	const char *p = value;
	size_t n;

	for (;;) {
		p += strspn(p, " \t,");
		if (!*p)
			return true;
		n = strcspn(p, " \t,");
		if (n >= sizeof(word)) {
			cfg_error(st, st->line, "'%.*s...' is too long", 20, p);
			return false;
		}
		memcpy(word, p, n);
		word[n] = '\0';
		p += n;
		if (!fn(st, arg, word))
			return false;
	}
}

static struct config_group *group_find(struct ipmp_config *cfg, const char *ifname)
{
	for (unsigned i = 0; i < cfg->ngroups; i++)
		if (!strcmp(cfg->groups[i].ifname, ifname))
			return &cfg->groups[i];
	return NULL;
}

static struct config_member *member_find(struct ipmp_config *cfg, const char *ifname,
					 struct config_group **group)
{
	for (unsigned i = 0; i < cfg->ngroups; i++)
		for (unsigned j = 0; j < cfg->groups[i].nmembers; j++)
			if (!strcmp(cfg->groups[i].members[j].ifname, ifname)) {
				if (group)
					*group = &cfg->groups[i];
				return &cfg->groups[i].members[j];
			}
	return NULL;
}

/* --- [global] ------------------------------------------------------------- */

/* spec 3.1: strtol base 0, <= 0 -> default, < 100 -> minimum, no maximum. */
static void global_fdt(struct parse_state *st, const char *value)
{
	long v = strtol(value, NULL, 0);

	if (v <= 0) {
		pr_err("%s:%d: Invalid failure detection time %s, assuming default of %d ms",
		       st->name, st->line, value, IPMP_FDT_DEFAULT_MS);
		v = IPMP_FDT_DEFAULT_MS;
	} else if (v < IPMP_FDT_MIN_MS) {
		pr_err("%s:%d: Too small failure detection time of %s, assuming minimum of %d ms",
		       st->name, st->line, value, IPMP_FDT_MIN_MS);
		v = IPMP_FDT_MIN_MS;
	} else if (v > 0x7fffffff) {
		v = 0x7fffffff;
	}
	st->cfg->fdt_ms = v;
}

static bool parse_uint(struct parse_state *st, const char *key, const char *value,
		       unsigned min, unsigned max, unsigned *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(value, &end, 10);
	if (errno || end == value || *end || value[0] == '-' || v < min || v > max) {
		cfg_error(st, st->line, "%s must be a whole number from %u to %u, not '%s'", key,
			  min, max, value);
		return false;
	}
	*out = v;
	return true;
}

static void global_key(struct parse_state *st, const char *key, const char *value)
{
	struct ipmp_config *cfg = st->cfg;

	if (!strcmp(key, "failure_detection_time")) {
		global_fdt(st, value);
	} else if (!strcmp(key, "failback")) {
		/* spec 3.1: anything but yes/no keeps the default */
		if (!strcasecmp(value, "yes"))
			cfg->failback = true;
		else if (!strcasecmp(value, "no"))
			cfg->failback = false;
		else
			pr_err("%s:%d: Invalid value for FAILBACK %s", st->name, st->line, value);
	} else if (!strcmp(key, "garp_count")) {
		parse_uint(st, key, value, 1, 100, &cfg->garp_count);
	} else if (!strcmp(key, "garp_interval")) {
		parse_uint(st, key, value, 1, 60000, &cfg->garp_interval_ms);
	} else if (!strcmp(key, "metrics_dir")) {
		if (value[0] != '/')
			cfg_error(st, st->line, "metrics_dir '%s' is not an absolute path", value);
		else if (strlen(value) >= sizeof(cfg->metrics_dir) - 32)
			cfg_error(st, st->line, "metrics_dir '%.40s...' is too long", value);
		else
			snprintf(cfg->metrics_dir, sizeof(cfg->metrics_dir), "%s", value);
	} else if (!strcmp(key, "metrics_interval")) {
		parse_uint(st, key, value, 1, 3600, &cfg->metrics_interval_s);
	} else {
		cfg_error(st, st->line, "unknown key '%s' in [global]", key);
	}
}

/* --- [group IFNAME] -------------------------------------------------------- */

static bool add_member(struct parse_state *st, void *arg, const char *word)
{
	struct config_group *g = arg, *other;
	struct config_member *m;

	if (!ifname_valid(word)) {
		cfg_error(st, st->line, "'%s' is not a valid interface name", word);
		return true;
	}
	if (!strcmp(word, g->ifname)) {
		cfg_error(st, st->line, "group interface %s cannot be its own member", word);
		return true;
	}
	if (group_find(st->cfg, word)) {
		cfg_error(st, st->line, "%s is a group interface, not a NIC", word);
		return true;
	}
	m = member_find(st->cfg, word, &other);
	if (m) {
		if (other == g)
			cfg_error(st, st->line, "%s is listed twice in interfaces", word);
		else
			cfg_error(st, st->line, "%s is already a member of group %s (line %d)", word,
				  other->ifname, m->line);
		return true;
	}
	if (g->nmembers == IPMP_MAX_MEMBERS) {
		cfg_error(st, st->line, "more than %d interfaces in group %s", IPMP_MAX_MEMBERS,
			  g->ifname);
		return false;
	}
	m = &g->members[g->nmembers++];
	snprintf(m->ifname, sizeof(m->ifname), "%s", word);
	m->line = st->line;
	return true;
}

static bool set_standby(struct parse_state *st, void *arg, const char *word)
{
	struct config_group *g = arg;

	for (unsigned i = 0; i < g->nmembers; i++)
		if (!strcmp(g->members[i].ifname, word)) {
			g->members[i].standby = true;
			return true;
		}
	cfg_error(st, st->line, "standby interface %s is not in interfaces of group %s", word,
		  g->ifname);
	return true;
}

static bool add_address(struct parse_state *st, void *arg, const char *word)
{
	struct config_group *g = arg;
	struct ip_prefix p, *grown;
	const char *why;
	char buf[IP_PREFIX_STRLEN];

	if (ip_prefix_parse(word, true, &p, &why)) {
		cfg_error(st, st->line, "address '%s': %s", word, why);
		return true;
	}
	why = ip_data_address_unfit(&p);
	if (why) {
		cfg_error(st, st->line, "address %s cannot be a data address: %s", word, why);
		return true;
	}
	for (unsigned i = 0; i < st->cfg->ngroups; i++)
		for (unsigned j = 0; j < st->cfg->groups[i].naddrs; j++)
			if (ip_prefix_same_addr(&st->cfg->groups[i].addrs[j], &p)) {
				cfg_error(st, st->line, "address %s is listed twice (group %s)",
					  ip_prefix_str(&p, false, buf, sizeof(buf)),
					  st->cfg->groups[i].ifname);
				return true;
			}
	if (g->naddrs == IPMP_MAX_ADDRS) {
		cfg_error(st, st->line, "more than %d addresses in group %s", IPMP_MAX_ADDRS,
			  g->ifname);
		return false;
	}
	grown = realloc(g->addrs, (g->naddrs + 1) * sizeof(*grown));
	if (!grown) {
		cfg_error(st, st->line, "out of memory");
		return false;
	}
	g->addrs = grown;
	g->addrs[g->naddrs++] = p;
	return true;
}

static bool add_target(struct parse_state *st, void *arg, const char *word)
{
	struct config_group *g = arg;
	struct ip_prefix p;
	const char *why;

	if (ip_prefix_parse(word, false, &p, &why)) {
		cfg_error(st, st->line, "target '%s': %s", word, why);
		return true;
	}
	if (p.family != AF_INET || p.plen != 32) {
		cfg_error(st, st->line, "target %s: must be an IPv4 host address", word);
		return true;
	}
	for (unsigned i = 0; i < g->ntargets; i++)
		if (ip_prefix_same_addr(&g->targets[i], &p)) {
			cfg_error(st, st->line, "target %s is listed twice", word);
			return true;
		}
	if (g->ntargets == IPMP_CONFIG_TARGETS_MAX) {
		cfg_error(st, st->line, "more than %d targets in group %s", IPMP_CONFIG_TARGETS_MAX,
			  g->ifname);
		return false;
	}
	g->targets[g->ntargets++] = p;
	return true;
}

bool config_probe_method(const char *value, enum probe_method *out)
{
	if (!strcmp(value, "icmp"))
		*out = PROBE_METHOD_ICMP;
	else if (!strcmp(value, "arp"))
		*out = PROBE_METHOD_ARP;
	else
		return false;
	return true;
}

static bool parse_probe_method(struct parse_state *st, const char *value, enum probe_method *out)
{
	if (!config_probe_method(value, out)) {
		cfg_error(st, st->line, "probe must be icmp or arp, not '%s'", value);
		return false;
	}
	return true;
}

static void group_key(struct parse_state *st, struct config_group *g, const char *key,
		      const char *value)
{
	if (!strcmp(key, "name")) {
		if (!*value || strlen(value) >= IPMP_GROUP_NAME_MAX || strpbrk(value, " \t"))
			cfg_error(st, st->line, "group name '%s' must be 1 to %d characters without "
				  "spaces", value, IPMP_GROUP_NAME_MAX - 1);
		else
			snprintf(g->name, sizeof(g->name), "%s", value);
	} else if (!strcmp(key, "interfaces")) {
		for_each_word(value, add_member, st, g);
	} else if (!strcmp(key, "standby")) {
		g->standby_line = st->line;
		for_each_word(value, set_standby, st, g);
	} else if (!strcmp(key, "addresses")) {
		for_each_word(value, add_address, st, g);
	} else if (!strcmp(key, "targets")) {
		for_each_word(value, add_target, st, g);
	} else if (!strcmp(key, "probe")) {
		parse_probe_method(st, value, &g->probe);
	} else {
		cfg_error(st, st->line, "unknown key '%s' in [group %s]", key, g->ifname);
	}
}

static struct config_group *group_section(struct parse_state *st, const char *ifname)
{
	struct ipmp_config *cfg = st->cfg;
	struct config_group *g = group_find(cfg, ifname), *grown;

	if (g)
		return g;
	if (!ifname_valid(ifname)) {
		cfg_error(st, st->section_line, "[group %s]: not a valid interface name", ifname);
		return NULL;
	}
	if (member_find(cfg, ifname, NULL)) {
		cfg_error(st, st->section_line, "[group %s]: %s is already a member of a group", ifname,
			  ifname);
		return NULL;
	}
	grown = realloc(cfg->groups, (cfg->ngroups + 1) * sizeof(*grown));
	if (!grown) {
		cfg_error(st, st->line, "out of memory");
		return NULL;
	}
	cfg->groups = grown;
	g = &cfg->groups[cfg->ngroups++];
	memset(g, 0, sizeof(*g));
	snprintf(g->ifname, sizeof(g->ifname), "%s", ifname);
	snprintf(g->name, sizeof(g->name), "%s", ifname);
	g->probe = PROBE_METHOD_ICMP;
	config_peer_ifname(ifname, g->peer_ifname);
	g->line = st->section_line;
	return g;
}

/* --- [interface IFNAME] --------------------------------------------------- */

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
};

struct handler_ctx {
	struct parse_state *st;
	struct interface_section *ifaces;
	unsigned nifaces;
};

static struct interface_section *interface_section(struct handler_ctx *hc, const char *ifname)
{
	struct interface_section *grown;

	for (unsigned i = 0; i < hc->nifaces; i++)
		if (!strcmp(hc->ifaces[i].ifname, ifname))
			return &hc->ifaces[i];
	grown = realloc(hc->ifaces, (hc->nifaces + 1) * sizeof(*grown));
	if (!grown) {
		cfg_error(hc->st, hc->st->line, "out of memory");
		return NULL;
	}
	hc->ifaces = grown;
	memset(&grown[hc->nifaces], 0, sizeof(*grown));
	snprintf(grown[hc->nifaces].ifname, IFNAMSIZ, "%s", ifname);
	grown[hc->nifaces].line = hc->st->section_line;
	return &grown[hc->nifaces++];
}

static void interface_key(struct handler_ctx *hc, const char *ifname, const char *key,
			  const char *value)
{
	struct parse_state *st = hc->st;
	struct interface_section *sec;
	const char *why;

	if (!ifname_valid(ifname)) {
		cfg_error(st, st->section_line, "[interface %s]: not a valid interface name", ifname);
		return;
	}
	sec = interface_section(hc, ifname);
	if (!sec)
		return;
	if (!strcmp(key, "test_address")) {
		if (ip_prefix_parse(value, true, &sec->test_address, &why))
			cfg_error(st, st->line, "test_address '%s': %s", value, why);
		else if (sec->test_address.family != AF_INET)
			cfg_error(st, st->line, "test_address %s: an IPv6 test address is the "
				  "member's link-local, used by itself; give an IPv4 one", value);
		else
			sec->has_test_address = true;
	} else if (!strcmp(key, "probe")) {
		parse_probe_method(st, value, &sec->probe);
	} else {
		cfg_error(st, st->line, "unknown key '%s' in [interface %s]", key, ifname);
	}
}

/* --- the handler ----------------------------------------------------------- */

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
		st->bad_section = !group_section(st, arg);
		return;
	}
	cfg_error(st, st->line, "unknown section [%s] (expected [global], [group IFNAME] "
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
		cfg_error(st, st->line, "'%s' is set twice in [%s]", key, section);
		return 1;
	}
	if (!strcmp(section, "global")) {
		global_key(st, key, value);
	} else if ((arg = section_arg(section, "group"))) {
		g = group_section(st, arg);
		if (g)
			group_key(st, g, key, value);
	} else if ((arg = section_arg(section, "interface"))) {
		interface_key(hc, arg, key, value);
	} else {
		cfg_error(st, st->line, "'%s' is outside any section", key);
	}
	return 1;
}

static void config_defaults(struct ipmp_config *cfg, const char *name)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->path = name;
	cfg->fdt_ms = IPMP_FDT_DEFAULT_MS;
	cfg->failback = true;
	cfg->garp_count = IPMP_GARP_COUNT_DEFAULT;
	cfg->garp_interval_ms = IPMP_GARP_INTERVAL_DEFAULT_MS;
	cfg->metrics_interval_s = IPMP_METRICS_INTERVAL_DEFAULT_S;
}

static void config_check_interfaces(struct parse_state *st, struct handler_ctx *hc)
{
	for (unsigned i = 0; i < hc->nifaces; i++) {
		struct interface_section *sec = &hc->ifaces[i];
		struct config_member *m = member_find(st->cfg, sec->ifname, NULL);

		if (!m) {
			cfg_error(st, sec->line, "[interface %s]: %s is not in the interfaces of "
				  "any group", sec->ifname, sec->ifname);
			continue;
		}
		m->has_test_address = sec->has_test_address;
		m->test_address = sec->test_address;
		m->probe = sec->probe;
	}
}

/* Checks that need the whole file. */
static void config_check(struct parse_state *st, struct handler_ctx *hc)
{
	struct ipmp_config *cfg = st->cfg;

	config_check_interfaces(st, hc);
	for (unsigned i = 0; i < cfg->ngroups; i++) {
		struct config_group *g = &cfg->groups[i];

		if (!g->nmembers)
			cfg_error(st, g->line, "[group %s] has no interfaces", g->ifname);
		for (unsigned j = 0; j < cfg->ngroups; j++)
			if (j != i && !strcmp(g->peer_ifname, cfg->groups[j].ifname))
				cfg_error(st, g->line, "group interface %s needs the name %s for "
					  "its veth peer, but group %s has it", g->ifname,
					  g->peer_ifname, cfg->groups[j].ifname);
		if (member_find(cfg, g->peer_ifname, NULL))
			cfg_error(st, g->line, "group interface %s needs the name %s for its veth "
				  "peer, but a member has it", g->ifname, g->peer_ifname);
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(g->name, cfg->groups[j].name))
				cfg_error(st, g->line, "group name %s is used twice (also line %d)",
					  g->name, cfg->groups[j].line);
	}
	if (!cfg->ngroups)
		cfg_error(st, st->line ? st->line : 1, "no [group IFNAME] section");
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
		cfg_error(st, ret, "syntax error (expected [section], key = value or a comment)");
	else if (ret < 0)
		cfg_error(st, 1, "cannot parse (inih error %d)", ret);
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

void config_free(struct ipmp_config *cfg)
{
	for (unsigned i = 0; i < cfg->ngroups; i++)
		free(cfg->groups[i].addrs);
	free(cfg->groups);
	cfg->groups = NULL;
	cfg->ngroups = 0;
}
