// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The config file's meaning (agent/config.h): each key of [global],
 * [group IFNAME] and [interface IFNAME], and the checks that need the
 * whole file. Reading it (inih, line numbers, sections, repeated keys)
 * is agent/config_file.c.
 */
#include <ctype.h>
#include <grp.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_int.h"
#include "log.h"

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
			config_error(st, st->line, "'%.*s...' is too long", 20, p);
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
		config_error(st, st->line, "%s must be a whole number from %u to %u, not '%s'", key,
			  min, max, value);
		return false;
	}
	*out = v;
	return true;
}

/* A group of the system's, by name: its members may change the agent's state. */
static void admin_group(struct parse_state *st, const char *value)
{
	struct ipmp_config *cfg = st->cfg;
	struct group gr, *found = NULL;
	char buf[16384];

	if (!*value || strlen(value) >= sizeof(cfg->admin_group)) {
		config_error(st, st->line, "admin_group '%.40s' is not a group name", value);
		return;
	}
	if (getgrnam_r(value, &gr, buf, sizeof(buf), &found) || !found) {
		config_error(st, st->line, "admin_group '%s': no such group", value);
		return;
	}
	snprintf(cfg->admin_group, sizeof(cfg->admin_group), "%s", value);
	cfg->admin_gid = found->gr_gid;
}

/* notify =: an absolute path to an executable file (who may write it is checked when it runs). */
static void parse_notify(struct parse_state *st, const char *value, char *out, size_t len)
{
	if (value[0] != '/')
		config_error(st, st->line, "notify '%s' is not an absolute path", value);
	else if (strlen(value) >= len)
		config_error(st, st->line, "notify '%.40s...' is too long", value);
	else if (access(value, X_OK))
		config_error(st, st->line, "notify %s: %s", value, strerror(errno));
	else
		snprintf(out, len, "%s", value);
}

const char *const config_xdp_mode_names[] = {
	[XDP_MODE_DEFAULT] = "default", [XDP_MODE_AUTO] = "auto", [XDP_MODE_NATIVE] = "native",
	[XDP_MODE_GENERIC] = "generic", [XDP_MODE_OFF] = "off",
};

bool config_xdp_mode(const char *value, enum xdp_mode *out)
{
	for (enum xdp_mode m = XDP_MODE_AUTO; m <= XDP_MODE_OFF; m++)
		if (!strcmp(value, config_xdp_mode_names[m])) {
			*out = m;
			return true;
		}
	return false;
}

enum xdp_mode config_member_xdp(const struct ipmp_config *cfg, const struct config_member *m)
{
	return m->xdp != XDP_MODE_DEFAULT ? m->xdp : cfg->xdp;
}

static void parse_xdp_mode(struct parse_state *st, const char *value, enum xdp_mode *out)
{
	if (!config_xdp_mode(value, out))
		config_error(st, st->line, "xdp must be auto, native, generic or off, not '%s'", value);
}

void config_global_key(struct parse_state *st, const char *key, const char *value)
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
			config_error(st, st->line, "metrics_dir '%s' is not an absolute path", value);
		else if (strlen(value) >= sizeof(cfg->metrics_dir) - 32)
			config_error(st, st->line, "metrics_dir '%.40s...' is too long", value);
		else
			snprintf(cfg->metrics_dir, sizeof(cfg->metrics_dir), "%s", value);
	} else if (!strcmp(key, "metrics_interval")) {
		parse_uint(st, key, value, 1, 3600, &cfg->metrics_interval_s);
	} else if (!strcmp(key, "admin_group")) {
		admin_group(st, value);
	} else if (!strcmp(key, "xdp")) {
		parse_xdp_mode(st, value, &cfg->xdp);
	} else if (!strcmp(key, "datapath")) {
		if (!strcmp(value, "veth") || !strcmp(value, "direct"))
			cfg->datapath_direct = !strcmp(value, "direct");
		else
			config_error(st, st->line, "datapath must be veth or direct, not '%s'", value);
	} else if (!strcmp(key, "notify")) {
		parse_notify(st, value, cfg->notify, sizeof(cfg->notify));
	} else if (!strcmp(key, "managers")) {
		if (!strcmp(value, "yes") || !strcmp(value, "no"))
			cfg->managers = !strcmp(value, "yes");
		else
			config_error(st, st->line, "managers must be yes or no, not '%s'", value);
	} else if (!strcmp(key, "early_carrier")) {
		if (!strcmp(value, "yes") || !strcmp(value, "no"))
			cfg->early_carrier = !strcmp(value, "yes");
		else
			config_error(st, st->line, "early_carrier must be yes or no, not '%s'", value);
	} else if (!strcmp(key, "notify_timeout")) {
		parse_uint(st, key, value, 1, 3600, &cfg->notify_timeout_s);
	} else if (!strcmp(key, "learn_interval")) {
		parse_uint(st, key, value, 0, 3600000, &cfg->learn_interval_ms);
	} else {
		config_error(st, st->line, "unknown key '%s' in [global]", key);
	}
}

