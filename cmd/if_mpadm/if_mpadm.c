// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * if_mpadm -d IF | -r IF: take a member of an IPMP group offline and put
 * it back, with illumos' messages and refusals (spec 2, 3.16). The agent
 * moves the member's addresses and flows to the others before it stops
 * using it, so a planned offline loses no packet.
 *
 * As illumos' if_mpadm does, it looks at the interface itself first (its
 * flags, through an ioctl on a datagram socket) and only then asks the
 * agent; "offline" is a state the agent keeps (Linux has no IFF_OFFLINE),
 * so that question goes to the agent too.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "ipmp_client.h"
#include "ipmp_errors.h"

static const char usage_text[] = "Usage: %1$s [-d | -r] <interface>\n";

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

/*
 * spec 2: the interface's flags, IPv4 socket first, IPv6 only if that
 * fails with ENXIO; failing is fatal. Linux says ENODEV for a name no
 * interface has where illumos says ENXIO; the message is illumos'.
 */
static void interface_check(const char *ifname)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct ifreq ifr = {};
	int err = 0;

	if (strlen(ifname) >= sizeof(ifr.ifr_name))
		cli_die("cannot get interface flags on %s: %s", ifname, strerror(ENXIO));
	memcpy(ifr.ifr_name, ifname, strlen(ifname) + 1);
	for (unsigned i = 0; i < 2; i++) {
		int fd = socket(families[i], SOCK_DGRAM | SOCK_CLOEXEC, 0);

		if (fd < 0) {
			if (i == 0)
				continue;
			cli_die("cannot create sockets: %s", strerror(errno));
		}
		err = ioctl(fd, SIOCGIFFLAGS, &ifr) ? errno : 0;
		close(fd);
		if (!err || err != ENXIO)
			break;
	}
	if (err)
		cli_die("cannot get interface flags on %s: %s", ifname,
			strerror(err == ENODEV ? ENXIO : err));
}

/* Is ifname offline, as far as the agent knows? (It cannot be, if unknown to it.) */
static bool is_offline(struct ipmp_client *c, const char *ifname)
{
	struct ipmp_snapshot snap;
	const struct ipmp_snap_if *ifp;
	bool offline;

	if (c->fd < 0 || ipmp_client_snapshot(c, &snap, false))
		return false;	/* the request itself will say why it fails */
	ifp = ipmp_snapshot_if(&snap, ifname);
	offline = ifp && !strcmp(ifp->state, "offline");
	ipmp_snapshot_free(&snap);
	return offline;
}

static int request(struct ipmp_client *c, enum ipmp_cmd cmd, const char *ifname)
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

	cli_init(argv[0], "fatal: ");
	opterr = 0;
	while ((opt = getopt(argc, argv, ":d:r:")) != -1) {
		if (opt != 'd' && opt != 'r') {
			cli_getopt_error(opt, optopt);
			cli_usage(1, usage_text);
		}
		op = opt;	/* the last one wins */
		ifname = optarg;
	}
	if (!op)
		cli_usage(1, usage_text);
	interface_check(ifname);
	if (ipmp_client_open(&c, NULL))
		c.fd = -1;	/* every request below then fails as "cannot contact" */

	if (op == 'd') {
		if (is_offline(&c, ifname))
			cli_die("interface %s is already offline", ifname);
		if (request(&c, IPMP_CMD_OFFLINE, ifname))
			cli_die("cannot offline %s: %s", ifname, reason(&c));
	} else {
		if (c.fd >= 0 && !is_offline(&c, ifname))
			cli_die("interface %s is not offline", ifname);
		if (request(&c, IPMP_CMD_UNDO_OFFLINE, ifname))
			cli_die("cannot undo-offline %s: %s", ifname, reason(&c));
		if (is_offline(&c, ifname))
			cli_warn("in.mpathd has not cleared IFF_OFFLINE on %s", ifname);
	}
	ipmp_client_close(&c);
	return 0;
}
