/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Probing on the system, beside agent/probe.c which decides: per member a
 * test address, one probe socket per family (raw ICMP/ICMPv6 bound to
 * the member, TTL 1, receiving nothing; or a packet socket for ARP and
 * NS probing), member_xdp's probe_cfg entry, the probe timers; per group
 * the ring buffer member_xdp fills with stamped replies. Router targets
 * from the routing table are agent/routes.c.
 */
#ifndef IPMP_PROBE_IO_H
#define IPMP_PROBE_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ipmp/maps.h>
#include <ipmp/probe.h>
#include "ipaddr.h"
#include "probe.h"

struct agent;
struct agent_group;
struct ipmp_member;
struct event;
struct ring_buffer;

#define PROBE_LAG_SAMPLES	1024

/* A group's probing, by member slot and family ([slot][1] is IPv6). */
struct probe_io {
	int fds[IPMP_MAX_MEMBERS][2];		/* -1: not probing */
	bool arp[IPMP_MAX_MEMBERS];		/* IPv4 probing with ARP, not ICMP */
	bool nd[IPMP_MAX_MEMBERS];		/* IPv6 probing with NS, not ICMPv6 */
	bool no_test_address_said[IPMP_MAX_MEMBERS];	/* "No test address configured" logged */
	bool send_failing[IPMP_MAX_MEMBERS][2];		/* the last send failed: said once */
	uint64_t due_ms[IPMP_MAX_MEMBERS][2];	/* next tick, on the grid (0: none) */
	struct event *tick_ev;			/* the group's one probe timer */
	uint64_t tick_ms;			/* when it is armed for (UINT64_MAX: not) */
	/* member_xdp's entry as last written: ARP/NS targets join it before the first probe */
	struct ipmp_probe_cfg cfg[IPMP_MAX_MEMBERS];
	uint8_t arp_next[IPMP_MAX_MEMBERS], ns_next[IPMP_MAX_MEMBERS];	/* oldest entry: replaced next */
	struct ring_buffer *rb;
	struct event *rb_ev;
	/* XDP receive -> agent processing, per reply (us), the last PROBE_LAG_SAMPLES */
	uint32_t lag_us[PROBE_LAG_SAMPLES];
	unsigned nlag;
};

/* Nothing probing yet (every fd -1): before anything can stop it. */
void probe_io_init(struct probe_io *pio);
int probe_io_group_start(struct agent *a, struct agent_group *ag);
void probe_io_group_stop(struct agent_group *ag);
/* Start probing on a present member, if it has a test address (or probes with ARP/NS). */
void probe_io_member_start(struct agent *a, struct agent_group *ag, struct ipmp_member *m);
/*
 * Stop probing on a member (offline, or the agent stops: XDP stays
 * attached). With release, also detach XDP and forget its probe config:
 * the netdev left, or the member leaves the group.
 */
void probe_io_member_stop(struct agent_group *ag, struct ipmp_member *m, bool release);
/* Will the member probe once started (a test address, ARP, or IPv6 data addresses)? */
bool probe_io_member_will_probe(struct agent *a, struct agent_group *ag, struct ipmp_member *m);
/* Take the replies waiting in the group's ring buffer now (before a tick, a snapshot). */
void probe_io_drain(struct agent_group *ag);
/* Replies wake the agent (live: a client follows probes), or wait for the next drain. */
void probe_io_live(struct agent *a, bool live);
/* An address appeared or went: start IPv6 probing where a link-local passed DAD. */
void probe_io_addresses_changed(struct agent *a);

#endif
