// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ipmpadm: Linux-side administration of the agent's groups.
 *
 *   ipmpadm standby IF on|off              mark a member standby, or not
 *   ipmpadm add-interface GROUP IF [opts]  a new member (standby, test-address, probe)
 *   ipmpadm remove-interface IF            take a member out of its group
 *   ipmpadm add-address GROUP ADDR/PLEN    a new data address on GROUP
 *   ipmpadm remove-address ADDR            drop a data address
 *   ipmpadm reload                         re-read the config file, apply what changed
 *   ipmpadm monitor [--probes]             state changes (and probe results) as JSON lines
 *
 * Changes made here last until the agent restarts or reloads; the
 * configuration file is what the agent starts from.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ipmp_client.h"
#include "ipmp_errors.h"

static const char usage_text[] =
	"usage: %1$s standby INTERFACE on|off\n"
	"       %1$s add-interface GROUP INTERFACE [standby] [test-address ADDRESS/PREFIXLEN]\n"
	"                                          [probe icmp|arp|off]\n"
	"       %1$s remove-interface INTERFACE\n"
	"       %1$s add-address GROUP ADDRESS/PREFIXLEN\n"
	"       %1$s remove-address ADDRESS\n"
	"       %1$s reload\n"
	"       %1$s monitor [--probes]\n";

static int usage(void)
{
	cli_usage(2, usage_text);
}

static struct ipmp_client connect_or_die(void)
{
	struct ipmp_client c;

	if (ipmp_client_open(&c, NULL))
		cli_die("%s", ipmp_errmsg(IPMP_ENOMPATHD, 0));
	return c;
}

static const char *reason(const struct ipmp_client *c)
{
	if (c->code == IPMP_EUNKIF)
		return "not in an IPMP group";
	return c->error;	/* the agent's text: libipmp's message, or what is wrong exactly */
}

/* One privileged request; prints "cannot WHAT: reason" on failure. */
static int simple_request(enum ipmp_cmd cmd, json_t *args, const char *what)
{
	struct ipmp_client c = connect_or_die();
	json_t *reply;
	int ret = ipmp_client_call(&c, cmd, args, &reply);

	json_decref(args);
	if (ret)
		fprintf(stderr, "%s: cannot %s: %s\n", cli_progname(), what, reason(&c));
	else
		json_decref(reply);
	ipmp_client_close(&c);
	return ret ? 1 : 0;
}

static int cmd_standby(const char *ifname, const char *onoff)
{
	bool on = !strcmp(onoff, "on");
	char what[128];

	if (!on && strcmp(onoff, "off"))
		return usage();
	snprintf(what, sizeof(what), "set standby %s on %s", on ? "on" : "off", ifname);
	return simple_request(IPMP_CMD_STANDBY, json_pack("{s:s, s:b}", "interface", ifname, "standby", on),
			      what);
}

/* add-interface GROUP IF, then keywords: standby, test-address A/P, probe icmp|arp|off. */
static int cmd_add_interface(int argc, char **argv)
{
	json_t *args = json_pack("{s:s, s:s}", "group", argv[0], "interface", argv[1]);
	char what[128];

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "standby")) {
			json_object_set_new(args, "standby", json_true());
		} else if (!strcmp(argv[i], "test-address") && i + 1 < argc) {
			json_object_set_new(args, "test_address", json_string(argv[++i]));
		} else if (!strcmp(argv[i], "probe") && i + 1 < argc &&
			   (!strcmp(argv[i + 1], "icmp") || !strcmp(argv[i + 1], "arp") ||
			    !strcmp(argv[i + 1], "off"))) {
			json_object_set_new(args, "probe", json_string(argv[++i]));
		} else {
			fprintf(stderr, "%s: add-interface: unexpected '%s'\n", cli_progname(), argv[i]);
			json_decref(args);
			return usage();
		}
	}
	snprintf(what, sizeof(what), "add %s to %s", argv[1], argv[0]);
	return simple_request(IPMP_CMD_ADD_INTERFACE, args, what);
}

/* What changed on stdout, what was wrong on stderr; 1 if anything was. */
static int cmd_reload(void)
{
	struct ipmp_client c = connect_or_die();
	struct ipmp_reload r;
	int ret = ipmp_client_reload(&c, &r);

	for (unsigned i = 0; i < r.nchanges; i++)
		printf("%s\n", r.changes[i]);
	if (!ret && !r.nchanges)
		printf("no changes\n");
	for (unsigned i = 0; i < r.nerrors; i++)
		fprintf(stderr, "%s\n", r.errors[i]);
	if (ret)
		fprintf(stderr, "%s: cannot reload: %s\n", cli_progname(), reason(&c));
	ipmp_reload_free(&r);
	ipmp_client_close(&c);
	return ret ? 1 : 0;
}

/*
 * One JSON object per line, flushed, until the agent goes away or we are
 * stopped: state changes, and with probes every probe result too.
 */
static int cmd_monitor(bool probes)
{
	struct ipmp_client c = connect_or_die();
	json_t *reply, *ev;

	for (int i = 0; i < (probes ? 2 : 1); i++) {
		if (ipmp_client_call(&c, i ? IPMP_CMD_PROBES : IPMP_CMD_EVENTS, NULL, &reply)) {
			fprintf(stderr, "%s: cannot follow events: %s\n", cli_progname(), c.error);
			ipmp_client_close(&c);
			return 1;
		}
		json_decref(reply);
	}
	while (!ipmp_client_next(&c, &ev)) {
		char *text = json_dumps(ev, JSON_COMPACT);

		if (text) {
			puts(text);
			fflush(stdout);
			free(text);
		}
		json_decref(ev);
	}
	fprintf(stderr, "%s: the agent closed the connection\n", cli_progname());
	ipmp_client_close(&c);
	return 1;
}

int main(int argc, char **argv)
{
	cli_init(argv[0], "");
	if (argc == 4 && !strcmp(argv[1], "standby"))
		return cmd_standby(argv[2], argv[3]);
	if (argc == 2 && !strcmp(argv[1], "monitor"))
		return cmd_monitor(false);
	if (argc == 3 && !strcmp(argv[1], "monitor") && !strcmp(argv[2], "--probes"))
		return cmd_monitor(true);
	if (argc == 2 && !strcmp(argv[1], "reload"))
		return cmd_reload();
	if (argc >= 4 && !strcmp(argv[1], "add-interface"))
		return cmd_add_interface(argc - 2, argv + 2);
	if (argc == 3 && !strcmp(argv[1], "remove-interface")) {
		char what[128];

		snprintf(what, sizeof(what), "remove %s", argv[2]);
		return simple_request(IPMP_CMD_REMOVE_INTERFACE, json_pack("{s:s}", "interface", argv[2]),
				      what);
	}
	if (argc == 4 && !strcmp(argv[1], "add-address")) {
		char what[128];

		snprintf(what, sizeof(what), "add %s to %s", argv[3], argv[2]);
		return simple_request(IPMP_CMD_ADD_ADDRESS,
				      json_pack("{s:s, s:s}", "group", argv[2], "address", argv[3]),
				      what);
	}
	if (argc == 3 && !strcmp(argv[1], "remove-address")) {
		char what[128];

		snprintf(what, sizeof(what), "remove %s", argv[2]);
		return simple_request(IPMP_CMD_REMOVE_ADDRESS, json_pack("{s:s}", "address", argv[2]),
				      what);
	}
	return usage();
}
