/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The agent context: every group with its data plane, the netlink
 * sockets, the announcer and the event loop that owns every fd and timer.
 * Passed explicitly; there is no other agent state.
 */
#ifndef IPMP_AGENT_H
#define IPMP_AGENT_H

/*
 * Event priorities (libevent: lower runs first): what detects and handles
 * a failure (netlink, link and probe timers, probe replies) before the
 * control socket and metrics, so a thousand clients cannot delay a
 * failover.
 */
#define AGENT_PRIORITIES	2
#define AGENT_PRIO_DETECT	0
#define AGENT_PRIO_OTHER	1	/* libevent's default with 2 levels */


#include <event2/event.h>
#include <jansson.h>

#include "announce.h"
#include "clock.h"
#include "config.h"
#include "dataplane.h"
#include "group.h"
#include "mcast.h"
#include "metrics.h"
#include "netlink.h"
#include "probe_io.h"
#include "undo.h"

struct agent;

/* What another tool put on a member (an address, a route), said once each. */
#define MEMBER_FOREIGN_MAX	8
struct member_foreign {
	struct ip_prefix seen[MEMBER_FOREIGN_MAX];
	bool route[MEMBER_FOREIGN_MAX];
	unsigned n;
};

/*
 * One group as the agent runs it: the model, its data plane, and the
 * state of each module that serves it, each in its own struct.
 */
struct agent_group {
	struct ipmp_group group;
	struct dataplane dp;
	const struct config_group *cfg;
	struct agent *agent;
	int peer_ifindex;			/* the group veth's far end (provision.c) */
	struct event *link_timers[IPMP_MAX_MEMBERS];	/* linkwatch.c: flap rule, by slot */
	/* linkwatch.c: a driver's reset for our XDP program, held (see linkwatch.h) */
	uint64_t xdp_attached_ms[IPMP_MAX_MEMBERS];
	struct event *xdp_hold[IPMP_MAX_MEMBERS];
	uint64_t learn_tx[IPMP_MAX_MEMBERS];	/* learning.c: tx_packets at the last look */
	bool learn_seen[IPMP_MAX_MEMBERS];	/* learning.c: in this look's link dump */
	struct member_foreign foreign[IPMP_MAX_MEMBERS];	/* managers.c: said already */
	struct probe_io probing;		/* probe_io.c */
	struct mcast_state mcast;		/* mcast.c */
	struct group_metrics metrics;		/* metrics.c */
	uint64_t committed_ns;	/* events.c: its last commit's end, before the announcements */
	/* provision.c, at take: each member's lower (macvlan, VLAN, ipvlan) here, or 0 (linkwatch.c) */
	int lower_ifindex[IPMP_MAX_MEMBERS];
	uint64_t carrier_early_ns[IPMP_MAX_MEMBERS];	/* linkwatch.c: its loss taken early, then */
};

struct control;

struct agent {
	struct ipmp_config cfg;
	const char *bpffs;
	const char *socket_path;
	struct control *control;
	const struct ipmp_clock *clock;
	struct event_base *base;
	struct nl nl;		/* requests */
	struct nl events;	/* RTMGRP_LINK */
	struct event *events_ev;
	struct event *rescan_ev;	/* routing table read, deferred (prober.c) */
	struct announcer *announcer;
	struct agent_group **groups;	/* each stays where it is while it exists */
	unsigned ngroups;
	__u64 probe_key[2];	/* the probe tags' key (ipmp/siphash.h): fresh per run, never sent */
	uint64_t probe_seed;	/* probe timing jitter: visible on the wire, so not the key */
	/* when the handler now running began: where a failover's duration starts */
	uint64_t handling_ns;
	double start_wall;	/* agent start, seconds since 1970 */
	const char *metrics_dir;	/* --metrics-dir; else the config's metrics_dir */
	struct metrics *metrics;
	int lock_fd;		/* the one-agent lock (agent/lock.h); -1 until taken */
	struct undo undo;	/* what the agent changed on the system (agent/undo.h) */
	bool mcast_live4, mcast_live6;	/* the kernel notifies multicast joins (agent/mcast.h) */
	struct event *mcast_ev;		/* lists to reconcile, once per loop turn */
	struct event *mcast_sync_ev;	/* lists and reports after a push (mcast_sync_soon) */
	/*
	 * The packet socket whole frames leave by (IGMP/MLD reports, learning
	 * frames): one for the agent's life, since closing one waits for an
	 * RCU grace period (packet_release), ~10 ms.
	 */
	int raw_fd;
	struct event *learn_ev;		/* learning.c: every learn_interval */
	unsigned learn_links;		/* learning.c: links in its last dump of them */
	struct hooks *hooks;		/* hooks.c: notify programs running and waiting */
	struct carrier *carrier;	/* dataplane_carrier.c: early carrier losses, if followed */
	const char *run_dir;		/* --run-dir: where managers' files go (default /run) */
	unsigned bpffs_made;	/* DATAPLANE_BPFFS_*: what preparing the bpffs root did */
};

/* A handler begins that may detect a failure: failover durations count from here. */
static inline void agent_mark(struct agent *a)
{
	a->handling_ns = clock_now_ns(a->clock);
}

/* Add the event's monotonic and wall-clock times (every event of ipmpadm monitor has both). */
void agent_event_stamp(struct agent *a, json_t *obj);

/* Arm *ev (created on first use) to call cb(arg) at deadline_ms on the agent's clock. */
void agent_timer_arm(struct agent *a, struct event **ev, event_callback_fn cb, void *arg,
		     uint64_t deadline_ms);
int agent_start(struct agent *a);
/*
 * Groups and members at run time (agent/admin.c, and start-up for the
 * groups). A group or member that cannot be set up is undone and the
 * error returned; removal takes it off the system as --cleanup would.
 */
/*
 * Put group_egress where datapath says (the veth peer's ingress, or ipmp0's
 * egress when direct), tell member_ingress, and take ours off the other hook.
 */
int agent_group_datapath(struct agent *a, struct agent_group *ag, bool direct);
int agent_group_add(struct agent *a, const struct config_group *cg);
void agent_group_remove(struct agent *a, struct agent_group *ag);
int agent_member_add(struct agent *a, struct agent_group *ag, const struct config_member *cm);
void agent_member_remove(struct agent *a, struct agent_group *ag, struct ipmp_member *m);
/* New probe settings (test address, method) for a member: probing restarts with them. */
void agent_member_reconfigure(struct agent *a, struct agent_group *ag, struct ipmp_member *m,
			      const struct config_member *cm);
/* Probing follows the members' states: off while offline, on otherwise (with a netdev). */
void agent_probing_sync(struct agent *a, struct agent_group *ag);
/* Stop the agent; the data plane keeps forwarding. */
void agent_stop(struct agent *a);
/*
 * Undo what the agents recorded they changed under bpffs (agent/undo.h:
 * group interfaces they made, addresses they added, sysctls they set,
 * hooks) and remove every group's pins; the config is read only for pins
 * an older agent left without a record.
 */
int agent_cleanup(const struct ipmp_config *cfg, const char *bpffs, const char *run_dir);

#endif