/* --- [group IFNAME] -------------------------------------------------------- */

static bool add_member(struct parse_state *st, void *arg, const char *word)
{
	struct config_group *g = arg, *other;
	struct config_member *m;

	if (!ifname_valid(word)) {
		config_error(st, st->line, "'%s' is not a valid interface name", word);
		return true;
	}
	if (!strcmp(word, g->ifname)) {
		config_error(st, st->line, "group interface %s cannot be its own member", word);
		return true;
	}
	if (group_find(st->cfg, word)) {
		config_error(st, st->line, "%s is a group interface, not a NIC", word);
		return true;
	}
	m = member_find(st->cfg, word, &other);
	if (m) {
		if (other == g)
			config_error(st, st->line, "%s is listed twice in interfaces", word);
		else
			config_error(st, st->line, "%s is already a member of group %s (line %d)", word,
				  other->ifname, m->line);
		return true;
	}
	if (g->nmembers == IPMP_MAX_MEMBERS) {
		config_error(st, st->line, "more than %d interfaces in group %s", IPMP_MAX_MEMBERS,
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
	config_error(st, st->line, "standby interface %s is not in interfaces of group %s", word,
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
		config_error(st, st->line, "address '%s': %s", word, why);
		return true;
	}
	why = ip_data_address_unfit(&p);
	if (why) {
		config_error(st, st->line, "address %s cannot be a data address: %s", word, why);
		return true;
	}
	for (unsigned i = 0; i < st->cfg->ngroups; i++)
		for (unsigned j = 0; j < st->cfg->groups[i].naddrs; j++)
			if (ip_prefix_same_addr(&st->cfg->groups[i].addrs[j], &p)) {
				config_error(st, st->line, "address %s is listed twice (group %s)",
					  ip_prefix_str(&p, false, buf, sizeof(buf)),
					  st->cfg->groups[i].ifname);
				return true;
			}
	if (g->naddrs == IPMP_MAX_ADDRS) {
		config_error(st, st->line, "more than %d addresses in group %s", IPMP_MAX_ADDRS,
			  g->ifname);
		return false;
	}
	grown = realloc(g->addrs, (g->naddrs + 1) * sizeof(*grown));
	if (!grown) {
		config_error(st, st->line, "out of memory");
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
		config_error(st, st->line, "target '%s': %s", word, why);
		return true;
	}
	if (p.family != AF_INET || p.plen != 32) {
		config_error(st, st->line, "target %s: must be an IPv4 host address", word);
		return true;
	}
	for (unsigned i = 0; i < g->ntargets; i++)
		if (ip_prefix_same_addr(&g->targets[i], &p)) {
			config_error(st, st->line, "target %s is listed twice", word);
			return true;
		}
	if (g->ntargets == IPMP_CONFIG_TARGETS_MAX) {
		config_error(st, st->line, "more than %d targets in group %s", IPMP_CONFIG_TARGETS_MAX,
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
	else if (!strcmp(value, "off"))
		*out = PROBE_METHOD_OFF;
	else
		return false;
	return true;
}

static bool parse_probe_method(struct parse_state *st, const char *value, enum probe_method *out)
{
	if (!config_probe_method(value, out)) {
		config_error(st, st->line, "probe must be icmp, arp or off, not '%s'", value);
		return false;
	}
	return true;
}

/* A group name is a path component under the bpffs root and a metrics label. */
static bool group_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > IPMP_GROUP_NAME_LEN || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
			return false;
	return true;
}

void config_group_key(struct parse_state *st, struct config_group *g, const char *key,
		      const char *value)
{
	if (!strcmp(key, "name")) {
		if (!group_name_valid(value))
			config_error(st, st->line, "group name '%.40s' must be 1 to %d letters, digits, "
				     "'-', '_' or '.', and not '.' or '..' (it names the pin directory)",
				     value, IPMP_GROUP_NAME_LEN);
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
	} else if (!strcmp(key, "notify")) {
		parse_notify(st, value, g->notify, sizeof(g->notify));
	} else {
		config_error(st, st->line, "unknown key '%s' in [group %s]", key, g->ifname);
	}
}

struct config_group *config_group_section(struct parse_state *st, const char *ifname)
{
	struct ipmp_config *cfg = st->cfg;
	struct config_group *g = group_find(cfg, ifname), *grown;

	if (g)
		return g;
	if (!ifname_valid(ifname)) {
		config_error(st, st->section_line, "[group %s]: not a valid interface name", ifname);
		return NULL;
	}
	if (member_find(cfg, ifname, NULL)) {
		config_error(st, st->section_line, "[group %s]: %s is already a member of a group", ifname,
			  ifname);
		return NULL;
	}
	grown = realloc(cfg->groups, (cfg->ngroups + 1) * sizeof(*grown));
	if (!grown) {
		config_error(st, st->line, "out of memory");
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

static struct interface_section *interface_section(struct handler_ctx *hc, const char *ifname)
{
	struct interface_section *grown;

	for (unsigned i = 0; i < hc->nifaces; i++)
		if (!strcmp(hc->ifaces[i].ifname, ifname))
			return &hc->ifaces[i];
	grown = realloc(hc->ifaces, (hc->nifaces + 1) * sizeof(*grown));
	if (!grown) {
		config_error(hc->st, hc->st->line, "out of memory");
		return NULL;
	}
	hc->ifaces = grown;
	memset(&grown[hc->nifaces], 0, sizeof(*grown));
	snprintf(grown[hc->nifaces].ifname, IFNAMSIZ, "%s", ifname);
	grown[hc->nifaces].line = hc->st->section_line;
	return &grown[hc->nifaces++];
}

void config_interface_key(struct handler_ctx *hc, const char *ifname, const char *key,
			  const char *value)
{
	struct parse_state *st = hc->st;
	struct interface_section *sec;
	const char *why;

	if (!ifname_valid(ifname)) {
		config_error(st, st->section_line, "[interface %s]: not a valid interface name", ifname);
		return;
	}
	sec = interface_section(hc, ifname);
	if (!sec)
		return;
	if (!strcmp(key, "test_address")) {
		if (ip_prefix_parse(value, true, &sec->test_address, &why))
			config_error(st, st->line, "test_address '%s': %s", value, why);
		else if (sec->test_address.family != AF_INET)
			config_error(st, st->line, "test_address %s: an IPv6 test address is the "
				  "member's link-local, used by itself; give an IPv4 one", value);
		else
			sec->has_test_address = true;
	} else if (!strcmp(key, "probe")) {
		parse_probe_method(st, value, &sec->probe);
	} else if (!strcmp(key, "xdp")) {
		parse_xdp_mode(st, value, &sec->xdp);
	} else {
		config_error(st, st->line, "unknown key '%s' in [interface %s]", key, ifname);
	}
}

void config_defaults(struct ipmp_config *cfg, const char *name)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->path = name;
	cfg->fdt_ms = IPMP_FDT_DEFAULT_MS;
	cfg->failback = true;
	cfg->garp_count = IPMP_GARP_COUNT_DEFAULT;
	cfg->garp_interval_ms = IPMP_GARP_INTERVAL_DEFAULT_MS;
	cfg->metrics_interval_s = IPMP_METRICS_INTERVAL_DEFAULT_S;
	cfg->xdp = XDP_MODE_AUTO;
	cfg->learn_interval_ms = IPMP_LEARN_INTERVAL_DEFAULT_MS;
	cfg->notify_timeout_s = IPMP_NOTIFY_TIMEOUT_DEFAULT_S;
	cfg->managers = true;
	cfg->early_carrier = true;
}

static void config_check_interfaces(struct parse_state *st, struct handler_ctx *hc)
{
	for (unsigned i = 0; i < hc->nifaces; i++) {
		struct interface_section *sec = &hc->ifaces[i];
		struct config_member *m = member_find(st->cfg, sec->ifname, NULL);

		if (!m) {
			config_error(st, sec->line, "[interface %s]: %s is not in the interfaces of "
				  "any group", sec->ifname, sec->ifname);
			continue;
		}
		m->has_test_address = sec->has_test_address;
		m->test_address = sec->test_address;
		m->probe = sec->probe;
		m->xdp = sec->xdp;
	}
}

/* Checks that need the whole file. */
void config_check(struct parse_state *st, struct handler_ctx *hc)
{
	struct ipmp_config *cfg = st->cfg;

	config_check_interfaces(st, hc);
	for (unsigned i = 0; i < cfg->ngroups; i++) {
		struct config_group *g = &cfg->groups[i];

		if (!g->nmembers)
			config_error(st, g->line, "[group %s] has no interfaces", g->ifname);
		if (!group_name_valid(g->name))	/* named after its interface by default */
			config_error(st, g->line, "[group %s]: the group name '%s' must be 1 to %d "
				     "letters, digits, '-', '_' or '.'; give one with name =",
				     g->ifname, g->name, IPMP_GROUP_NAME_LEN);
		for (unsigned j = 0; j < cfg->ngroups; j++)
			if (j != i && !strcmp(g->peer_ifname, cfg->groups[j].ifname))
				config_error(st, g->line, "group interface %s needs the name %s for "
					  "its veth peer, but group %s has it", g->ifname,
					  g->peer_ifname, cfg->groups[j].ifname);
		if (member_find(cfg, g->peer_ifname, NULL))
			config_error(st, g->line, "group interface %s needs the name %s for its veth "
				  "peer, but a member has it", g->ifname, g->peer_ifname);
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(g->name, cfg->groups[j].name))
				config_error(st, g->line, "group name %s is used twice (also line %d)",
					  g->name, cfg->groups[j].line);
	}
	if (!cfg->ngroups)
		config_error(st, st->line ? st->line : 1, "no [group IFNAME] section");
}

void config_free(struct ipmp_config *cfg)
{
	for (unsigned i = 0; i < cfg->ngroups; i++)
		free(cfg->groups[i].addrs);
	free(cfg->groups);
	cfg->groups = NULL;
	cfg->ngroups = 0;
}
