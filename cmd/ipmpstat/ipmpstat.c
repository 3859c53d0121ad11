// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ipmpstat: IPMP state at a glance, column for column as illumos prints it
 * (spec 1). The agent decides every value (agent/snapshot.c); this file
 * chooses rows and formats them through the field tables below and
 * lib/ofmt.c. Beyond illumos: -j prints the selection as JSON.
 *
 * IPMPSTAT_SNAPSHOT=FILE reads a saved snapshot instead of asking the
 * agent (golden tests; looking at a snapshot someone sent you); not for -p,
 * which follows the agent live.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ipaddr.h"
#include "ipmp_client.h"
#include "ofmt.h"

static const char usage_text[] =
	"usage: %1$s [-n] [-o <field> [-P]] -a|-g|-i|-p|-t\n"
	"\n  output modes:\t -a  display IPMP data address information\n"
	"\t\t -g  display IPMP group information\n"
	"\t\t -i  display IPMP-related IP interface information\n"
	"\t\t -p  display IPMP probe information\n"
	"\t\t -t  display IPMP target information\n"
	"\n       options:\t -n  display IP addresses numerically\n"
	"\t\t -o  display only the specified fields, in order\n"
	"\t\t -P  display using parsable output mode\n";

/* --- values ------------------------------------------------------------------------ */

struct row {
	const struct ipmp_snapshot *snap;
	const void *obj;
	bool v6;	/* -t: the member's IPv6 row */
};

/* src into buf (len bytes), cut short if it must be; its length. */
static size_t put(char *buf, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (!len)
		return 0;
	if (n >= len)
		n = len - 1;
	memcpy(buf, src, n);
	buf[n] = '\0';
	return n;
}

static bool numeric;

/* spec 1.3: getnameinfo with NI_NOFQDN, numeric with -n or when unresolvable */
static void addr_format(const char *text, char *buf, size_t len)
{
	struct ip_prefix p;
	const char *why;
	union {
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} sa = {};
	socklen_t salen;

	if (numeric || ip_prefix_parse(text, false, &p, &why)) {
		put(buf, len, text);
		return;
	}
	if (p.family == AF_INET) {
		sa.in.sin_family = AF_INET;
		memcpy(&sa.in.sin_addr, p.addr, 4);
		salen = sizeof(sa.in);
	} else {
		sa.in6.sin6_family = AF_INET6;
		memcpy(&sa.in6.sin6_addr, p.addr, 16);
		salen = sizeof(sa.in6);
	}
	if (getnameinfo((struct sockaddr *)&sa, salen, buf, len, NULL, 0, NI_NOFQDN))
		snprintf(buf, len, "%s", text);
}

static void join(char *buf, size_t len, char (*names)[IPMP_CLIENT_NAME_MAX], unsigned n, bool addrs)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n && used + 1 < len; i++) {
		char one[NI_MAXHOST];

		if (i)
			used += put(buf + used, len - used, " ");
		if (addrs) {
			addr_format(names[i], one, sizeof(one));
			used += put(buf + used, len - used, one);
		} else {
			used += put(buf + used, len - used, names[i]);
		}
	}
}

/* -a */
enum { A_ADDRESS, A_STATE, A_GROUP, A_INBOUND, A_OUTBOUND };
static const struct ofmt_field addr_fields[] = {
	{ "ADDRESS", 26, A_ADDRESS }, { "STATE", 7, A_STATE }, { "GROUP", 12, A_GROUP },
	{ "INBOUND", 12, A_INBOUND }, { "OUTBOUND", 23, A_OUTBOUND },
};

static bool addr_value(int id, const void *r, char *buf, size_t len)
{
	const struct ipmp_snap_addr *a = ((const struct row *)r)->obj;
	bool up = !strcmp(a->state, "up");

	switch (id) {
	case A_ADDRESS:
		addr_format(a->address, buf, len);
		break;
	case A_STATE:
		put(buf, len, a->state);
		break;
	case A_GROUP:
		put(buf, len, a->group);
		break;
	case A_INBOUND:
		put(buf, len, up ? a->inbound : "");
		break;
	case A_OUTBOUND:
		if (up && a->inbound[0])
			join(buf, len, a->outbound, a->noutbound, false);
		else
			buf[0] = '\0';
		break;
	}
	return true;
}

/* -g */
enum { G_GROUP, G_GROUPNAME, G_STATE, G_FDT, G_INTERFACES };
static const struct ofmt_field group_fields[] = {
	{ "GROUP", 12, G_GROUP }, { "GROUPNAME", 12, G_GROUPNAME }, { "STATE", 10, G_STATE },
	{ "FDT", 10, G_FDT }, { "INTERFACES", 30, G_INTERFACES },
};

