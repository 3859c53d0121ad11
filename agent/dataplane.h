/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The data plane of one group: its eBPF programs and maps (pinned under
 * <bpffs>/<group name>/), their tc attachments, and the projection of the
 * group's state into the maps. The only code that writes BPF maps, and a
 * closed boundary: only dataplane.c and dataplane_state.c write the fields
 * of struct dataplane; others read what they must (inherited, pin_dir).
 */
#ifndef IPMP_DATAPLANE_H
#define IPMP_DATAPLANE_H

#include <limits.h>
#include <stdbool.h>

#include <ipmp/maps.h>
#include <ipmp/probe.h>
#include "addrmap.h"
#include "group.h"
#include "ipaddr.h"

struct ipmp_group;
struct group_egress;
struct member_ingress;
struct member_xdp;
struct bpf_link;
struct ipmp_probe_cfg;
struct undo;

/* Our tc filters, so a restart replaces them and cleanup finds them. */
#define IPMP_TC_HANDLE		0x49504d50	/* "IPMP" */
#define IPMP_TC_PRIORITY	1

struct dataplane {
	char pin_dir[PATH_MAX];
	struct group_egress *egress;
	struct member_ingress *ingress;
	struct member_xdp *xdp;
	struct bpf_link *xdp_links[IPMP_MAX_MEMBERS];	/* by slot */
	enum xdp_mode xdp_modes[IPMP_MAX_MEMBERS];	/* what each was attached as */
	int group_ifindex;
	int peer_ifindex;	/* the group veth's far end */
	bool direct;		/* datapath = direct */
	int attached[IPMP_MAX_MEMBERS];		/* ifindex ingress is attached to, by slot */
	/* members, member_index and buckets as last written (or found, adopting) */
	struct ipmp_member_info members_img[IPMP_MAX_MEMBERS];
	__u32 index_img[IPMP_MEMBER_INDEX];
	__u32 *buckets;		/* the buckets map itself, mmapped (IPMP_BUCKETS entries) */
	struct ipmp_addr_entry *addr_img;	/* addr_index, IPMP_ADDR_INDEX entries */
	struct addrmap bindings;		/* address -> ifindex last written to addr_binding */
	uint64_t npushes;			/* marks the bindings each push saw */
	bool inherited;		/* a previous agent's data plane was found (any layout) */
	bool adopting;		/* the pinned maps are a previous agent's of this layout */
	struct ipmp_agent_state *carried;	/* its state across a layout change, or NULL */
	bool reattach;		/* replacing another version's: attach after the first push */
	struct undo *undo;	/* where attaching a filter is recorded (agent/undo.h) */
	char group[IFNAMSIZ];	/* the group's name, for that record */
};

#define DATAPLANE_BPFFS_MOUNTED	0x1	/* a bpffs was mounted at *mounted_at */
#define DATAPLANE_BPFFS_CREATED	0x2	/* root did not exist */

/*
 * Make sure root is on a bpffs (mounting one if needed) and exists; says
 * in *made (DATAPLANE_BPFFS_*) what it did, for dataplane_bpffs_unprepare().
 */
int dataplane_bpffs_prepare(const char *root, unsigned *made);
/* Undo what preparing did, if root holds nothing now (a failed first start). */
void dataplane_bpffs_unprepare(const char *root, unsigned made);
/* Open (or adopt) a group's programs and maps; filters attached later are recorded in undo. */
int dataplane_open(struct dataplane *dp, const char *root, const char *group_name,
		   struct undo *undo);
void dataplane_close(struct dataplane *dp);
/*
 * group_egress where the group's frames leave: at the group interface's
 * egress (direct), or at its veth peer's ingress, once they passed the
 * veth and were counted and captured on the group interface (the default).
 * The other hook is cleared. The next push tells member_ingress to match.
 */
int dataplane_attach_group(struct dataplane *dp, int ifindex, int peer_ifindex, bool direct);
int dataplane_attach_member(struct dataplane *dp, unsigned slot, int ifindex);
void dataplane_detach_member(struct dataplane *dp, unsigned slot);
/* The member's netdev is gone, and the kernel took our filter with it. */
void dataplane_member_gone(struct dataplane *dp, unsigned slot);
int dataplane_push(struct dataplane *dp, const struct ipmp_group *g);
/*
 * What a previous agent left (restart adoption), decoded from the pinned
 * agent_state record and addr_binding map: the agent applies it to the
 * model (agent/adopt.c); the data plane itself changes nothing here.
 */
struct dataplane_prior_member {
	char ifname[IFNAMSIZ];		/* "": the previous agent had no member in this slot */
	int ifindex;
	bool known;			/* state and flags were recorded */
	enum member_state state;
	unsigned flags;			/* MEMBER_F_* */
	bool has_test_address;		/* an IPv4 test address it put on the netdev */
	struct ip_prefix test_address;
};

struct dataplane_prior {
	bool found;			/* anything to resume from */
	enum group_state group_state;
	struct dataplane_prior_member members[IPMP_MAX_MEMBERS];	/* by the previous slot */
	struct addrmap bindings;	/* address -> ifindex (this layout's maps only) */
};

/*
 * Read the record (dp->adopting: the pinned maps; across a layout change:
 * the state carried over, without bindings). 0, or -ENOENT when there is
 * nothing to resume from; *out is filled either way and freed with
 * dataplane_prior_free().
 */
int dataplane_prior_read(struct dataplane *dp, struct dataplane_prior *out);
void dataplane_prior_free(struct dataplane_prior *prior);
/* After the first push: delete member and probe entries of netdevs the group no longer has. */
void dataplane_prune_members(struct dataplane *dp, const struct ipmp_group *g);
/* The data plane's counters, summed over the CPUs: a member's (by slot), and the drops. */
int dataplane_member_stats(struct dataplane *dp, unsigned slot, struct ipmp_member_stats *out);
int dataplane_drops(struct dataplane *dp, __u64 out[IPMP_DROP__MAX]);
/* member_xdp's counters (enum ipmp_probe_stat), summed over CPUs. */
int dataplane_probe_stats(struct dataplane *dp, __u64 out[IPMP_PROBE_STAT__MAX]);
/* A slot is about to hold a new member: its counters start from zero. */
int dataplane_stats_reset(struct dataplane *dp, unsigned slot);

/* XDP probe-reply timestamping on a member: a bpf_link pinned as xdp_<ifname>. */
/*
 * member_xdp on a member, in mode (auto: native, else generic); a pinned
 * link is reused when it is in that mode. *fresh says whether this call
 * attached it anew (a driver may reset to take a native program).
 * XDP_MODE_OFF detaches. Failures are said, naming the mode that works.
 */
int dataplane_attach_xdp(struct dataplane *dp, unsigned slot, int ifindex, const char *ifname,
			 enum xdp_mode mode, bool *fresh);
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
