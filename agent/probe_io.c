// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Probing on the system (agent/probe_io.h): which probe socket each
 * member has (agent/probe_wire.c opens them and builds the packets), test
 * addresses, member_xdp's probe_cfg entries, the probe timers (one per
 * group, on a grid) and the ring buffer of stamped replies. Replies reach
 * agent/probe.c only through the ring buffer, stamped by the kernel; the
 * probe sockets receive nothing. One concern, past 600 lines: what
 * probing needs from the system, for agent/probe.c, which decides.
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/rtnetlink.h>

#include <ipmp/probe.h>
#include "agent.h"
#include "arp.h"
#include "control.h"
#include "events.h"
#include "log.h"
#include "linkwatch.h"
#include "probe_io.h"
#include "probe_wire.h"
#include "routes.h"

/* --- probing a member ---------------------------------------------------------------- */

static bool is_v6(const struct probe_instance *pi)
{
	return pi->family == AF_INET6;
}

/*
 * ARP replies and NAs carry no tag, so member_xdp takes them only from
 * the last IPMP_PROBE_FILTER_TARGETS targets probed: a new target joins
 * the member's entry before the first probe to it leaves. A failed
 * update is said; the probe still goes (its answer is then not seen,
 * which is a failure the log explains).
 */
static void filter_note(struct agent_group *ag, const struct ipmp_member *m, int v6, const uint8_t *addr)
{
	struct ipmp_probe_cfg *cfg = &ag->probing.cfg[m->slot];
	size_t len = v6 ? 16 : 4;
	uint8_t *n = v6 ? &cfg->nns_targets : &cfg->narp_targets;
	uint8_t *next = v6 ? &ag->probing.ns_next[m->slot] : &ag->probing.arp_next[m->slot];
	uint8_t *slot;
	int ret;

	for (unsigned i = 0; i < *n; i++)
		if (!memcmp(v6 ? cfg->ns_targets[i] : cfg->arp_targets[i], addr, len))
			return;
	slot = v6 ? cfg->ns_targets[*next] : cfg->arp_targets[*next];
	memcpy(slot, addr, len);
	*next = (*next + 1) % IPMP_PROBE_FILTER_TARGETS;
	if (*n < IPMP_PROBE_FILTER_TARGETS)
		(*n)++;
	ret = dataplane_probe_cfg_set(&ag->dp, m->ifindex, cfg);
	if (ret)
		pr_err("%s: cannot let member_xdp expect answers from a new target: %s", m->ifname,
		       strerror(-ret));
}

static int ops_send(struct probe_instance *pi, const struct ip_prefix *dst, uint16_t seq,
		    enum probe_kind kind, uint64_t sent_ns, void *ctx)
{
	struct agent_group *ag = ctx;
	int fd = ag->probing.fds[pi->member->slot][is_v6(pi)];
	char buf[IP_PREFIX_STRLEN];
	bool *failing;
	int ret;

	if (fd < 0)
		return -EBADF;
	if (is_v6(pi) && ag->probing.nd[pi->member->slot]) {
		/* as with ARP: only failure detection, no discovery or RTT-only probes */
		if (kind != PROBE_UNI)
			return 0;
		filter_note(ag, pi->member, 1, dst->addr);
		ret = probe_wire_send_ns(fd, pi->member->ifindex, dst, pi->member->mac);
	} else if (!is_v6(pi) && ag->probing.arp[pi->member->slot]) {
		static const uint8_t zero[6];
		struct arp_packet arp;

		/* no discovery or RTT-only probes with ARP: only failure detection */
		if (kind != PROBE_UNI)
			return 0;
		/* RFC 5227 probe: sender IP 0.0.0.0, so no peer's cache is touched */
		arp_build(&arp, ARP_OP_REQUEST, pi->member->mac, zero, zero, dst->addr);
		filter_note(ag, pi->member, 0, dst->addr);
		ret = arp_send(fd, pi->member->ifindex, &arp);
	} else {
		ret = probe_wire_send_echo(fd, pi->member->ifindex, dst, pi->echo_id, seq, kind, sent_ns,
					ag->agent->probe_key);
	}
	/* in.mpathd's error, once per run of failures (it logs every probe's) */
	failing = &ag->probing.send_failing[pi->member->slot][is_v6(pi)];
	if (ret && ret != -EAGAIN && !*failing)
		pr_err("probe: probe sendto (%s %s): %s", is_v6(pi) ? "inet6" : "inet",
		       pi->member->ifname, strerror(-ret));
	if (ret && ret != -EAGAIN)
		pr_debug("probe: probe sendto (%s %s) to %s failed",
			 is_v6(pi) ? "inet6" : "inet", pi->member->ifname,
			 ip_prefix_str(dst, false, buf, sizeof(buf)));
	*failing = ret && ret != -EAGAIN;
	return ret;
}