/* spec 1.3.2: active ones, then (inactive ones), then [the rest] */
static void group_interfaces(const struct row *r, char *buf, size_t len)
{
	const struct ipmp_snap_group *g = r->obj;
	size_t used = 0;

	buf[0] = '\0';
	for (int pass = 0; pass < 3; pass++) {
		bool opened = false;

		for (unsigned i = 0; i < g->ninterfaces; i++) {
			const struct ipmp_snap_if *ifp = ipmp_snapshot_if(r->snap, g->interfaces[i]);
			int kind = !ifp ? 2 : ifp->active ? 0 : ifp->flags[0] == 'i' ? 1 : 2;

			if (kind != pass || used >= len)
				continue;
			used += snprintf(buf + used, len - used, "%s%s%s",
					 opened ? " " : used ? " " : "",
					 !opened && pass == 1 ? "(" : !opened && pass == 2 ? "[" : "",
					 g->interfaces[i]);
			opened = true;
		}
		if (opened && pass && used < len)
			used += snprintf(buf + used, len - used, "%s", pass == 1 ? ")" : "]");
	}
}

static bool group_value(int id, const void *r, char *buf, size_t len)
{
	const struct ipmp_snap_group *g = ((const struct row *)r)->obj;

	switch (id) {
	case G_GROUP:
		snprintf(buf, len, "%s", g->ifname);
		break;
	case G_GROUPNAME:
		snprintf(buf, len, "%s", g->name);
		break;
	case G_STATE:
		snprintf(buf, len, "%s", g->state);
		break;
	case G_FDT:
		if (g->fdt_ms)	/* illumos: MS2FLOATSEC, a float: 155 ms prints 0.16s */
			snprintf(buf, len, "%.2fs", (float)g->fdt_ms / 1000);
		else
			buf[0] = '\0';
		break;
	case G_INTERFACES:
		group_interfaces(r, buf, len);
		break;
	}
	return true;
}

/* -i */
enum { I_INTERFACE, I_ACTIVE, I_GROUP, I_FLAGS, I_LINK, I_PROBE, I_STATE };
static const struct ofmt_field if_fields[] = {
	{ "INTERFACE", 12, I_INTERFACE }, { "ACTIVE", 8, I_ACTIVE }, { "GROUP", 12, I_GROUP },
	{ "FLAGS", 10, I_FLAGS }, { "LINK", 10, I_LINK }, { "PROBE", 10, I_PROBE },
	{ "STATE", 10, I_STATE },
};

static bool if_value(int id, const void *r, char *buf, size_t len)
{
	const struct ipmp_snap_if *i = ((const struct row *)r)->obj;
	const char *v = "";

	switch (id) {
	case I_INTERFACE: v = i->name; break;
	case I_ACTIVE: v = i->active ? "yes" : "no"; break;
	case I_GROUP: v = i->group; break;
	case I_FLAGS: v = i->flags; break;
	case I_LINK: v = i->link; break;
	case I_PROBE: v = i->probe; break;
	case I_STATE: v = i->state; break;
	}
	snprintf(buf, len, "%s", v);
	return true;
}

/* -t */
enum { T_INTERFACE, T_MODE, T_TESTADDR, T_TARGETS };
static const struct ofmt_field target_fields[] = {
	{ "INTERFACE", 12, T_INTERFACE }, { "MODE", 10, T_MODE }, { "TESTADDR", 20, T_TESTADDR },
	{ "TARGETS", 38, T_TARGETS },
};

static bool target_value(int id, const void *r, char *buf, size_t len)
{
	const struct row *row = r;
	const struct ipmp_snap_if *i = row->obj;
	const char *mode = row->v6 ? i->mode6 : i->mode;
	const char *testaddr = row->v6 ? i->testaddr6 : i->testaddr;

	switch (id) {
	case T_INTERFACE:
		snprintf(buf, len, "%s", i->name);
		break;
	case T_MODE:
		snprintf(buf, len, "%s", mode);
		break;
	case T_TESTADDR:
		if (!strcmp(mode, "disabled") || !testaddr[0])
			buf[0] = '\0';
		else
			addr_format(testaddr, buf, len);
		break;
	case T_TARGETS:
		if (row->v6)
			join(buf, len, i->targets6, i->ntargets6, true);
		else
			join(buf, len, i->targets, i->ntargets, true);
		break;
	}
	return true;
}

/*
 * spec 1.3.4: the IPv4 row unless only IPv6 probes, the IPv6 row when it
 * probes; one "disabled" row when neither does.
 */
