// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * if_mpadm -d IF | -r IF: take a member of an IPMP group offline and put
 * it back, with illumos' messages and refusals (spec 2, 3.16). The agent
 * moves the member's addresses and flows to the others before it stops
 * using it, so a planned offline loses no packet.
 */
#include <errno.h>
#include <libgen.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipmp_client.h"
#include "ipmp_errors.h"

static const char *progname = "if_mpadm";

static void msg(const char *kind, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s: ", progname, kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg("fatal", fmt, ap);
	va_end(ap);
	exit(1);
}

static void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg("warning", fmt, ap);
	va_end(ap);
}

static void usage(void)
{
	fprintf(stderr, "Usage: %s [-d | -r] <interface>\n", progname);
	exit(1);
}

/* The reasons if_mpadm gives for the agent's refusals (spec 2). */
static const char *reason(const struct ipmp_client *c)
{
	switch (c->code) {
	case IPMP_EUNKIF:
		return "not a physical interface or not in an IPMP group";
	case IPMP_EMINRED:
		return "no other functioning interfaces are in its IPMP group";
	case 0:
		return ipmp_errmsg(IPMP_ENOMPATHD, 0);
	default:
		return ipmp_errmsg(c->code, c->err);
	}
}

/* Is ifname offline? Asks the agent; exits as illumos does when it cannot tell. */
static bool is_offline(struct ipmp_client *c, const char *ifname)
{
	struct ipmp_snapshot snap;
	const struct ipmp_snap_if *ifp;
	bool offline;

	if (ipmp_client_snapshot(c, &snap, false)) {
		if (!if_nametoindex(ifname))
			fatal("cannot get interface flags on %s: %s", ifname, strerror(ENXIO));
		return false;	/* the request itself will say why it fails */
	}
	ifp = ipmp_snapshot_if(&snap, ifname);
	if (!ifp && !if_nametoindex(ifname))
		fatal("cannot get interface flags on %s: %s", ifname, strerror(ENXIO));
	offline = ifp && !strcmp(ifp->state, "offline");
	ipmp_snapshot_free(&snap);
	return offline;
}

static int request(struct ipmp_client *c, const char *cmd, const char *ifname)
{
	json_t *args = json_pack("{s:s}", "interface", ifname), *reply;
	int ret = c->fd >= 0 ? ipmp_client_call(c, cmd, args, &reply) : -ECONNREFUSED;

	json_decref(args);
	if (!ret)
		json_decref(reply);
	return ret;
}

int main(int argc, char **argv)
{
	const char *ifname = NULL;
	struct ipmp_client c;
	int op = 0, opt;

	progname = basename(argv[0]);
	opterr = 0;
	while ((opt = getopt(argc, argv, "d:r:")) != -1) {
		if (opt != 'd' && opt != 'r')
			usage();
		op = opt;	/* the last one wins */
		ifname = optarg;
	}
	if (!op)
		usage();
	if (ipmp_client_open(&c, NULL))
		c.fd = -1;	/* every request below then fails as "cannot contact" */

	if (op == 'd') {
		if (c.fd >= 0 && is_offline(&c, ifname))
			fatal("interface %s is already offline", ifname);
		if (request(&c, "offline", ifname))
			fatal("cannot offline %s: %s", ifname, reason(&c));
	} else {
		if (c.fd >= 0 && !is_offline(&c, ifname))
			fatal("interface %s is not offline", ifname);
		if (request(&c, "undo-offline", ifname))
			fatal("cannot undo-offline %s: %s", ifname, reason(&c));
		if (is_offline(&c, ifname))
			warning("in.mpathd has not cleared IFF_OFFLINE on %s", ifname);
	}
	ipmp_client_close(&c);
	return 0;
}
