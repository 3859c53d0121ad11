// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Probing on the system: test addresses, probe sockets, member_xdp and
 * its ring buffer, probe timers in the event loop, configured targets.
 * Replies reach agent/probe.c only through the ring buffer, stamped by
 * the kernel; the probe sockets receive nothing.
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/rtnetlink.h>

#include <ipmp/probe.h>
#include "arp.h"
#include "control.h"
#include "log.h"
#include "probe_socket.h"
#include "prober.h"

static bool is_v6(const struct probe_instance *pi)
{
	return pi->family == AF_INET6;
}

static int ops_send(struct probe_instance *pi, const struct ip_prefix *dst, uint16_t seq,
		    enum probe_kind kind, uint64_t sent_ns, void *ctx)
{
	struct agent_group *ag = ctx;
	int fd = ag->probe_fds[pi->member->slot][is_v6(pi)];
	char buf[IP_PREFIX_STRLEN];
	int ret;

	if (fd < 0)
		return -EBADF;
	if (is_v6(pi) && ag->probe_nd[pi->member->slot]) {
		/* as with ARP: only failure detection, no discovery or RTT-only probes */
		if (kind != PROBE_UNI)
			return 0;
		ret = probe_socket_send_ns(fd, pi->member->ifindex, dst, pi->member->mac);
	} else if (!is_v6(pi) && ag->probe_arp[pi->member->slot]) {
		static const uint8_t zero[6];
		struct arp_packet arp;

		/* no discovery or RTT-only probes with ARP: only failure detection */
		if (kind != PROBE_UNI)
			return 0;
		/* RFC 5227 probe: sender IP 0.0.0.0, so no peer's cache is touched */
		arp_build(&arp, ARP_OP_REQUEST, pi->member->mac, zero, zero, dst->addr);
		ret = arp_send(fd, pi->member->ifindex, &arp);
	} else {
		ret = probe_socket_send(fd, pi->member->ifindex, dst, pi->echo_id, seq, kind, sent_ns,
					ag->agent->nonce);
	}
	if (ret && ret != -EAGAIN)
		pr_debug("probe: probe sendto (%s %s) to %s: %s", is_v6(pi) ? "inet6" : "inet",
			 pi->member->ifname,
			 ip_prefix_str(dst, false, buf, sizeof(buf)), strerror(-ret));
	return ret;
}

static void probe_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe_instance *pi = arg;
	struct agent_group *ag = pi->member->group->probe_ctx;

	agent_mark(ag->agent);
	group_begin(pi->member->group);
	probe_timer(pi);
	group_end(pi->member->group);
}

static void ops_timer_arm(struct probe_instance *pi, uint64_t deadline_ms, void *ctx)
{
	struct agent_group *ag = ctx;

	agent_timer_arm(ag->agent, &ag->probe_timers[pi->member->slot][is_v6(pi)], probe_timer_cb,
			pi, deadline_ms);
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
	struct agent_group *ag = ctx;
	struct probe_target *t = targets_find(pi, &s->target);
	bool acked = s->status == PR_ACKED;
	char buf[IP_PREFIX_STRLEN];
	json_t *ev;

	if (!ag->agent->control)
		return;
	ev = json_pack("{s:s, s:s, s:i, s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "event", "probe",
		       "interface", pi->member->ifname, "id", s->seq, "target",
		       ip_prefix_str(&s->target, false, buf, sizeof(buf)), "state",
		       acked ? "acked" : "lost", "start_ns", (json_int_t)s->sent_ns, "netrtt_ns",
		       (json_int_t)(acked && s->rx_ns > s->sent_ns ? s->rx_ns - s->sent_ns : 0),
		       "rtt_ns", (json_int_t)(acked ? s->acked_ns - s->sent_ns : 0), "rttavg_ns",
		       (json_int_t)(t && t->sa_ns > 0 ? t->sa_ns / 8 : 0), "rttdev_ns",
		       (json_int_t)(t ? t->sv_ns / 4 : 0));
	if (ev) {
		json_object_set_new(ev, "group", json_string(pi->member->group->ifname));
		agent_event_stamp(ag->agent, ev);
		control_publish(ag->agent->control, CONTROL_STREAM_PROBES, ev);
		json_decref(ev);
	}
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
	ag->probe_lag_us[ag->nprobe_lag++ % PROBE_LAG_SAMPLES] = (clock_now_ns(ag->agent->clock) - ev->rx_ns) / 1000;
	probe_reply(pi, &r);
	return 0;
}

