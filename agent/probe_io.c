// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Probing on the system (agent/probe_io.h): the probe sockets and the
 * packets they send, test addresses, member_xdp's probe_cfg entries, the
 * probe timers and the ring buffer of stamped replies. Replies reach
 * agent/probe.c only through the ring buffer, stamped by the kernel; the
 * probe sockets receive nothing.
 */
#include <arpa/inet.h>
#include <bpf/libbpf.h>
#include <endian.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/rtnetlink.h>

#include <ipmp/probe.h>
#include "agent.h"
#include "arp.h"
#include "events.h"
#include "inet_csum.h"
#include "log.h"
#include "probe_io.h"
#include "routes.h"

/* --- sockets and packets ------------------------------------------------------------ */

#ifndef ICMP_FILTER
#define ICMP_FILTER	1	/* linux/icmp.h, which clashes with net/if.h */
#endif

#define PROBE_NS_LEN	(8 + 16 + 8)	/* NS: header, target, source link-layer option */

static uint32_t kind_code(enum probe_kind kind)
{
	switch (kind) {
	case PROBE_MULTI:
		return IPMP_PROBE_MULTI;
	case PROBE_RTT:
		return IPMP_PROBE_RTT;
	default:
		return IPMP_PROBE_UNI;
	}
}

static size_t probe_packet_build(uint8_t *buf, int family, uint16_t echo_id, uint16_t seq,
			  enum probe_kind kind, uint64_t sent_ns, uint64_t nonce)
{
	struct icmphdr *icmp = (struct icmphdr *)buf;
	struct ipmp_probe_payload *payload = (struct ipmp_probe_payload *)(buf + sizeof(*icmp));
	size_t len = sizeof(*icmp) + sizeof(*payload);

	memset(buf, 0, len);
	icmp->type = ICMP_ECHO;
	icmp->un.echo.id = echo_id;
	icmp->un.echo.sequence = htons(seq);
	payload->sent_ns = htobe64(sent_ns);
	payload->kind = htonl(kind_code(kind));
	payload->nonce = nonce;
	if (family == AF_INET6)
		icmp->type = 128;	/* echo request; the kernel computes the checksum */
	else
		icmp->checksum = inet_csum(buf, len);
	return len;
}

static int probe_socket_open4(const char *ifname, int ifindex, const struct ip_prefix *test_addr)
{
	struct sockaddr_in local = { .sin_family = AF_INET };
	struct ip_mreqn mreq = { .imr_ifindex = ifindex };
	int fd, ttl = 1, off = 0;
	uint32_t filter_all = ~0u;	/* ICMP_FILTER: receive no type at all */

	memcpy(&local.sin_addr, test_addr->addr, 4);
	memcpy(&mreq.imr_address, test_addr->addr, 4);
	fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, strlen(ifname) + 1) ||
	    bind(fd, (struct sockaddr *)&local, sizeof(local)) ||
	    setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &off, sizeof(off)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof(mreq)) ||
	    setsockopt(fd, SOL_RAW, ICMP_FILTER, &filter_all, sizeof(filter_all))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ICMPv6 from the link-local test address, hop limit 1 (spec 3.19), 255 for ND. */
static int probe_socket_open6(const char *ifname, int ifindex, const struct ip_prefix *test_addr,
			      int hops)
{
	struct sockaddr_in6 local = { .sin6_family = AF_INET6, .sin6_scope_id = ifindex };
	struct icmp6_filter filter;
	int fd, off = 0;

	memcpy(&local.sin6_addr, test_addr->addr, 16);
	ICMP6_FILTER_SETBLOCKALL(&filter);	/* receive nothing: XDP takes the replies */
	fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, strlen(ifname) + 1) ||
	    bind(fd, (struct sockaddr *)&local, sizeof(local)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) ||
	    setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int probe_socket_open(const char *ifname, int ifindex, const struct ip_prefix *test_addr, bool nd)
{
	char buf[IP_PREFIX_STRLEN];
	int fd = test_addr->family == AF_INET6 ?
			 probe_socket_open6(ifname, ifindex, test_addr, nd ? 255 : 1) :
			 probe_socket_open4(ifname, ifindex, test_addr);
	int ret = -errno;

	if (fd >= 0)
		return fd;
	pr_err("cannot open a probe socket on %s from %s: %s", ifname,
	       ip_prefix_str(test_addr, false, buf, sizeof(buf)), strerror(-ret));
	return ret;
}

