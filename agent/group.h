/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The data model: groups, their members and data addresses, and the state
 * machine that moves them (in.mpathd's, spec 3.3, 3.13-3.15).
 *
 * Terminology
 *   group         several NICs on one IP link acting as one IP interface,
 *                 the group interface (e.g. ipmp0), which holds the data
 *                 addresses. Its name (e.g. "a") is what ipmpstat shows.
 *   member        one NIC of a group ("underlying interface" in illumos).
 *   data address  an address applications use; lives on the group
 *                 interface and is bound to one active member, whose MAC
 *                 answers ARP for it.
 *   test address  an address on a member, used only for probing.
 *   target        a host probed from a member's test address.
 *   active        a member that carries data: functioning (running, not
 *                 failed or offline) and not inactive.
 *   standby       a member kept idle (inactive) while enough others work.
 *   inactive      functioning but not used for data (standby, or a repaired
 *                 member with failback=no).
 *   nominated     the member that hands broadcast/multicast to the group.
 *
 * This file decides; it does no I/O. What the decisions mean for the
 * system goes through struct group_ops: the data plane projection
 * (push), announcements of rebound addresses, and timers. So the whole
 * state machine runs under a fake clock in selftests/unit/test_group.c.
 */
#ifndef IPMP_GROUP_H
#define IPMP_GROUP_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include <ipmp/maps.h>
#include "clock.h"
#include "config.h"
#include "ipaddr.h"
#include "probe.h"

enum member_state {
	MEMBER_INIT = 0,	/* not yet seen running (PI_INIT) */
	MEMBER_RUNNING,		/* PI_RUNNING */
	MEMBER_FAILED,		/* PI_FAILED */
	MEMBER_OFFLINE,		/* PI_OFFLINE */
	/*
	 * PI_NOTARGETS: probing is enabled but no target is known. The member
	 * is assumed to work (in.mpathd's optimism: it carries data unless
	 * MEMBER_F_FAILED is set) and shows "unknown"; its link alone no
	 * longer repairs it. Left when a target appears, or probing stops.
	 */
	MEMBER_NOTARGETS,
	MEMBER_STATE__MAX,
};

/* Member flags, after the kernel IFF_* flags in.mpathd manages. */
#define MEMBER_F_STANDBY	0x1
#define MEMBER_F_INACTIVE	0x2
#define MEMBER_F_FAILED		0x4
#define MEMBER_F_OFFLINE	0x8
#define MEMBER_F_HWADDRDUP	0x10	/* offlined: its MAC is another member's (flag h) */

enum group_state {
	GROUP_OK = 0,
	GROUP_DEGRADED,
	GROUP_FAILED,
	GROUP_STATE__MAX,
};

extern const char *const member_state_names[MEMBER_STATE__MAX];
extern const char *const group_state_names[GROUP_STATE__MAX];

#define LINK_UP_PERMIN		2	/* spec 3.3 */
#define LINK_FLAP_WINDOW_MS	60000

struct ipmp_group;

/*
 * What the previous agent left for a member (restart adoption, read from
 * the pinned agent_state map): its first transition resumes from there
 * instead of from scratch. Set before group_start(); see there.
 */
struct member_prior {
	bool known;
	enum member_state state;
	unsigned flags;			/* MEMBER_F_*: failed, offline, inactive, hwaddrdup */
};

struct ipmp_member {
	char ifname[IFNAMSIZ];
	bool used;			/* the slot holds a member (see group_member_add) */
	bool departing;			/* left in the decision under way: not reusable yet */
	unsigned slot;			/* index in group->members and the stats map */
	uint64_t joined;		/* join order: ipmpstat lists the newest first */
	struct config_member cfg;	/* as configured or added: test address, probe */
	struct ipmp_group *group;
	int ifindex;			/* 0 while the netdev does not exist */
	uint8_t mac[IPMP_ETH_ALEN];
	unsigned mtu;
	bool link_up;
	bool link_held;			/* carrier lost to our own XDP attach: no probing until it is back */
	enum member_state state;
	unsigned flags;			/* MEMBER_F_* */
	unsigned nbound;		/* data addresses bound to it */
	unsigned nbound6;		/* of which IPv6 */
	/* link-ups within the flap window, newest first (spec 3.5) */
	uint64_t linkup_ms[LINK_UP_PERMIN + 1];
	bool flap_logged;
	bool repair_deferred;
	struct member_prior prior;	/* restart adoption, until group_start() */
	struct probe_instance probe;	/* IPv4 probing (agent/probe.c) */
	struct probe_instance probe6;	/* IPv6 probing, from the link-local address */
};

struct ipmp_addr {
	struct ip_prefix prefix;
	struct ipmp_member *bound;	/* NULL: no active member */
	bool moved;			/* bound to another member since the last commit */
	/* the member it left since it was last announced ("": none), and whether that
	 * member stopped carrying data (failed, offline, gone: a failover, not a rebalance) */
	char left[IFNAMSIZ];
	bool left_failed;
	/*
	 * Not the agent's: the kernel's link-local, or an address another tool
	 * put on the group interface (an operator, keepalived, DHCP, SLAAC).
	 * Followed as it comes and goes; never added or removed by the agent.
	 */
	bool foreign;
	uint16_t vlan;			/* on the group interface's VLAN upper of this id; 0: on it */
};

enum group_event_kind {
	GROUP_EVENT_GROUP_STATE,	/* group: from -> to */
	GROUP_EVENT_MEMBER_STATE,	/* member's state or flags changed */
	GROUP_EVENT_FAILOVER,		/* addr moved from ev->left to addr->bound */
	GROUP_EVENT_MEMBER_JOINED,	/* member added to the group */
	GROUP_EVENT_MEMBER_LEFT,	/* member removed */
};

/*
 * Something a monitor wants to know. Member events carry the member as
 * the transition left it (a later transition in the same decision does
 * not rewrite an earlier event); the member pointer is only for lookups
 * and may be a freed slot by delivery (member-left).
 */
struct group_event {
	enum group_event_kind kind;
	const struct ipmp_member *member;
	char ifname[IFNAMSIZ];
	enum member_state state;
	unsigned flags;
	bool active;
	const struct ipmp_addr *addr;	/* failover: the address, bound to its new member */
	char left[IFNAMSIZ];		/* failover: the member it left, "" if none */
	bool left_failed;		/* failover: that member stopped carrying data */
	enum group_state from, to;	/* group state */
};

/* Events a decision may queue before its commit delivers them. */
#define GROUP_EVENTS_MAX	(4 * IPMP_MAX_MEMBERS + 8)

struct group_ops {
	/* Project the group into the data plane (agent/dataplane.c). */
	void (*push)(struct ipmp_group *g, void *ctx);
	/* Announce an address from its (new) bound member: gratuitous ARP. */
	void (*announce)(struct ipmp_group *g, struct ipmp_addr *a, void *ctx);
	/* Call link_timer(m) at deadline_ms (replacing any earlier one). */
	void (*timer_arm)(struct ipmp_member *m, uint64_t deadline_ms, void *ctx);
	/* Optional: something a monitor wants to know happened. */
	void (*event)(struct ipmp_group *g, const struct group_event *ev, void *ctx);
	/*
	 * Optional: a member that left in this decision is out of the data
	 * plane now (the commit pushed); release what it held on the system.
	 * Its fields are readable during the call; its slot is free after it.
	 */
	void (*member_left)(struct ipmp_group *g, struct ipmp_member *m, void *ctx);
	/*
	 * Optional: the decision is over (pushed, its announcements queued);
	 * send the first now. Its log lines are written after this.
	 */
	void (*committed)(struct ipmp_group *g, void *ctx);
};

/*
 * Members live in fixed slots: a slot's index is the member's key in the
 * stats map and in every per-member array of the agent, and pointers to a
 * member stay valid while it is in the group. A member that leaves frees
 * its slot (used = false); a member that joins takes the lowest free one.
 * Walk the members with group_for_each_member(), never over the array.
 */
struct ipmp_group {
	char ifname[IFNAMSIZ];
	char name[IPMP_GROUP_NAME_MAX];
	int ifindex;
	uint8_t mac[IPMP_ETH_ALEN];
	struct ipmp_member members[IPMP_MAX_MEMBERS];
	unsigned nmembers;		/* slots in use */
	uint64_t njoined;		/* members ever joined: the next one's join order */
	struct ipmp_addr *addrs;
	unsigned naddrs;
	struct ipmp_member *nominated;	/* IPv4 broadcast/multicast (flags m, b) */
	struct ipmp_member *nominated6;	/* IPv6 multicast and ND (flag M) */
	enum group_state state;
	bool failback;
	bool started;			/* past the initial transitions */
	bool failure_logged;		/* "All IP interfaces ... unusable" printed */
	uint64_t generation;		/* bumped on every state change */
	uint64_t pushed_generation;	/* the generation the data plane last saw */
	uint64_t ncommits;		/* commits that rebound addresses (failovers count these) */
	unsigned holds;			/* open decisions (group_begin): commit at the last end */
	struct group_event pending[GROUP_EVENTS_MAX];	/* queued until the commit */
	unsigned npending;
	struct probe_group probe;	/* probe interval and FDT, spec 3.11 */
	const struct ipmp_clock *clock;
	const struct group_ops *ops;
	void *ops_ctx;
	const struct probe_ops *probe_ops;
	void *probe_ctx;
};

#define group_for_each_member(g, m)                                                         \
	for (__typeof__(&(g)->members[0]) m = (g)->members; m < (g)->members + IPMP_MAX_MEMBERS; \
	     m++)                                                                                   \
		if (!m->used) {                                                                     \
		} else

int group_init(struct ipmp_group *g, const struct config_group *cg, const struct ipmp_config *cfg,
	       const struct ipmp_clock *clock, const struct group_ops *ops, void *ops_ctx);
/* Where probes go; without this call the group detects by link only. */
void group_set_probe_ops(struct ipmp_group *g, const struct probe_ops *ops, void *ctx);
void group_free(struct ipmp_group *g);
/* Initial transitions once every present member's link state is known. */
void group_start(struct ipmp_group *g);
/*
 * Restart adoption, before group_start(): the group state and an
 * address's member as the previous agent left them. An adopted binding
 * that still holds is kept without an announcement; the state only spares
 * monitors a false "failed -> ok" at start.
 */
void group_adopt_state(struct ipmp_group *g, enum group_state state);
void group_adopt_binding(struct ipmp_group *g, unsigned index, struct ipmp_member *m);
/* A member's state and MEMBER_F_* flags as the previous agent left them. */
void group_adopt_member(struct ipmp_member *m, enum member_state state, unsigned flags);
/*
 * spec 3.16 duplicate hardware addresses: a member's MAC changed (or it
 * appeared): offline it with flag h if another online member has the same
 * MAC, online it or the member it shadowed when the MAC became unique.
 */
void group_member_hwaddr_changed(struct ipmp_member *m, const uint8_t old_mac[IPMP_ETH_ALEN]);
/*
 * Members joining and leaving a running group (ipmpadm add-interface,
 * remove-interface, reload). group_member_add() takes a free slot and
 * leaves the member in state init; once its netdev and link state are
 * known, group_member_start() makes its first transition, as
 * group_start() does for the members present at start. Remove moves the
 * member's addresses to the others (spec 3.14, phyint removal) and frees
 * its slot; the caller has stopped probing on it. The member's fields stay
 * readable until the slot is reused.
 */
int group_member_add(struct ipmp_group *g, const struct config_member *cm,
		     struct ipmp_member **out);
void group_member_start(struct ipmp_member *m);
void group_member_remove(struct ipmp_member *m);
/* New settings for a member (test address, probe method); standby is member_set_standby()'s. */
void group_member_reconfigure(struct ipmp_member *m, const struct config_member *cm);
/* The members, most recently joined first (in.mpathd's list order); returns how many. */
unsigned group_members_newest_first(const struct ipmp_group *g,
				    const struct ipmp_member *out[IPMP_MAX_MEMBERS]);
struct ipmp_member *group_member_by_ifindex(struct ipmp_group *g, int ifindex);
struct ipmp_member *group_member_by_name(struct ipmp_group *g, const char *ifname);

/*
 * One decision, one commit. Every decision (a link event, a probe verdict,
 * an administrator's command, a reload) runs between group_begin() and
 * group_end(); the entry points of this model open and close their own,
 * and a caller that makes several decisions for one event (the agent
 * handling a netlink read, a reload) wraps them in one more. Inside,
 * state changes are only recorded and their events queued; the
 * outermost group_end() commits once: one rebinding, one push into the
 * data plane, the queued events (member state before group state), then
 * the announcements and failover events of the addresses that moved.
 */
void group_begin(struct ipmp_group *g);
void group_end(struct ipmp_group *g);

/* The one writer of a member's state and flags (see the .c file). */
void member_chstate(struct ipmp_member *m, enum member_state state, unsigned flags);
bool member_functioning(const struct ipmp_member *m);
void group_member_relearn(struct ipmp_member *m);
/*
 * spec 3.16: take a member out of service (minimum redundancy 1) and put
 * it back. Return an enum ipmp_error (0 on success).
 */
int member_offline(struct ipmp_member *m);
int member_undo_offline(struct ipmp_member *m);
/* Data addresses at run time: add binds and announces it; remove unbinds it. */
int group_addr_add(struct ipmp_group *g, const struct ip_prefix *p);
int group_addr_find(const struct ipmp_group *g, const struct ip_prefix *p);
void group_addr_remove(struct ipmp_group *g, unsigned index);
/* Mark a member standby or not, and apply spec 3.14's standby refresh. */
void member_set_standby(struct ipmp_member *m, bool standby);
bool member_active(const struct ipmp_member *m);
/* Has the group a data address of this family (AF_INET, AF_INET6)? */
bool group_has_family(const struct ipmp_group *g, int family);

/* Decisions, called by detection (agent/link.c). */
void member_fail(struct ipmp_member *m);
void member_repair(struct ipmp_member *m);
bool group_link_failure_is_group(const struct ipmp_group *g, const struct ipmp_member *m);
void group_fail(struct ipmp_group *g);

/* agent/binding.c: bind data addresses to active members (spec 3.14). */
unsigned binding_rebalance(struct ipmp_group *g);
void binding_nominate(struct ipmp_group *g);
void binding_adopt(struct ipmp_addr *a, struct ipmp_member *m);
/* The member left (or its slot is about to be reused): its addresses are unbound now. */
void binding_release(struct ipmp_group *g, struct ipmp_member *m);
/* After the announcement: the address has no move pending. */
void binding_announced(struct ipmp_addr *a);

/* agent/link.c: link-based detection (spec 3.5). */
void link_update(struct ipmp_member *m, bool up);
void link_timer(struct ipmp_member *m);

#endif
