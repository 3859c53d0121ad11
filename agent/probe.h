/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Probe-based failure detection (in.mpathd, spec 3.6-3.13): per member a
 * probe instance with its test address, its targets, the history of the
 * last 52 probes, and the decisions drawn from it. Like group.c this file
 * decides and does no I/O: sending a probe and arming a timer go through
 * struct probe_ops, replies come in through probe_reply(), so the whole of
 * it runs under a fake clock in selftests/unit/test_probe.c.
 *
 * A member has one instance per family (spec 3.19): IPv4 from its test
 * address, IPv6 from its link-local address. They probe independently; a
 * member fails only when every probe-capable instance has failed, and is
 * repaired when any shows NUM_PROBE_REPAIRS answers.
 */
#ifndef IPMP_PROBE_H
#define IPMP_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "ipaddr.h"

struct ipmp_group;
struct ipmp_member;

#define NUM_PROBE_FAILS		5	/* spec 3.3 */
#define NUM_PROBE_REPAIRS	10
#define MAX_PROBE_TARGETS	5
#define MIN_PROBE_TARGETS	3
#define PROBE_STATS_COUNT	(NUM_PROBE_REPAIRS * MAX_PROBE_TARGETS + 2)	/* 52 */
#define PROBE_TARGETS_KEPT	16	/* active + parked routers */
#define FAILURE_DETECTION_QP_MS	40000
#define MIN_SETTLING_TIME_MS	60000
#define MIN_RECOVERY_TIME_MS	60000
#define LOWER_FDT_TRIGGER	4
#define EXCEPTION_FACTOR	2
#define NEXT_FDT_MULTIPLE	2

enum probe_slot_status {
	PR_UNUSED = 0,
	PR_UNACKED,
	PR_ACKED,
	PR_LOST,
};

enum target_status {
	TG_ACTIVE = 1,
	TG_UNUSED,	/* a known router beyond the active limit */
	TG_SLOW,	/* RTT too high; parked */
	TG_DEAD,	/* not answering; parked */
};

enum probe_kind {
	PROBE_UNI,	/* failure detection, one target */
	PROBE_MULTI,	/* target discovery, all-hosts */
	PROBE_RTT,	/* RTT only, while the FDT is raised */
};

enum target_mode {
	TARGETS_NONE = 0,
	TARGETS_CONFIGURED,	/* targets = ... in the config: never replaced */
	TARGETS_ROUTES,		/* routers from the routing table */
	TARGETS_MULTICAST,	/* hosts that answered the all-hosts echo */
};

struct probe_target {
	struct ip_prefix addr;		/* plen = 32 */
	enum target_status status;
	uint64_t status_ms;		/* when status last changed */
	int64_t sa_ns;			/* 8 x smoothed RTT; -1 = no data */
	int64_t sv_ns;			/* 4 x mean deviation */
	uint32_t crtt_ms;		/* conservative RTT; 0 = none yet */
	int64_t deferred_ns[2];		/* spike suppression (spec 3.10) */
	unsigned ndeferred;
};

struct probe_slot {
	enum probe_slot_status status;
	uint16_t seq;
	struct ip_prefix target;	/* whom it was sent to */
	uint64_t sent_ns;		/* agent clock at send */
	uint64_t rx_ns;			/* kernel receive time (XDP) */
	uint64_t acked_ns;		/* when the reply was received (its kernel stamp) */
	uint64_t done_ns;		/* when the agent handled it (ipmpstat -p RTT) */
	uint64_t lost_ns;		/* when declared lost */
};

struct probe_counters {
	uint64_t sent, acked, lost, spoofed, unknown, missed;
};

struct probe_instance {
	struct ipmp_member *member;
	int family;			/* AF_INET or AF_INET6 */
	bool enabled;			/* has a test address and a socket */
	bool created;			/* started once: sequence and quiet period run on */
	struct ip_prefix test_addr;
	uint16_t echo_id;		/* network order */
	uint16_t snxt;			/* next sequence number; starts at 1 */
	unsigned next_slot;		/* slot the next UNI probe takes */
	struct probe_slot slots[PROBE_STATS_COUNT];
	struct probe_target targets[PROBE_TARGETS_KEPT];
	unsigned ntargets;
	unsigned next_target;		/* FD rotation */
	unsigned next_rtt_target;	/* RTT-only rotation */
	enum target_mode mode;
	uint64_t base_ms;		/* start of the current probe interval */
	uint64_t fd_base_ms;		/* next failure-detection tick (raised FDT) */
	uint64_t deadline_ms;		/* next timer */
	uint64_t quiet_until_ms;	/* spanning-tree quiet period */
	uint64_t rng;			/* xorshift state */
	struct probe_counters counters;
};