/*
 * Probe timers fire on a grid of an eighth of the probe interval (at
 * least 1 ms), through one timer per group: the instances due within one
 * step go out in one wake-up instead of one each. A probe leaves at most
 * a step late, and every decision waits for its tick: the same share of
 * the failure detection time at any FDT (FDT / 56), so a long FDT wakes
 * the agent as rarely as a short one delays it little.
 */
static uint64_t probe_grid_ms(const struct agent_group *ag)
{
	unsigned step = ag->group.probe.user_interval_ms / 8;

	return step ? step : 1;
}

static void tick_cb(evutil_socket_t fd, short what, void *arg);

/* The group's timer at its earliest due instance (none due: not armed). */
static void tick_arm(struct agent_group *ag)
{
	uint64_t next = UINT64_MAX;

	for (unsigned i = 0; i < IPMP_MAX_MEMBERS; i++)
		for (int v6 = 0; v6 < 2; v6++)
			if (ag->probing.due_ms[i][v6] && ag->probing.due_ms[i][v6] < next)
				next = ag->probing.due_ms[i][v6];
	if (next == ag->probing.tick_ms)
		return;
	ag->probing.tick_ms = next;
	if (next == UINT64_MAX) {
		if (ag->probing.tick_ev)
			evtimer_del(ag->probing.tick_ev);
		return;
	}
	agent_timer_arm(ag->agent, &ag->probing.tick_ev, tick_cb, ag, next);
}

static void tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct agent_group *ag = arg;
	uint64_t now_ms = clock_now_ms(ag->agent->clock);

	agent_mark(ag->agent);
	ag->probing.tick_ms = UINT64_MAX;	/* fired */
	group_begin(&ag->group);
	probe_io_drain(ag);	/* the replies that came before this tick count for it */
	group_for_each_member(&ag->group, m)
		for (int v6 = 0; v6 < 2; v6++) {
			uint64_t due = ag->probing.due_ms[m->slot][v6];

			if (!due || due > now_ms)
				continue;
			ag->probing.due_ms[m->slot][v6] = 0;
			probe_timer(v6 ? &m->probe6 : &m->probe);	/* arms its next tick */
		}
	group_end(&ag->group);
	tick_arm(ag);
}

static void ops_timer_arm(struct probe_instance *pi, uint64_t deadline_ms, void *ctx)
{
	struct agent_group *ag = ctx;
	uint64_t grid = probe_grid_ms(ag);

	ag->probing.due_ms[pi->member->slot][is_v6(pi)] = (deadline_ms + grid - 1) / grid * grid;
	tick_arm(ag);
}

/* Another member's own address (its link-local answers ff02::1 too): never a target. */
static bool is_member_address(const struct ipmp_group *g, const struct ip_prefix *addr)
{
	group_for_each_member(g, m)
		if (ip_prefix_same_addr(&m->probe.test_addr, addr) ||
		    ip_prefix_same_addr(&m->probe6.test_addr, addr))
			return true;
	return false;
}

/* A host answered the all-hosts probe: every probing member may use it (spec 3.9). */
static void ops_target_found(struct probe_instance *pi, const struct ip_prefix *addr, void *ctx)
{
	struct ipmp_group *g = pi->member->group;
	char buf[IP_PREFIX_STRLEN];

	if (is_member_address(g, addr))
		return;
	group_for_each_member(g, m) {
		struct probe_instance *o = is_v6(pi) ? &m->probe6 : &m->probe;

		if (o->enabled && !targets_find(o, addr) && !targets_add(o, addr, TARGETS_MULTICAST))
			pr_debug("%s: probe target %s (found by multicast)", m->ifname,
				 ip_prefix_str(addr, false, buf, sizeof(buf)));
	}
}

/* Every resolved probe goes to ipmpstat -p subscribers (spec 1.3.5). */
static void ops_resolved(struct probe_instance *pi, const struct probe_slot *s, void *ctx)
{
	events_probe_resolved(ctx, pi, s);
}

