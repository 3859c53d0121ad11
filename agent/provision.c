// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Interface provisioning (agent/provision.h): what the agent sets up on
 * the system for a group and its members, and takes back.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/rtnetlink.h>

#include "addrmap.h"
#include "agent.h"
#include "log.h"
#include "probe_io.h"
#include "provision.h"
#include "undo.h"

/* Set a sysctl the group needs, recording the value before (agent/undo.h). */
static void sysctl_or_warn(struct agent *a, const struct agent_group *ag, const char *family,
			   const char *ifname, const char *key, const char *value)
{
	int ret = undo_sysctl_set(&a->undo, ag->group.name, family, ifname, key, value);

	if (ret)
		pr_warn("cannot set net.%s.conf.%s.%s=%s: %s", family, ifname, key, value,
			strerror(-ret));
}

/*
 * The group's MAC, the same whenever its interface is made again (a
 * restart after --cleanup, a reboot): a DHCP server knows the group by it
 * (its hardware address, and the client id made of it), so the lease stays.
 * Locally administered, from /etc/machine-id and the interface name; NULL
 * (the kernel's random one) without a machine id, which is said.
 */
static const uint8_t *group_mac(const char *ifname, uint8_t mac[6])
{
	char id[64] = "";
	FILE *f = fopen("/etc/machine-id", "re");
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	const char *parts[] = { "ipmp group mac", id, ifname };

	if (f) {
		if (!fgets(id, sizeof(id), f))
			id[0] = 0;
		fclose(f);
	}
	id[strcspn(id, "\n")] = 0;
	if (!id[0]) {
		pr_warn("%s: no /etc/machine-id: the interface's MAC is random, and a DHCP lease on it "
			"will not survive its re-creation", ifname);
		return NULL;
	}
	for (unsigned p = 0; p < 3; p++)
		for (const char *c = parts[p]; *c; c++)
			h = (h ^ (uint8_t)*c) * 1099511628211ULL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(h >> (8 * i));
	mac[0] = (mac[0] & 0xfe) | 0x02;	/* unicast, locally administered */
	return mac;
}

/* The group interface: our veth pair, made or found. */
int provision_group_iface(struct agent *a, struct agent_group *ag)
{
	struct ipmp_group *g = &ag->group;
	struct nl_link l;
	uint8_t mac[6];
	int ret;

	ret = nl_link_get(&a->nl, g->ifname, &l);
	if (ret == -ENODEV) {
		ret = nl_veth_create(&a->nl, g->ifname, ag->cfg->peer_ifname, group_mac(g->ifname, mac));
		if (ret) {
			pr_err("cannot create group interface %s (veth peer %s): %s", g->ifname,
			       ag->cfg->peer_ifname, strerror(-ret));
			return ret;
		}
		pr_info("created group interface %s", g->ifname);
		ret = nl_link_get(&a->nl, g->ifname, &l);
		if (!ret)
			undo_note_iface(&a->undo, g->name, g->ifname, l.ifindex);
	}
	if (ret) {
		pr_err("cannot read interface %s: %s", g->ifname, strerror(-ret));
		return ret;
	}
	if (strcmp(l.kind, "veth")) {
		pr_err("%s exists and is not a group interface (kind '%s', not veth)", g->ifname,
		       l.kind);
		return -EEXIST;
	}
	g->ifindex = l.ifindex;
	memcpy(g->mac, l.mac, sizeof(g->mac));
	ag->peer_ifindex = l.link_ifindex;	/* the veth's far end, whatever its name */
	if (!ag->peer_ifindex) {
		pr_err("%s: its veth peer is not in this network namespace", g->ifname);
		return -ENODEV;
	}
	/*
	 * IPv6 on the group: the host's IP interface on the link, so it takes
	 * router advertisements as the host's sysctls say (accept_ra, autoconf:
	 * not ours to set), through the nominated member: a default route
	 * learned there names router targets, a SLAAC address is a data address
	 * like any other. Its link-local is announced by group_egress with a
	 * member's MAC. The far end carries nothing.
	 */
	sysctl_or_warn(a, ag, "ipv6", g->ifname, "disable_ipv6", "0");
	sysctl_or_warn(a, ag, "ipv6", ag->cfg->peer_ifname, "disable_ipv6", "1");
	sysctl_or_warn(a, ag, "ipv4", g->ifname, "rp_filter", "2");
	/*
	 * The group hears broadcast ARP through the nominated member; it must
	 * answer only for its own addresses, never for a member's test address
	 * (that would pull probe replies to the wrong member).
	 */
	sysctl_or_warn(a, ag, "ipv4", g->ifname, "arp_ignore", "1");
	sysctl_or_warn(a, ag, "ipv4", g->ifname, "arp_announce", "2");
	return 0;
}

static unsigned group_min_mtu(const struct ipmp_group *g)
{
	unsigned mtu = 0;

	group_for_each_member(g, m)
		if (m->ifindex && (!mtu || m->mtu < mtu))
			mtu = m->mtu;
	return mtu;
}