/* Group-wide probe timing (spec 3.11). */
struct probe_group {
	unsigned user_fdt_ms;
	unsigned user_interval_ms;	/* user FDT / 7 */
	unsigned fdt_ms;		/* current, possibly raised */
	unsigned interval_ms;
	uint64_t last_raise_ms;
};

struct probe_ops {
	/* Send one probe; -EWOULDBLOCK counts as sent (spec 3.7). */
	int (*send)(struct probe_instance *pi, const struct ip_prefix *dst, uint16_t seq,
		    enum probe_kind kind, uint64_t sent_ns, void *ctx);
	/* Call probe_timer(pi) at deadline_ms (replacing an earlier one). */
	void (*timer_arm)(struct probe_instance *pi, uint64_t deadline_ms, void *ctx);
	/* A host target was found: offer it to the member's group. */
	void (*target_found)(struct probe_instance *pi, const struct ip_prefix *addr, void *ctx);
	/* Optional: a probe was answered or declared lost (ipmpstat -p). */
	void (*resolved)(struct probe_instance *pi, const struct probe_slot *s, void *ctx);
};

/* What a reply carried, as the XDP program saw it. */
struct probe_reply {
	struct ip_prefix src;
	uint16_t seq;
	enum probe_kind kind;
	uint64_t sent_ns;		/* echoed */
	uint64_t rx_ns;			/* kernel receive time */
};

void probe_group_init(struct probe_group *pg, unsigned fdt_ms);
/* Start probing from test_addr; the instance keeps its targets. */
void probe_start(struct probe_instance *pi, struct ipmp_member *m, const struct ip_prefix *test_addr,
		 uint16_t echo_id, uint64_t seed);
/* forget: the netdev is gone; probing it again later starts a new instance. */
void probe_stop(struct probe_instance *pi, bool forget);
void probe_timer(struct probe_instance *pi);
void probe_reply(struct probe_instance *pi, const struct probe_reply *r);
/* Link went down: forget the history (spec 3.5). */
void probe_link_down(struct probe_instance *pi);
/* Probe-enabled with at least one active target (spec 3.6). */
bool probe_capable(const struct probe_instance *pi);
/* Any of the member's instances probe-capable? */
bool member_probe_capable(const struct ipmp_member *m);
/* Any of its instances probe-enabled (a test address and a socket, targets or not)? */
bool member_probe_enabled(const struct ipmp_member *m);
/* Repaired by probes? (spec 3.13; link state is the caller's) */
bool probe_repaired(const struct probe_instance *pi);
/*
 * A reply that carries no sequence number (ARP) belongs to the newest
 * probe to that target not yet answered: its sequence and send time.
 */
bool probe_outstanding(const struct probe_instance *pi, const struct ip_prefix *target,
		       uint16_t *seq, uint64_t *sent_ns);
/* The last ack processed, 0 if none in the history. */
uint64_t probe_last_ack_ns(const struct probe_instance *pi);

/* agent/targets.c */
int targets_add(struct probe_instance *pi, const struct ip_prefix *addr, enum target_mode mode);
void targets_remove(struct probe_instance *pi, const struct ip_prefix *addr);
struct probe_target *targets_find(struct probe_instance *pi, const struct ip_prefix *addr);
void targets_flush_hosts(struct probe_instance *pi);
unsigned targets_active(const struct probe_instance *pi);
struct probe_target *targets_next(struct probe_instance *pi, unsigned *cursor, uint64_t now_ms);
void target_rtt_reset(struct probe_target *t);
/* Fold a sample into the estimator; returns the CRTT it gives (ms). */
uint32_t target_rtt_sample(struct probe_target *t, int64_t rtt_ns, bool commit);
void target_set_status(struct probe_target *t, enum target_status status, uint64_t now_ms);

#endif