static const struct probe_ops agent_probe_ops = {
	.send = ops_send,
	.timer_arm = ops_timer_arm,
	.target_found = ops_target_found,
	.resolved = ops_resolved,
};

static enum probe_kind kind_of(uint32_t code)
{
	switch (code) {
	case IPMP_PROBE_MULTI:
		return PROBE_MULTI;
	case IPMP_PROBE_RTT:
		return PROBE_RTT;
	default:
		return PROBE_UNI;
	}
}

static int ringbuf_record(void *ctx, void *data, size_t size)
{
	struct agent_group *ag = ctx;
	const struct ipmp_probe_event *ev = data;
	struct probe_instance *pi;
	struct ipmp_member *m;
	struct probe_reply r = {};

	if (size < sizeof(*ev))
		return 0;
	m = group_member_by_ifindex(&ag->group, ev->ifindex);
	if (!m || (ev->family != IPMP_AF_INET && ev->family != IPMP_AF_INET6))
		return 0;
	r.src.family = ev->family == IPMP_AF_INET6 ? AF_INET6 : AF_INET;
	r.src.plen = r.src.family == AF_INET6 ? 128 : 32;
	memcpy(r.src.addr, ev->src, ip_addr_len(r.src.family));
	r.seq = ev->seq;
	r.kind = kind_of(ev->kind);
	r.sent_ns = ev->sent_ns;
	r.rx_ns = ev->rx_ns;
	pi = r.src.family == AF_INET6 ? &m->probe6 : &m->probe;
	if (ev->kind == IPMP_PROBE_ARP || ev->kind == IPMP_PROBE_NA) {
		/* no sequence in ARP or ND: the newest unanswered probe to that target */
		if (!probe_outstanding(pi, &r.src, &r.seq, &r.sent_ns)) {
			pi->counters.unknown++;
			return 0;
		}
		r.kind = PROBE_UNI;
	}
	ag->probing.lag_us[ag->probing.nlag++ % PROBE_LAG_SAMPLES] = (clock_now_ns(ag->agent->clock) - ev->rx_ns) / 1000;
	probe_reply(pi, &r);
	return 0;
}

static void ringbuf_cb(evutil_socket_t fd, short what, void *arg)
{
	struct agent_group *ag = arg;

	agent_mark(ag->agent);
	probe_io_drain(ag);
}

/*
 * The replies member_xdp queued, taken now. Every decision is taken on a
 * probe tick, which drains first, and a reply's time is the kernel's
 * receive stamp, not when it is read: so replies need not wake the agent.
 * They do only while someone follows probes live (probe_io_live()).
 */
void probe_io_drain(struct agent_group *ag)
{
	if (!ag->probing.rb)
		return;
	group_begin(&ag->group);	/* the replies of one wake-up: one commit */
	ring_buffer__consume(ag->probing.rb);
	group_end(&ag->group);
}

void probe_io_live(struct agent *a, bool live)
{
	for (unsigned i = 0; i < a->ngroups; i++) {
		struct agent_group *ag = a->groups[i];

		if (!ag->probing.rb_ev)
			continue;
		if (live)
			event_add(ag->probing.rb_ev, NULL);
		else
			event_del(ag->probing.rb_ev);
	}
}

void probe_io_init(struct probe_io *pio)
{
	memset(pio, 0, sizeof(*pio));
	for (unsigned i = 0; i < IPMP_MAX_MEMBERS; i++)
		pio->fds[i][0] = pio->fds[i][1] = -1;
	pio->tick_ms = UINT64_MAX;
}