static void target_rows(struct ofmt *o, struct row *r)
{
	const struct ipmp_snap_if *i = r->obj;
	bool v4 = strcmp(i->mode, "disabled"), v6 = strcmp(i->mode6, "disabled");

	r->v6 = false;
	if (v4 || !v6)
		ofmt_print(o, r);
	r->v6 = true;
	if (v6)
		ofmt_print(o, r);
}

static void snapshot_from_agent(struct ipmp_snapshot *snap, bool with_addrs)
{
	struct ipmp_client c;

	if (ipmp_client_open(&c, NULL) || ipmp_client_ping(&c))
		cli_die("cannot contact in.mpathd(1M) -- is IPMP in use?");
	if (ipmp_client_snapshot(&c, snap, with_addrs))
		cli_die("cannot snapshot IPMP state: %s", c.error[0] ? c.error : strerror(errno));
	ipmp_client_close(&c);
}

/* -p: one row per probe as it is answered or lost (spec 1.3.5) */
enum { P_TIME, P_INTERFACE, P_PROBE, P_NETRTT, P_RTT, P_RTTAVG, P_TARGET, P_RTTDEV };
static const struct ofmt_field probe_fields[] = {
	{ "TIME", 10, P_TIME }, { "INTERFACE", 12, P_INTERFACE }, { "PROBE", 7, P_PROBE },
	{ "NETRTT", 10, P_NETRTT }, { "RTT", 10, P_RTT }, { "RTTAVG", 10, P_RTTAVG },
	{ "TARGET", 20, P_TARGET }, { "RTTDEV", 10, P_RTTDEV },
};

static int64_t probe_t0_ns;	/* when ipmpstat started, on the agent's clock */

static bool json_int(const json_t *ev, const char *key, int64_t *out)
{
	const json_t *v = json_object_get(ev, key);

	if (!json_is_integer(v))
		return false;
	*out = json_integer_value(v);
	return true;
}

/* "%.2fms", or empty for 0 (no data / not answered); a float, as illumos' NS2FLOATMS */
static void ms_or_empty(char *buf, size_t len, int64_t ns)
{
	if (ns > 0)
		snprintf(buf, len, "%.2fms", (float)ns / 1000000);
	else
		buf[0] = '\0';
}

static bool probe_value(int id, const void *r, char *buf, size_t len)
{
	const json_t *ev = ((const struct row *)r)->obj;
	const char *s;
	int64_t v;

	switch (id) {
	case P_TIME:
		if (!json_int(ev, "start_ns", &v))
			return false;
		snprintf(buf, len, "%.2fs", (float)(v - probe_t0_ns) / 1000000000);
		return true;
	case P_INTERFACE:
	case P_TARGET:
		s = json_string_value(json_object_get(ev, id == P_TARGET ? "target" : "interface"));
		if (!s)
			return false;
		if (id == P_TARGET)
			addr_format(s, buf, len);
		else
			snprintf(buf, len, "%s", s);
		return true;
	case P_PROBE:
		if (!json_int(ev, "id", &v))
			return false;
		snprintf(buf, len, "%u", (unsigned)v);
		return true;
	default: {
		static const char *const keys[] = {
			[P_NETRTT] = "netrtt_ns", [P_RTT] = "rtt_ns", [P_RTTAVG] = "rttavg_ns",
			[P_RTTDEV] = "rttdev_ns",
		};

		if (!json_int(ev, keys[id], &v))
			return false;
		ms_or_empty(buf, len, v);
		return true;
	}
	}
}

/* Subscribe to the probe stream; false when the agent cannot be reached (now). */
static bool probe_follow(struct ipmp_client *c)
{
	json_t *reply;

	if (ipmp_client_open(c, NULL))
		return false;
	if (ipmp_client_call(c, IPMP_CMD_PROBES, NULL, &reply)) {
		ipmp_client_close(c);
		return false;
	}
	json_decref(reply);
	return true;
}

/*
 * Print probes as the agent resolves them, until interrupted (spec 1.3.5).
 * Like illumos' event channel, which outlives in.mpathd, the stream
 * survives an agent restart: ipmpstat waits for the new agent and
 * follows it, every 200 ms trying again, saying nothing meanwhile.
 */