void provision_group_mtu(struct agent *a, struct agent_group *ag)
{
	struct nl_link peer;
	unsigned mtu = group_min_mtu(&ag->group);
	int ret;

	if (!mtu)
		return;
	/* the far end first: a veth refuses an MTU above its peer's max */
	if (!nl_link_get(&a->nl, ag->cfg->peer_ifname, &peer))
		nl_link_set(&a->nl, peer.ifindex, true, mtu);
	ret = nl_link_set(&a->nl, ag->group.ifindex, true, mtu);
	if (ret)
		pr_err("cannot set %s up with MTU %u: %s", ag->group.ifname, mtu, strerror(-ret));
}

int provision_addr_add(struct agent *a, const char *group, const char *ifname, int ifindex,
		       const struct ip_prefix *p, bool noprefixroute)
{
	struct ip_prefix found;
	bool there = !nl_addr_find(&a->nl, ifindex, p, &found);
	int ret = nl_addr_add(&a->nl, ifindex, p, noprefixroute);

	if (!ret && !there)
		undo_note_addr(&a->undo, group, ifname, ifindex, p);
	return ret;
}

/*
 * Put the configured test address on the member's netdev, or take it off:
 * only if the agent put it there (an administrator's stays, as with
 * in.mpathd, where test addresses are the administrator's).
 */
void provision_test_address(struct agent *a, const struct ipmp_member *m, bool add)
{
	char buf[IP_PREFIX_STRLEN];
	int ret;

	if (!m->ifindex || !m->cfg.has_test_address)
		return;
	if (!add) {
		undo_addr_release(&a->undo, &a->nl, m->ifindex, &m->cfg.test_address);
		return;
	}
	ret = provision_addr_add(a, m->group->name, m->ifname, m->ifindex, &m->cfg.test_address, true);
	if (ret)
		pr_warn("cannot add test address %s to %s: %s",
			ip_prefix_str(&m->cfg.test_address, true, buf, sizeof(buf)), m->ifname,
			strerror(-ret));
}

/* A member netdev exists: take it over (up, no ARP of its own, our filter). */
int provision_member_take(struct agent *a, struct agent_group *ag, struct ipmp_member *m,
			  const struct nl_link *l)
{
	struct nl_link now;
	int ret;

	/* what another group (or this one, before a restart) did here is this group's now */
	undo_claim(&a->undo, &a->nl, ag->group.name, m->ifname, l->ifindex,
		   m->cfg.has_test_address ? &m->cfg.test_address : NULL);
	/* a member never answers ARP for addresses it does not hold itself */
	sysctl_or_warn(a, ag, "ipv4", m->ifname, "arp_ignore", "1");
	sysctl_or_warn(a, ag, "ipv4", m->ifname, "arp_announce", "2");
	/* nor gets global IPv6 addresses of its own from router advertisements */
	sysctl_or_warn(a, ag, "ipv6", m->ifname, "accept_ra", "0");
	sysctl_or_warn(a, ag, "ipv6", m->ifname, "autoconf", "0");
	if (!(l->flags & IFF_UP)) {
		ret = nl_link_set(&a->nl, l->ifindex, true, 0);
		if (ret)
			pr_warn("cannot set %s up: %s", m->ifname, strerror(-ret));
	}
	if (nl_link_get(&a->nl, m->ifname, &now))
		now = *l;
	ret = dataplane_attach_member(&ag->dp, m->slot, now.ifindex);
	if (ret)
		return ret;
	m->ifindex = now.ifindex;
	ag->lower_ifindex[m->slot] = nl_link_stacked_lower(&now);	/* linkwatch_carrier_lost() */
	memcpy(m->mac, now.mac, sizeof(m->mac));
	m->mtu = now.mtu;
	provision_test_address(a, m, true);
	return 0;
}

/*
 * Every address on the group interface is a data address, as on illumos:
 * the configured ones (added by the agent), the kernel's IPv6 link-local
 * (announced from a member's MAC like any other, so the group's MAC never
 * leaks through ND), and whatever another tool puts there: an operator's
 * ip addr add, a keepalived VIP, a DHCP lease, SLAAC. They are bound,
 * announced, balanced and failed over alike; one that goes away is
 * released. The agent never adds or removes a foreign one. With release
 * false (setup, before the configured addresses are on) only new ones are
 * taken.
 */
#define VLAN_UPPERS_MAX	64

/* What is on the group interface and its VLAN uppers now. */
struct addrs_now {
	struct ip_prefix p[IPMP_MAX_ADDRS];
	bool usable[IPMP_MAX_ADDRS];
	uint16_t vlan[IPMP_MAX_ADDRS];
	unsigned n;
};

static void addrs_read(struct agent *a, int ifindex, uint16_t vlan, struct addrs_now *now)
{
	int got = nl_addr_list(&a->nl, ifindex, now->p + now->n, now->usable + now->n,
			       IPMP_MAX_ADDRS - now->n);

	for (int k = 0; k < got; k++)
		now->vlan[now->n + k] = vlan;
	if (got > 0)
		now->n += got;
}