static void ringbuf_cb(evutil_socket_t fd, short what, void *arg)
{
	struct agent_group *ag = arg;

	agent_mark(ag->agent);
	group_begin(&ag->group);	/* the replies of one wake-up: one commit */
	ring_buffer__consume(ag->probe_rb);
	group_end(&ag->group);
}

int prober_group_start(struct agent *a, struct agent_group *ag)
{
	for (unsigned i = 0; i < IPMP_MAX_MEMBERS; i++)
		ag->probe_fds[i][0] = ag->probe_fds[i][1] = -1;
	group_set_probe_ops(&ag->group, &agent_probe_ops, ag);
	ag->probe_rb = ring_buffer__new(dataplane_probe_events_fd(&ag->dp), ringbuf_record, ag,
					NULL);
	if (!ag->probe_rb) {
		pr_err("group %s: cannot read the probe_events ring buffer: %s", ag->group.name,
		       strerror(errno));
		return -errno;
	}
	ag->probe_rb_ev = event_new(a->base, ring_buffer__epoll_fd(ag->probe_rb),
				    EV_READ | EV_PERSIST, ringbuf_cb, ag);
	if (!ag->probe_rb_ev || event_priority_set(ag->probe_rb_ev, AGENT_PRIO_DETECT) ||
	    event_add(ag->probe_rb_ev, NULL))
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
	unsigned n = ag->nprobe_lag < PROBE_LAG_SAMPLES ? ag->nprobe_lag : PROBE_LAG_SAMPLES;

	if (!n)
		return;
	qsort(ag->probe_lag_us, n, sizeof(uint32_t), cmp_u32);
	pr_info("group %s: %u probe replies; XDP to agent (the last %u): p50 %u us, p99 %u us, "
		"max %u us", ag->group.name, ag->nprobe_lag, n, ag->probe_lag_us[n / 2],
		ag->probe_lag_us[(n * 99) / 100], ag->probe_lag_us[n - 1]);
}