static int probe_socket_send(int fd, int ifindex, const struct ip_prefix *dst, uint16_t echo_id,
		      uint16_t seq, enum probe_kind kind, uint64_t sent_ns, uint64_t nonce)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct sockaddr_in6 to6 = { .sin6_family = AF_INET6, .sin6_scope_id = ifindex };
	bool v6 = dst->family == AF_INET6;
	uint8_t pkt[64];
	size_t len = probe_packet_build(pkt, dst->family, echo_id, seq, kind, sent_ns, nonce);

	memcpy(&to.sin_addr, dst->addr, 4);
	memcpy(&to6.sin6_addr, dst->addr, 16);
	if (sendto(fd, pkt, len, 0, v6 ? (struct sockaddr *)&to6 : (struct sockaddr *)&to,
		   v6 ? sizeof(to6) : sizeof(to)) < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return 0;
}

static size_t probe_ns_build(uint8_t *buf, const uint8_t target[16], const uint8_t mac[6])
{
	memset(buf, 0, PROBE_NS_LEN);
	buf[0] = ND_NEIGHBOR_SOLICIT;	/* the kernel computes the checksum */
	memcpy(buf + 8, target, 16);
	buf[24] = ND_OPT_SOURCE_LINKADDR;
	buf[25] = 1;
	memcpy(buf + 26, mac, 6);
	return PROBE_NS_LEN;
}

static int probe_socket_send_ns(int fd, int ifindex, const struct ip_prefix *target, const uint8_t mac[6])
{
	/* to the target's solicited-node group: no neighbour resolution before it can leave */
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_scope_id = ifindex,
				   .sin6_addr.s6_addr = { 0xff, 0x02, [11] = 1, [12] = 0xff } };
	uint8_t pkt[PROBE_NS_LEN];

	memcpy(&to.sin6_addr.s6_addr[13], target->addr + 13, 3);
	probe_ns_build(pkt, target->addr, mac);
	if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return 0;
}

/* --- probing a member ---------------------------------------------------------------- */

static bool is_v6(const struct probe_instance *pi)
{
	return pi->family == AF_INET6;
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
		ret = probe_socket_send_ns(fd, pi->member->ifindex, dst, pi->member->mac);
	} else if (!is_v6(pi) && ag->probing.arp[pi->member->slot]) {
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

	agent_timer_arm(ag->agent, &ag->probing.timers[pi->member->slot][is_v6(pi)], probe_timer_cb,
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
	group_begin(&ag->group);	/* the replies of one wake-up: one commit */
	ring_buffer__consume(ag->probing.rb);
	group_end(&ag->group);
}

void probe_io_init(struct probe_io *pio)
{
	memset(pio, 0, sizeof(*pio));
	for (unsigned i = 0; i < IPMP_MAX_MEMBERS; i++)
		pio->fds[i][0] = pio->fds[i][1] = -1;
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
	if (!ag->probing.rb_ev || event_priority_set(ag->probing.rb_ev, AGENT_PRIO_DETECT) ||
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
	if (dataplane_probe_cfg_set(&ag->dp, m->ifindex, &cfg) ||
	    dataplane_attach_xdp(&ag->dp, m->slot, m->ifindex, m->ifname)) {
		pr_err("%s: probe-based failure detection unavailable", m->ifname);
		return -EIO;
	}
	return 0;
}

static void instance_stop(struct agent_group *ag, struct ipmp_member *m, int v6, bool forget)
{
	if (ag->probing.fds[m->slot][v6] < 0)
		return;
	close(ag->probing.fds[m->slot][v6]);
	ag->probing.fds[m->slot][v6] = -1;
	if (ag->probing.timers[m->slot][v6]) {
		event_free(ag->probing.timers[m->slot][v6]);
		ag->probing.timers[m->slot][v6] = NULL;
	}
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
	fd = arp ? arp_socket_for(ag, m, &test) : icmp_socket_for(a, ag, m, &test);
	if (fd < 0)
		return false;
	ag->probing.fds[m->slot][0] = fd;
	ag->probing.arp[m->slot] = arp;
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
static bool probe_start6(struct agent *a, struct agent_group *ag, struct ipmp_member *m)
{
	bool nd = member_probe_method(ag, m) == PROBE_METHOD_ARP;
	char buf[IP_PREFIX_STRLEN];
	struct ip_prefix test;
	int fd;

	if (ag->probing.fds[m->slot][1] >= 0 || !group_probes_ipv6(&ag->group) ||
	    nl_addr_first(&a->nl, m->ifindex, AF_INET6, RT_SCOPE_LINK, &test))
		return false;
	fd = probe_socket_open(m->ifname, m->ifindex, &test, nd);
	if (fd < 0)
		return false;
	ag->probing.fds[m->slot][1] = fd;
	ag->probing.nd[m->slot] = nd;
	probe_start(&m->probe6, m, &test, member_echo_id(m), (a->nonce ^ m->ifindex) + 6);
	pr_info("%s: probing %sfrom %s", m->ifname, nd ? "with NS " : "",
		ip_prefix_str(&test, false, buf, sizeof(buf)));
	return true;
}

bool probe_io_member_will_probe(struct agent *a, struct agent_group *ag, struct ipmp_member *m)
{
	struct ip_prefix test;

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
	}
}