void provision_addresses_follow(struct agent *a, struct agent_group *ag, bool release)
{
	static struct addrs_now now;
	static struct nl_link uppers[VLAN_UPPERS_MAX];
	struct ipmp_group *g = &ag->group;
	char buf[IP_PREFIX_STRLEN];
	int nup = nl_vlan_uppers(&a->nl, g->ifindex, uppers, VLAN_UPPERS_MAX);

	struct addrmap seen = { 0 }, have = { 0 };	/* lookups, not n x n walks: 4,096 addresses */
	struct addrmap_entry *e;

	now.n = 0;
	addrs_read(a, g->ifindex, 0, &now);
	for (int u = 0; u < nup; u++)
		addrs_read(a, uppers[u].ifindex, uppers[u].vlan_id, &now);
	for (unsigned k = 0; k < now.n; k++) {
		e = addrmap_lookup(&seen, &now.p[k]);
		if (!e && (e = addrmap_insert(&seen, &now.p[k])))
			e->value = now.vlan[k];
		else if (e && e->value != now.vlan[k])
			e->mark = 1;	/* on two VLANs: the walk below decides */
	}
	for (unsigned i = 0; i < g->naddrs; i++)
		addrmap_insert(&have, &g->addrs[i].prefix);
	for (unsigned i = g->naddrs; release && i-- > 0;) {
		struct ipmp_addr *ad = &g->addrs[i];
		bool there = false;

		e = addrmap_lookup(&seen, &ad->prefix);
		if (e && !e->mark)
			there = e->value == ad->vlan;
		for (unsigned k = 0; e && e->mark && k < now.n && !there; k++)
			there = ip_prefix_same_addr(&now.p[k], &ad->prefix) && now.vlan[k] == ad->vlan;
		if (there)
			continue;
		e = addrmap_lookup(&have, &ad->prefix);
		if (e)
			addrmap_remove(&have, e);
		if (!ip_is_link_local6(&ad->prefix))
			pr_info("group %s: %s is gone from %s%s (%s); released", g->name,
				ip_prefix_str(&ad->prefix, true, buf, sizeof(buf)), g->ifname,
				ad->vlan ? " (a VLAN on it)" : "",
				ad->foreign ? "not the agent's" : "removed by another tool");
		group_addr_remove(g, i);
	}
	for (unsigned k = 0; k < now.n; k++) {
		/* in DAD yet, or put there by the agent (configured, or stale from before a restart) */
		if (!now.usable[k] || addrmap_lookup(&have, &now.p[k]) ||
		    (!now.vlan[k] && undo_has_addr(&a->undo, g->ifindex, &now.p[k])))
			continue;
		if (group_addr_add(g, &now.p[k])) {
			pr_warn("group %s: cannot follow %s on %s", g->name,
				ip_prefix_str(&now.p[k], true, buf, sizeof(buf)), g->ifname);
			continue;
		}
		g->addrs[g->naddrs - 1].foreign = true;
		g->addrs[g->naddrs - 1].vlan = now.vlan[k];
		addrmap_insert(&have, &now.p[k]);
		if (!ip_is_link_local6(&now.p[k]) || now.vlan[k])
			pr_info("group %s: %s appeared on %s%s (not the agent's): a data address now",
				g->name, ip_prefix_str(&now.p[k], true, buf, sizeof(buf)), g->ifname,
				now.vlan[k] ? " (a VLAN on it)" : "");
	}
	addrmap_free(&seen);
	addrmap_free(&have);
}

/* Adopt a member's netdev if it exists and read its link state; missing is no error. */
int provision_member_find(struct agent *a, struct agent_group *ag, struct ipmp_member *m)
{
	struct nl_link l;
	int ret;

	if (nl_link_get(&a->nl, m->ifname, &l))
		return 0;	/* missing: its first transition says so */
	ret = provision_member_take(a, ag, m, &l);
	if (ret)
		return ret;
	nl_link_get(&a->nl, m->ifname, &l);
	m->link_up = nl_link_is_up(&l);
	return 0;
}

int provision_group_addrs(struct agent *a, struct agent_group *ag)
{
	char buf[IP_PREFIX_STRLEN];
	int ret;

	for (unsigned i = 0; i < ag->group.naddrs; i++) {
		if (ag->group.addrs[i].foreign)
			continue;
		ret = provision_addr_add(a, ag->group.name, ag->group.ifname, ag->group.ifindex,
					 &ag->group.addrs[i].prefix, false);
		if (ret) {
			pr_err("cannot add %s to %s: %s",
			       ip_prefix_str(&ag->group.addrs[i].prefix, true, buf, sizeof(buf)),
			       ag->group.ifname, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/*
 * Release a member's netdev: our filter and XDP off, and whatever else the
 * agent changed on it undone (its test address, sysctls, the clsact hook).
 */
void provision_member_release(struct agent *a, struct agent_group *ag, struct ipmp_member *m)
{
	int ifindex = m->ifindex;

	probe_io_member_stop(ag, m, true);
	dataplane_detach_member(&ag->dp, m->slot);
	if (ifindex)
		undo_netdev(&a->undo, &a->nl, ifindex);
}