void prober_group_stop(struct agent_group *ag)
{
	probe_lag_report(ag);
	group_for_each_member(&ag->group, m)
		prober_member_stop(ag, m, false);
	if (ag->probe_rb_ev)
		event_free(ag->probe_rb_ev);
	ring_buffer__free(ag->probe_rb);
	ag->probe_rb_ev = NULL;
	ag->probe_rb = NULL;
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
static int arp_prober_open(struct agent_group *ag, struct ipmp_member *m, struct ip_prefix *subnet)
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

static int icmp_prober_open(struct agent *a, struct agent_group *ag, struct ipmp_member *m,
			    struct ip_prefix *test)
{
	if (!member_test_address(a, ag, m, test)) {
		pr_info("No test address configured on interface %s; disabling probe-based "
			"failure detection on it", m->ifname);
		return -ENOENT;
	}
	return probe_socket_open(m->ifname, m->ifindex, test, false);
}

/* spec 3.4: ((pid & 0xff) << 8) | (ifindex & 0xff), the same for both families */
static uint16_t member_echo_id(const struct ipmp_member *m)
{
	return htons(((getpid() & 0xff) << 8) | (m->ifindex & 0xff));
}

/* The member's probe_cfg entry, from what its instances probe; XDP attached on first use. */
static int probe_cfg_push(struct agent *a, struct agent_group *ag, struct ipmp_member *m)
{
	struct ipmp_probe_cfg cfg = { .nonce = a->nonce, .echo_id = member_echo_id(m) };

	if (m->probe.enabled && ag->probe_arp[m->slot]) {
		cfg.method = IPMP_PROBE_METHOD_ARP;
		memcpy(cfg.mac, m->mac, sizeof(cfg.mac));
	} else if (m->probe.enabled) {
		cfg.method = IPMP_PROBE_METHOD_ICMP;
		memcpy(cfg.test_addr, m->probe.test_addr.addr, 4);
	}
	if (m->probe6.enabled) {
		memcpy(cfg.test_addr6, m->probe6.test_addr.addr, 16);
		cfg.method6 = ag->probe_nd[m->slot] ? IPMP_PROBE_METHOD_NS : IPMP_PROBE_METHOD_ICMP;
	}
	if (dataplane_probe_cfg_set(&ag->dp, m->ifindex, &cfg) ||
	    dataplane_attach_xdp(&ag->dp, m->slot, m->ifindex, m->ifname)) {
		pr_err("%s: probe-based failure detection unavailable", m->ifname);
		return -EIO;
	}
	return 0;
}

static void instance_stop(struct agent_group *ag, struct ipmp_member *m, int v6)
{
	if (ag->probe_fds[m->slot][v6] < 0)
		return;
	close(ag->probe_fds[m->slot][v6]);
	ag->probe_fds[m->slot][v6] = -1;
	if (ag->probe_timers[m->slot][v6]) {
		event_free(ag->probe_timers[m->slot][v6]);
		ag->probe_timers[m->slot][v6] = NULL;
	}
	probe_stop(v6 ? &m->probe6 : &m->probe);
}

/* IPv4: from the test address (ICMP), or with ARP. True when it started. */
static bool prober_start4(struct agent *a, struct agent_group *ag, struct ipmp_member *m)
{
	bool arp = member_probe_method(ag, m) == PROBE_METHOD_ARP;
	char buf[IP_PREFIX_STRLEN], tbuf[IP_PREFIX_STRLEN];
	struct ip_prefix test;
	int fd;

	if (ag->probe_fds[m->slot][0] >= 0)
		return false;
	fd = arp ? arp_prober_open(ag, m, &test) : icmp_prober_open(a, ag, m, &test);
	if (fd < 0)
		return false;
	ag->probe_fds[m->slot][0] = fd;
	ag->probe_arp[m->slot] = arp;
	probe_start(&m->probe, m, &test, member_echo_id(m), a->nonce ^ m->ifindex);
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

/* Has the group IPv6 data addresses of its own (not only the kernel's link-local)? */
static bool group_probes_ipv6(const struct ipmp_group *g)
{
	for (unsigned i = 0; i < g->naddrs; i++)
		if (g->addrs[i].prefix.family == AF_INET6 && !g->addrs[i].kernel)
			return true;
	return false;
}

/*
 * IPv6: from the member's link-local address (spec 3.19), once it has
 * passed DAD; until then this waits for the next address event. ICMPv6
 * echo, or, where IPv4 probes with ARP, neighbour solicitations (which no
 * host filters, as no host filters ARP).
 */
static bool prober_start6(struct agent *a, struct agent_group *ag, struct ipmp_member *m)
{
	bool nd = member_probe_method(ag, m) == PROBE_METHOD_ARP;
	char buf[IP_PREFIX_STRLEN];
	struct ip_prefix test;
	int fd;

	if (ag->probe_fds[m->slot][1] >= 0 || !group_probes_ipv6(&ag->group) ||
	    nl_addr_first(&a->nl, m->ifindex, AF_INET6, RT_SCOPE_LINK, &test))
		return false;
	fd = probe_socket_open(m->ifname, m->ifindex, &test, nd);
	if (fd < 0)
		return false;
	ag->probe_fds[m->slot][1] = fd;
	ag->probe_nd[m->slot] = nd;
	probe_start(&m->probe6, m, &test, member_echo_id(m), (a->nonce ^ m->ifindex) + 6);
	pr_info("%s: probing %sfrom %s", m->ifname, nd ? "with NS " : "",
		ip_prefix_str(&test, false, buf, sizeof(buf)));
	return true;
}

bool prober_member_will_probe(struct agent *a, struct agent_group *ag, struct ipmp_member *m)
{
	struct ip_prefix test;

	return member_probe_method(ag, m) == PROBE_METHOD_ARP || group_probes_ipv6(&ag->group) ||
	       (m->ifindex && member_test_address(a, ag, m, &test));
}

void prober_member_start(struct agent *a, struct agent_group *ag, struct ipmp_member *m)
{
	bool started;

	if (!ag->probe_rb)
		return;
	started = prober_start4(a, ag, m);
	started |= prober_start6(a, ag, m);
	if (!started)
		return;
	if (probe_cfg_push(a, ag, m)) {
		instance_stop(ag, m, 0);
		instance_stop(ag, m, 1);
		return;
	}
	if (!ag->cfg->ntargets || m->probe6.enabled)
		prober_routes_rescan_soon(a);
}

void prober_addresses_changed(struct agent *a)
{
	for (unsigned i = 0; i < a->ngroups; i++) {
		struct agent_group *ag = a->groups[i];

		group_for_each_member(&ag->group, m) {
			if (!m->ifindex || m->state == MEMBER_OFFLINE || !ag->probe_rb ||
			    !prober_start6(a, ag, m))
				continue;
			if (probe_cfg_push(a, ag, m))
				instance_stop(ag, m, 1);
			else
				prober_routes_rescan_soon(a);
		}
	}
}

#define ROUTE_GATEWAYS_MAX	64

static bool gateway_listed(const struct ip_prefix *gw, int n, const struct ip_prefix *addr)
{
	for (int i = 0; i < n; i++)
		if (ip_prefix_same_addr(&gw[i], addr))
			return true;
	return false;
}

/*
 * spec 3.12 routes mode: every next hop on a member's test subnet is a
 * router target. Routers gone from the table are dropped, except while the
 * group is failed (the failure may be why the route went away).
 */
static void instance_routes_apply(struct probe_instance *pi, const struct ip_prefix *gw, int n)
{
	struct ipmp_member *m = pi->member;
	char buf[IP_PREFIX_STRLEN];

	if (!pi->enabled || pi->mode == TARGETS_CONFIGURED)
		return;
	for (int i = 0; i < n; i++) {
		if (gw[i].family != pi->family || targets_find(pi, &gw[i]))
			continue;
		if (!targets_add(pi, &gw[i], TARGETS_ROUTES))
			pr_info("%s: probe target %s (router)", m->ifname,
				ip_prefix_str(&gw[i], false, buf, sizeof(buf)));
	}
	if (pi->mode != TARGETS_ROUTES || m->group->state == GROUP_FAILED)
		return;
	for (unsigned i = pi->ntargets; i-- > 0;)
		if (!gateway_listed(gw, n, &pi->targets[i].addr)) {
			pr_info("%s: probe target %s left the routing table", m->ifname,
				ip_prefix_str(&pi->targets[i].addr, false, buf, sizeof(buf)));
			targets_remove(pi, &pi->targets[i].addr);
		}
}

static void routes_rescan(struct agent *a)
{
	struct ip_prefix gw[ROUTE_GATEWAYS_MAX];
	int n = nl_route_gateways(&a->nl, AF_INET, gw, ROUTE_GATEWAYS_MAX), n6;

	if (n < 0 || (n6 = nl_route_gateways(&a->nl, AF_INET6, gw + n, ROUTE_GATEWAYS_MAX - n)) < 0) {
		pr_warn("cannot read the routing table: %s", strerror(n < 0 ? -n : -n6));
		return;
	}
	n += n6;
	for (unsigned i = 0; i < a->ngroups; i++)
		group_for_each_member(&a->groups[i]->group, m) {
			instance_routes_apply(&m->probe, gw, n);
			instance_routes_apply(&m->probe6, gw, n);
		}
}

static void rescan_cb(evutil_socket_t fd, short what, void *arg)
{
	routes_rescan(arg);
}

/*
 * One read of the routing table (two dumps, thousands of routes with
 * many IPv6 addresses) for however many members started or routes changed
 * in this turn of the event loop.
 */
void prober_routes_rescan_soon(struct agent *a)
{
	agent_timer_arm(a, &a->rescan_ev, rescan_cb, a, 0);
}

void prober_member_stop(struct agent_group *ag, struct ipmp_member *m, bool release)
{
	instance_stop(ag, m, 0);
	instance_stop(ag, m, 1);
	if (release) {
		/* unpinned and closed, the XDP link detaches (if the netdev still exists) */
		dataplane_detach_xdp(&ag->dp, m->slot, m->ifname);
		if (m->ifindex)
			dataplane_probe_cfg_del(&ag->dp, m->ifindex);
	}
}