int probe_io_group_start(struct agent *a, struct agent_group *ag)
{
	group_set_probe_ops(&ag->group, &agent_probe_ops, ag);
	ag->probing.rb = ring_buffer__new(dataplane_probe_events_fd(&ag->dp), ringbuf_record, ag,
					NULL);
	if (!ag->probing.rb) {
		pr_err("group %s: cannot read the probe_events ring buffer: %s", ag->group.name,
		       strerror(errno));
		return -errno;
	}
	ag->probing.rb_ev = event_new(a->base, ring_buffer__epoll_fd(ag->probing.rb),
				    EV_READ | EV_PERSIST, ringbuf_cb, ag);
	if (!ag->probing.rb_ev || event_priority_set(ag->probing.rb_ev, AGENT_PRIO_DETECT))
		return -ENOMEM;
	/* woken by replies only while a client follows probes (probe_io_drain()) */
	if (control_followers(a->control, CONTROL_STREAM_PROBES) &&
	    event_add(ag->probing.rb_ev, NULL))
		return -ENOMEM;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* How long replies waited between XDP and the agent: what NETRTT leaves out. */
static void probe_lag_report(struct agent_group *ag)
{
	unsigned n = ag->probing.nlag < PROBE_LAG_SAMPLES ? ag->probing.nlag : PROBE_LAG_SAMPLES;

	if (!n)
		return;
	qsort(ag->probing.lag_us, n, sizeof(uint32_t), cmp_u32);
	pr_info("group %s: %u probe replies; XDP to agent (the last %u): p50 %u us, p99 %u us, "
		"max %u us", ag->group.name, ag->probing.nlag, n, ag->probing.lag_us[n / 2],
		ag->probing.lag_us[(n * 99) / 100], ag->probing.lag_us[n - 1]);
}

void probe_io_group_stop(struct agent_group *ag)
{
	probe_lag_report(ag);
	group_for_each_member(&ag->group, m)
		probe_io_member_stop(ag, m, false);
	if (ag->probing.rb_ev)
		event_free(ag->probing.rb_ev);
	if (ag->probing.tick_ev)
		event_free(ag->probing.tick_ev);
	ag->probing.tick_ev = NULL;
	ring_buffer__free(ag->probing.rb);
	ag->probing.rb_ev = NULL;
	ag->probing.rb = NULL;
}

/* The configured test address, else the first IPv4 address on the member (spec 3.6). */
static bool member_test_address(struct agent *a, struct agent_group *ag, struct ipmp_member *m,
				struct ip_prefix *out)
{
	const struct config_member *cm = &m->cfg;

	if (cm->has_test_address) {
		*out = cm->test_address;
		return true;
	}
	return !nl_addr_first(&a->nl, m->ifindex, AF_INET, RT_SCOPE_UNIVERSE, out);
}

static enum probe_method member_probe_method(const struct agent_group *ag,
					     const struct ipmp_member *m)
{
	return m->cfg.probe != PROBE_METHOD_DEFAULT ? m->cfg.probe : ag->cfg->probe;
}

/*
 * ARP probing needs no test address; targets must be on the subnet of the
 * group's first IPv4 data address, which stands in for it.
 */
static int arp_socket_for(struct agent_group *ag, struct ipmp_member *m, struct ip_prefix *subnet)
{
	int fd = -1;

	for (unsigned i = 0; i < ag->group.naddrs && fd < 0; i++)
		if (ag->group.addrs[i].prefix.family == AF_INET) {
			*subnet = ag->group.addrs[i].prefix;
			fd = 0;
		}
	if (fd < 0) {
		pr_err("%s: ARP probing needs an IPv4 data address in group %s", m->ifname,
		       ag->group.name);
		return -EINVAL;
	}
	fd = arp_socket_open();
	if (fd < 0) {
		pr_err("%s: cannot open a packet socket for ARP probes: %s", m->ifname,
		       strerror(-fd));
		return fd;
	}
	return fd;
}

static int icmp_socket_for(struct agent *a, struct agent_group *ag, struct ipmp_member *m,
			    struct ip_prefix *test)
{
	if (!member_test_address(a, ag, m, test)) {
		pr_info("No test address configured on interface %s; disabling probe-based "
			"failure detection on it", m->ifname);
		return -ENOENT;
	}
	return probe_wire_open(m->ifname, m->ifindex, test, false);
}

/* spec 3.4: ((pid & 0xff) << 8) | (ifindex & 0xff), the same for both families */
static uint16_t member_echo_id(const struct ipmp_member *m)
{
	return htons(((getpid() & 0xff) << 8) | (m->ifindex & 0xff));
}

static bool test_xdp_reset(const char *ifname)
{
	const char *which = getenv("IPMP_TEST_XDP_RESET");

	return which && !strcmp(which, ifname);
}

/* The member's probe_cfg entry, from what its instances probe; XDP attached on first use. */
static int probe_cfg_push(struct agent *a, struct agent_group *ag, struct ipmp_member *m)
{
	struct ipmp_probe_cfg *kept = &ag->probing.cfg[m->slot];
	enum xdp_mode mode = config_member_xdp(&a->cfg, &m->cfg);
	struct ipmp_probe_cfg cfg = { .key = { a->probe_key[0], a->probe_key[1] },
				      .echo_id = member_echo_id(m), .slot = m->slot,
				      .in_tc = mode == XDP_MODE_OFF };
	uint32_t downs = 0;
	struct nl_link l;
	bool fresh;

	if (m->probe.enabled && ag->probing.arp[m->slot]) {
		cfg.method = IPMP_PROBE_METHOD_ARP;
		memcpy(cfg.mac, m->mac, sizeof(cfg.mac));
	} else if (m->probe.enabled) {
		cfg.method = IPMP_PROBE_METHOD_ICMP;
		memcpy(cfg.test_addr, m->probe.test_addr.addr, 4);
	}
	if (m->probe6.enabled) {
		memcpy(cfg.test_addr6, m->probe6.test_addr.addr, 16);
		cfg.method6 = ag->probing.nd[m->slot] ? IPMP_PROBE_METHOD_NS : IPMP_PROBE_METHOD_ICMP;
	}
	/* the targets probed lately stay expected */
	cfg.narp_targets = kept->narp_targets;
	cfg.nns_targets = kept->nns_targets;
	memcpy(cfg.arp_targets, kept->arp_targets, sizeof(cfg.arp_targets));
	memcpy(cfg.ns_targets, kept->ns_targets, sizeof(cfg.ns_targets));
	*kept = cfg;
	if (!nl_link_get(&a->nl, m->ifname, &l))
		downs = l.carrier_down_count;
	if (dataplane_probe_cfg_set(&ag->dp, m->ifindex, &cfg) ||
	    dataplane_attach_xdp(&ag->dp, m->slot, m->ifindex, m->ifname, mode, &fresh)) {
		pr_err("%s: probe-based failure detection unavailable", m->ifname);
		return -EIO;
	}
	/*
	 * A driver that resets to take a native program drops the carrier while
	 * it attaches: linkwatch holds that loss. IPMP_TEST_XDP_RESET names a
	 * member to treat so (the tests' veths never reset).
	 */
	if (fresh && mode != XDP_MODE_GENERIC && !nl_link_get(&a->nl, m->ifname, &l) &&
	    (l.carrier_down_count != downs || test_xdp_reset(m->ifname)))
		linkwatch_xdp_attached(a, ag, m);
	return 0;
}

static void instance_stop(struct agent_group *ag, struct ipmp_member *m, int v6, bool forget)
{
	if (ag->probing.fds[m->slot][v6] < 0)
		return;
	close(ag->probing.fds[m->slot][v6]);
	ag->probing.fds[m->slot][v6] = -1;
	ag->probing.due_ms[m->slot][v6] = 0;
	tick_arm(ag);
	probe_stop(v6 ? &m->probe6 : &m->probe, forget);
}

/* IPv4: from the test address (ICMP), or with ARP. True when it started. */
static bool probe_start4(struct agent *a, struct agent_group *ag, struct ipmp_member *m)
{
	bool arp = member_probe_method(ag, m) == PROBE_METHOD_ARP;
	char buf[IP_PREFIX_STRLEN], tbuf[IP_PREFIX_STRLEN];
	struct ip_prefix test;
	int fd;

	if (ag->probing.fds[m->slot][0] >= 0)
		return false;
	if (member_probe_method(ag, m) == PROBE_METHOD_OFF) {
		pr_info("probe = off for interface %s; probe-based failure detection is disabled "
			"on it", m->ifname);
		return false;
	}
	fd = arp ? arp_socket_for(ag, m, &test) : icmp_socket_for(a, ag, m, &test);
	if (fd < 0)
		return false;
	ag->probing.fds[m->slot][0] = fd;
	ag->probing.arp[m->slot] = arp;
	probe_start(&m->probe, m, &test, member_echo_id(m), a->probe_seed ^ m->ifindex);
	for (unsigned i = 0; i < ag->cfg->ntargets; i++)
		if (targets_add(&m->probe, &ag->cfg->targets[i], TARGETS_CONFIGURED))
			pr_warn("%s: target %s is not on the subnet of %s; ignored", m->ifname,
				ip_prefix_str(&ag->cfg->targets[i], false, buf, sizeof(buf)),
				ip_prefix_str(&test, true, tbuf, sizeof(tbuf)));
	if (arp)
		pr_info("%s: probing with ARP (no test address)", m->ifname);
	else
		pr_info("%s: probing from %s", m->ifname,
			ip_prefix_str(&test, false, buf, sizeof(buf)));
	return true;
}

/* Has the group IPv6 data addresses beyond its link-local? */
static bool group_probes_ipv6(const struct ipmp_group *g)
{
	for (unsigned i = 0; i < g->naddrs; i++)
		if (g->addrs[i].prefix.family == AF_INET6 && !ip_is_link_local6(&g->addrs[i].prefix))
			return true;
	return false;
}

/*
 * IPv6: from the member's link-local address (spec 3.19), once it has
 * passed DAD; until then this waits for the next address event. ICMPv6
 * echo, or, where IPv4 probes with ARP, neighbour solicitations (which no
 * host filters, as no host filters ARP).
 */
static bool probe_start6(struct agent *a, struct agent_group *ag, struct ipmp_member *m)
{
	bool nd = member_probe_method(ag, m) == PROBE_METHOD_ARP;
	char buf[IP_PREFIX_STRLEN];
	struct ip_prefix test;
	int fd;

	if (ag->probing.fds[m->slot][1] >= 0 || member_probe_method(ag, m) == PROBE_METHOD_OFF ||
	    !group_probes_ipv6(&ag->group) ||
	    nl_addr_first(&a->nl, m->ifindex, AF_INET6, RT_SCOPE_LINK, &test))
		return false;
	fd = probe_wire_open(m->ifname, m->ifindex, &test, nd);
	if (fd < 0)
		return false;
	ag->probing.fds[m->slot][1] = fd;
	ag->probing.nd[m->slot] = nd;
	probe_start(&m->probe6, m, &test, member_echo_id(m), (a->probe_seed ^ m->ifindex) + 6);
	pr_info("%s: probing %sfrom %s", m->ifname, nd ? "with NS " : "",
		ip_prefix_str(&test, false, buf, sizeof(buf)));
	return true;
}

bool probe_io_member_will_probe(struct agent *a, struct agent_group *ag, struct ipmp_member *m)
{
	struct ip_prefix test;

	if (member_probe_method(ag, m) == PROBE_METHOD_OFF)
		return false;
	return member_probe_method(ag, m) == PROBE_METHOD_ARP || group_probes_ipv6(&ag->group) ||
	       (m->ifindex && member_test_address(a, ag, m, &test));
}

/* Probing starting or stopping changes what the member's state can be (PI_NOTARGETS). */
void probe_io_member_start(struct agent *a, struct agent_group *ag, struct ipmp_member *m)
{
	bool started;

	if (!ag->probing.rb)
		return;
	group_begin(&ag->group);
	started = probe_start4(a, ag, m);
	started |= probe_start6(a, ag, m);
	if (started && probe_cfg_push(a, ag, m)) {
		instance_stop(ag, m, 0, false);
		instance_stop(ag, m, 1, false);
	} else if (started && (!ag->cfg->ntargets || m->probe6.enabled)) {
		routes_rescan_soon(a);
	}
	group_end(&ag->group);
}

void probe_io_addresses_changed(struct agent *a)
{
	for (unsigned i = 0; i < a->ngroups; i++) {
		struct agent_group *ag = a->groups[i];

		group_begin(&ag->group);
		group_for_each_member(&ag->group, m) {
			if (!m->ifindex || m->state == MEMBER_OFFLINE || !ag->probing.rb ||
			    !probe_start6(a, ag, m))
				continue;
			if (probe_cfg_push(a, ag, m))
				instance_stop(ag, m, 1, false);
			else
				routes_rescan_soon(a);
		}
		group_end(&ag->group);
	}
}

void probe_io_member_stop(struct agent_group *ag, struct ipmp_member *m, bool release)
{
	group_begin(&ag->group);
	instance_stop(ag, m, 0, release);
	instance_stop(ag, m, 1, release);
	group_end(&ag->group);
	if (release) {
		/* unpinned and closed, the XDP link detaches (if the netdev still exists) */
		dataplane_detach_xdp(&ag->dp, m->slot, m->ifname);
		if (m->ifindex)
			dataplane_probe_cfg_del(&ag->dp, m->ifindex);
		memset(&ag->probing.cfg[m->slot], 0, sizeof(ag->probing.cfg[m->slot]));
		ag->probing.arp_next[m->slot] = ag->probing.ns_next[m->slot] = 0;
	}
}
