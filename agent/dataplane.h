/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The data plane of one group: its eBPF programs and maps (pinned under
 * <bpffs>/<group name>/), their tc attachments, and the projection of the
 * group's state into the maps. The only code that writes BPF maps.
 */
#ifndef IPMP_DATAPLANE_H
#define IPMP_DATAPLANE_H

#include <limits.h>
#include <stdbool.h>

#include <ipmp/maps.h>
#include "ipaddr.h"

struct ipmp_group;
struct group_egress;
struct member_ingress;
struct member_xdp;
struct bpf_link;
struct ipmp_probe_cfg;

/* Our tc filters, so a restart replaces them and cleanup finds them. */
#define IPMP_TC_HANDLE		0x49504d50	/* "IPMP" */
#define IPMP_TC_PRIORITY	1

struct dataplane {
	char pin_dir[PATH_MAX];
	struct group_egress *egress;
	struct member_ingress *ingress;
	struct member_xdp *xdp;
	struct bpf_link *xdp_links[IPMP_MAX_MEMBERS];	/* by slot */
	int group_ifindex;
	int attached[IPMP_MAX_MEMBERS];		/* ifindex ingress is attached to, by slot */
	int pushed[IPMP_MAX_MEMBERS];		/* ifindex last written to members, by slot */
	uint32_t *pushed_binding;		/* ifindex last written per address */
	unsigned naddrs;
	bool inherited;		/* a previous agent's data plane was found (any layout) */
	bool adopting;		/* the pinned maps are a previous agent's of this layout */
	struct ipmp_agent_state *carried;	/* its state across a layout change, or NULL */
	bool reattach;		/* replacing another version's: attach after the first push */
};

/* Make sure root is on a bpffs (mounting one if needed) and exists. */
int dataplane_bpffs_prepare(const char *root);
int dataplane_open(struct dataplane *dp, const char *root, const char *group_name,
		   unsigned naddrs);
void dataplane_close(struct dataplane *dp);
int dataplane_attach_group(struct dataplane *dp, int ifindex);
int dataplane_attach_member(struct dataplane *dp, unsigned slot, int ifindex);
void dataplane_detach_member(struct dataplane *dp, unsigned slot);
int dataplane_push(struct dataplane *dp, const struct ipmp_group *g);
/*
 * Restart adoption (dp->adopting): what the previous agent left, read
 * before group_start(): each member's prior state and each address's
 * member, set into the model. prev (may be NULL) gets the record as read:
 * which members the previous agent had, for what they left behind.
 * Returns 0, or -ENOENT when there is nothing to adopt.
 */
int dataplane_adopt(struct dataplane *dp, struct ipmp_group *g, struct ipmp_agent_state *prev);
/*
 * After the first push: delete the map entries of members and addresses
 * the group no longer has; stale_addr hears of each address dropped.
 */
void dataplane_prune(struct dataplane *dp, const struct ipmp_group *g,
		     void (*stale_addr)(const struct ip_prefix *addr, void *ctx), void *ctx);
/* The data plane's counters, summed over the CPUs: a member's (by slot), and the drops. */
int dataplane_member_stats(struct dataplane *dp, unsigned slot, struct ipmp_member_stats *out);
int dataplane_drops(struct dataplane *dp, __u64 out[IPMP_DROP__MAX]);
/* A slot is about to hold a new member: its counters start from zero. */
int dataplane_stats_reset(struct dataplane *dp, unsigned slot);
/* Room for naddrs data addresses (before the group gains one). */
int dataplane_addrs_reserve(struct dataplane *dp, unsigned naddrs);
/* The group is about to drop address index: remove its binding. */
void dataplane_addr_forget(struct dataplane *dp, unsigned index, const struct ip_prefix *p);

/* XDP probe-reply timestamping on a member: a bpf_link pinned as xdp_<ifname>. */
int dataplane_attach_xdp(struct dataplane *dp, unsigned slot, int ifindex, const char *ifname);
void dataplane_detach_xdp(struct dataplane *dp, unsigned slot, const char *ifname);
/* Only the pin (a member a previous agent had): the last reference, so the link detaches. */
void dataplane_unpin_xdp(struct dataplane *dp, const char *ifname);
int dataplane_probe_cfg_set(struct dataplane *dp, int ifindex, const struct ipmp_probe_cfg *cfg);
void dataplane_probe_cfg_del(struct dataplane *dp, int ifindex);
int dataplane_probe_events_fd(const struct dataplane *dp);

/* Remove our tc filters from these interfaces and the group's pins. */
void dataplane_detach_ifindex(int ifindex, bool egress);
int dataplane_unpin(const char *root, const char *group_name);

#endif
