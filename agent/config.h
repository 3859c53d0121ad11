/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The configuration file (ipmp.conf(5)), parsed with inih.
 *
 *   [global]            failure_detection_time, failback, garp_count, garp_interval,
 *                       metrics_dir, metrics_interval, admin_group, early_carrier, ...
 *   [group IFNAME]      name, interfaces, standby, addresses, targets, probe
 *   [interface IFNAME]  test_address, probe
 *
 * Every error names file, line and what is wrong; a file with any error is
 * rejected whole and the agent changes nothing on the system. Values that
 * in.mpathd corrects rather than rejects (a too small failure detection
 * time, a bad failback value) are corrected the same way, with its message.
 */
#ifndef IPMP_CONFIG_H
#define IPMP_CONFIG_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <sys/types.h>

#include <ipmp/maps.h>
#include "ipaddr.h"

#define IPMP_GROUP_NAME_MAX	32	/* illumos LIFGRNAMSIZ, with the NUL */
#define IPMP_GROUP_NAME_LEN	15	/* ours is a path component (the pin directory): at most */
#define IPMP_FDT_DEFAULT_MS	10000	/* spec 3.1 */
#define IPMP_FDT_MIN_MS		100
#define IPMP_GARP_COUNT_DEFAULT	3
#define IPMP_GARP_INTERVAL_DEFAULT_MS 100
#define IPMP_METRICS_INTERVAL_DEFAULT_S 15
#define IPMP_LEARN_INTERVAL_DEFAULT_MS 1000	/* bonding's lp_interval */
#define IPMP_NOTIFY_TIMEOUT_DEFAULT_S 10
#define IPMP_CONFIG_TARGETS_MAX	16

enum probe_method {
	PROBE_METHOD_DEFAULT = 0,	/* [interface]: as the group says */
	PROBE_METHOD_ICMP,		/* echo from the test address (in.mpathd) */
	PROBE_METHOD_ARP,		/* RFC 5227 ARP probes, no test address needed */
	PROBE_METHOD_OFF,		/* none: link-based detection only */
};

/* How member_xdp is attached (xdp =): see ipmp.conf(5) for what each costs. */
enum xdp_mode {
	XDP_MODE_DEFAULT = 0,	/* [interface]: as [global] says */
	XDP_MODE_AUTO,		/* native where the driver has it, else generic */
	XDP_MODE_NATIVE,	/* in the driver: earliest stamp; some drivers reset to attach */
	XDP_MODE_GENERIC,	/* in the stack, any driver */
	XDP_MODE_OFF,		/* no XDP: member_ingress (tc) recognises the replies */
};

struct config_member {
	char ifname[IFNAMSIZ];
	bool standby;
	enum probe_method probe;
	enum xdp_mode xdp;
	bool has_test_address;
	struct ip_prefix test_address;
	int line;		/* where it was named in interfaces = */
};

struct config_group {
	char ifname[IFNAMSIZ];		/* the group interface */
	char notify[PATH_MAX];		/* its notify program ("": the global one) */
	char peer_ifname[IFNAMSIZ];	/* far end of its veth pair */
	char name[IPMP_GROUP_NAME_MAX];
	struct config_member members[IPMP_MAX_MEMBERS];
	unsigned nmembers;
	struct ip_prefix *addrs;
	unsigned naddrs;
	struct ip_prefix targets[IPMP_CONFIG_TARGETS_MAX];	/* probe targets, /32 */
	unsigned ntargets;
	enum probe_method probe;	/* ICMP unless probe = arp or off */
	int line;
	int standby_line;
};

struct ipmp_config {
	const char *path;
	unsigned fdt_ms;
	bool failback;
	unsigned garp_count;
	unsigned garp_interval_ms;
	char metrics_dir[PATH_MAX];	/* "": no metrics file */
	unsigned metrics_interval_s;
	/* admin_group: its members may change state too (uid 0 always may) */
	char admin_group[64];		/* "": none */
	enum xdp_mode xdp;		/* members' default (auto) */
	unsigned learn_interval_ms;	/* a member silent this long sends a learning frame; 0: never */
	bool datapath_direct;		/* datapath = direct: around the group's veth, not through it */
	char notify[PATH_MAX];		/* run on state changes and failovers ("": none) */
	unsigned notify_timeout_s;	/* then it is killed */
	bool managers;			/* tell NetworkManager and networkd to leave our interfaces */
	bool early_carrier;		/* carrier losses from the driver, before netlink (carrier.h) */
	gid_t admin_gid;
	struct config_group *groups;
	unsigned ngroups;
};

/* 0, or -EINVAL after logging every error found; -errno if unreadable. */
int config_load(const char *path, struct ipmp_config *cfg);
/* The same from a string; name is what error messages call it. */
int config_load_string(const char *text, const char *name, struct ipmp_config *cfg);
void config_free(struct ipmp_config *cfg);

/* "auto", "native", "generic" or "off"; false for anything else. */
bool config_xdp_mode(const char *value, enum xdp_mode *out);
/* A member's mode, its own or the global one. */
enum xdp_mode config_member_xdp(const struct ipmp_config *cfg, const struct config_member *m);
extern const char *const config_xdp_mode_names[];

/* "icmp" or "arp" (the probe key's values); false for anything else. */
bool config_probe_method(const char *value, enum probe_method *out);

/* The far end's name: "<ifname>-p", the interface name cut to fit. */
void config_peer_ifname(const char *ifname, char out[IFNAMSIZ]);

#endif