static void probe_mode(struct ofmt *o)
{
	static const struct timespec retry = { .tv_nsec = 200 * 1000 * 1000 };
	struct ipmp_snapshot snap;
	struct ipmp_client c;
	struct timespec ts;
	bool any = false;
	json_t *ev;

	snapshot_from_agent(&snap, false);
	for (unsigned i = 0; i < snap.nifs; i++)
		any |= strcmp(snap.ifs[i].probe, "disabled") != 0;
	ipmp_snapshot_free(&snap);
	if (!any)
		cli_die("probe-based failure detection is disabled");
	clock_gettime(CLOCK_MONOTONIC, &ts);
	probe_t0_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	if (!probe_follow(&c))
		cli_die("cannot contact in.mpathd(1M) -- is IPMP in use?");
	for (;;) {
		while (!ipmp_client_next(&c, &ev)) {
			struct row r = { .obj = ev };

			if (!strcmp(json_string_value(json_object_get(ev, "event")) ?: "", "probe"))
				ofmt_print(o, &r);
			json_decref(ev);
		}
		ipmp_client_close(&c);
		while (!probe_follow(&c))
			nanosleep(&retry, NULL);
	}
}

/* --- main ---------------------------------------------------------------------------- */

static void snapshot_from_file(const char *path, struct ipmp_snapshot *snap)
{
	json_error_t jerr;
	json_t *obj = json_load_file(path, 0, &jerr);
	char err[256];

	if (!obj)
		cli_die("cannot snapshot IPMP state: %s: %s", path, jerr.text);
	if (ipmp_snapshot_decode(json_is_object(json_object_get(obj, "snapshot")) ?
					 json_object_get(obj, "snapshot") : obj,
				 snap, err, sizeof(err)))
		cli_die("cannot snapshot IPMP state: %s", err);
	json_decref(obj);
}

static unsigned screen_rows(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) || !ws.ws_row || !ws.ws_col)
		return 24;
	return ws.ws_row;
}

int main(int argc, char **argv)
{
	const char *olist = NULL, *file = getenv("IPMPSTAT_SNAPSHOT");
	char mode = 0, err[512], warning[512];
	enum ofmt_style style = OFMT_HUMAN;
	bool parsable = false, json = false;
	struct ipmp_snapshot snap;
	const struct ofmt_field *fields;
	unsigned nfields;
	ofmt_value_fn value;
	struct ofmt o;
	int c;

	cli_init(argv[0], "");
	opterr = 0;
	while ((c = getopt(argc, argv, ":nLPo:agiptj")) != -1) {
		switch (c) {
		case 'n': numeric = true; break;
		case 'L': break;	/* illumos: live state; a snapshot is always consistent here */
		case 'P': parsable = true; break;
		case 'j': json = true; break;
		case 'o': olist = optarg; break;
		case 'a': case 'g': case 'i': case 'p': case 't':
			if (mode)
				cli_die("only one output format may be specified");
			mode = c;
			break;
		default:	/* getopt's complaint, then the usage (spec 1.1) */
			cli_getopt_error(c, optopt);
			cli_usage(1, usage_text);
		}
	}
	if (optind < argc || !mode)
		cli_usage(1, usage_text);
	if (parsable)
		style = OFMT_PARSABLE;
	else if (json)
		style = OFMT_JSON;

	switch (mode) {
	case 'a': fields = addr_fields; nfields = 5; value = addr_value; break;
	case 'g': fields = group_fields; nfields = 5; value = group_value; break;
	case 'i': fields = if_fields; nfields = 7; value = if_value; break;
	case 't': fields = target_fields; nfields = 4; value = target_value; break;
	default: fields = probe_fields; nfields = 8; value = probe_value; break;
	}
	if (ofmt_open(&o, fields, nfields, olist, style, value, stdout, err, sizeof(err), warning,
		      sizeof(warning)))
		cli_die("%s", err);
	if (warning[0])
		cli_warn("%s", warning);
	ofmt_set_screen_rows(&o, screen_rows());
	if (mode == 'p') {
		ofmt_set_streaming(&o, true);
		probe_mode(&o);	/* does not return */
	}

	if (file)
		snapshot_from_file(file, &snap);
	else
		snapshot_from_agent(&snap, mode == 'a');

	/* groups in the agent's order; members and addresses group by group */
	for (unsigned g = 0; g < snap.ngroups; g++) {
		struct row r = { .snap = &snap };

		if (mode == 'g') {
			r.obj = &snap.groups[g];
			ofmt_print(&o, &r);
		}
		for (unsigned i = 0; mode != 'g' && mode != 'a' && i < snap.nifs; i++)
			if (!strcmp(snap.ifs[i].group, snap.groups[g].ifname)) {
				r.obj = &snap.ifs[i];
				if (mode == 't')
					target_rows(&o, &r);
				else
					ofmt_print(&o, &r);
			}
		for (unsigned i = 0; mode == 'a' && i < snap.naddrs; i++)
			if (!strcmp(snap.addrs[i].group, snap.groups[g].ifname)) {
				r.obj = &snap.addrs[i];
				ofmt_print(&o, &r);
			}
	}
	ofmt_close(&o);
	ipmp_snapshot_free(&snap);
	return 0;
}
