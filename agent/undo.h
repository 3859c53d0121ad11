/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the agent changed on the system, recorded so that it can be
 * undone, and nothing else: each group interface it created, each
 * per-interface sysctl it changed (with the value before), each address
 * it added, each clsact hook it put a filter on (and whether it made the
 * hook), each link-layer multicast address it put on a member's list,
 * and allmulti where it set it. Something that was already so before the agent (an address the
 * administrator put there, a sysctl already at the agent's value, a hook
 * with filters of others) is never recorded, so never undone.
 *
 * The record outlives the agent like the data plane does: a BPF array map
 * pinned at <bpffs>/agent_undo_record (longer than any group name may be,
 * so it never meets a group's directory). A restarted agent adds to it;
 * a member's release, a group's removal, --cleanup and a failed first
 * start undo from it. Every entry names the netdev by ifindex and name:
 * a netdev that went, or another one under the name, is left alone.
 *
 * Each entry belongs to one group. A member that moved to another group
 * across a restart is claimed by it (undo_claim()): the new group's
 * entries, so the old group's removal leaves it alone.
 */
#ifndef IPMP_UNDO_H
#define IPMP_UNDO_H

#include <linux/types.h>
#include <stdbool.h>

#include "ipaddr.h"
#include "netlink.h"

#define UNDO_PIN_NAME	"agent_undo_record"
#define UNDO_ENTRIES	1024
#define UNDO_VERSION	1	/* of struct undo_entry; entry 0 holds it */

enum undo_kind {
	UNDO_FREE = 0,
	UNDO_HEADER,		/* entry 0: version */
	UNDO_IFACE,		/* a group interface (veth pair) the agent created */
	UNDO_SYSCTL,		/* net.<family>.conf.<ifname>.<key>, and its value before */
	UNDO_ADDR,		/* an address the agent added */
	UNDO_TC,		/* a clsact hook the agent attached its filter to */
	UNDO_MADDR,		/* a link-layer multicast address on a member's list */
	UNDO_ALLMULTI,		/* allmulti set on a member */
};

struct undo_entry {
	__u32 kind;		/* enum undo_kind */
	__u32 ifindex;		/* the netdev it was done on */
	char ifname[16];
	char group[16];		/* the group it was done for */
	union {
		struct {
			char family[8];		/* "ipv4", "ipv6" */
			char key[24];
			char before[16];
		} sysctl;
		struct {
			__u8 family;		/* AF_INET, AF_INET6 */
			__u8 plen;
			__u8 pad[2];
			__u8 addr[16];
		} addr;
		struct {
			__u32 egress;
			__u32 made_hook;	/* the clsact qdisc was the agent's too */
		} tc;
		__u8 mac[6];			/* UNDO_MADDR */
		__u32 version;			/* UNDO_HEADER */
		__u8 raw[48];
	} u;
};

struct undo {
	int fd;				/* the pinned map; -1: not open */
	struct undo_entry *e;		/* its contents, mirrored */
	bool full_said;
};

/*
 * Open the record under root, creating and pinning it if there is none
 * (create) or failing with -ENOENT (!create). A record of another
 * version is said and replaced.
 */
int undo_open(struct undo *u, const char *root, bool create);
void undo_close(struct undo *u);
/* Unpin the record (after everything in it was undone). */
int undo_unpin(const char *root);
/* Nothing recorded. */
bool undo_empty(const struct undo *u);

void undo_note_iface(struct undo *u, const char *group, const char *ifname, int ifindex);
/*
 * Set a sysctl, recording its value before if it changes and nothing is
 * recorded for it yet (the first value seen is the one to restore).
 */
int undo_sysctl_set(struct undo *u, const char *group, const char *family, const char *ifname,
		    const char *key, const char *value);
void undo_note_addr(struct undo *u, const char *group, const char *ifname, int ifindex,
		    const struct ip_prefix *p);
/* Did the agent add this address? */
bool undo_has_addr(const struct undo *u, int ifindex, const struct ip_prefix *p);
/* Remove the address if the agent added it (and forget it); true if it did. */
bool undo_addr_release(struct undo *u, struct nl *nl, int ifindex, const struct ip_prefix *p);
void undo_note_tc(struct undo *u, const char *group, int ifindex, bool egress, bool made_hook);
/* Undo our filter on that hook (and the hook, if ours and empty) if the record has it. */
bool undo_tc_release(struct undo *u, struct nl *nl, int ifindex, bool egress);
/* A multicast address (mac) put on a member's list, or (mac NULL) allmulti set on it. */
void undo_note_mcast(struct undo *u, const char *group, const char *ifname, int ifindex,
		     const __u8 *mac);
/* Is that recorded? */
bool undo_has_mcast(const struct undo *u, int ifindex, const __u8 *mac);
/* Undo the group's multicast entries (of both kinds) that keep() does not want kept. */
void undo_mcast_prune(struct undo *u, struct nl *nl, const char *group,
		      bool (*keep)(int ifindex, const __u8 *mac, void *ctx), void *ctx);
/*
 * A member netdev taken by group: what any group recorded on it is this
 * group's now; the addresses recorded on it other than keep (its test
 * address now, or NULL) are removed.
 */
void undo_claim(struct undo *u, struct nl *nl, const char *group, const char *ifname, int ifindex,
		const struct ip_prefix *keep);
/* Undo everything recorded on one netdev (a member released). */
void undo_netdev(struct undo *u, struct nl *nl, int ifindex);
/* Undo everything recorded for a group (removed, or its setup failed). */
void undo_group(struct undo *u, struct nl *nl, const char *group);
/* Undo everything recorded (--cleanup). */
void undo_all(struct undo *u, struct nl *nl);

#endif
