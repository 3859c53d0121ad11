// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rtnetlink requests and link events (agent/netlink.h): links, addresses,
 * tc filters and the event socket; routes are netlink_route.c. One
 * concern, past 600 lines: speaking rtnetlink, each request a short
 * builder and a parser of its answer.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <string.h>
#include <time.h>

#include "netlink.h"
#include "netlink_int.h"

int nl_open(struct nl *nl, unsigned groups)
{
	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | (groups ? SOCK_NONBLOCK : 0));
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, groups, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return err;
	}
	/*
	 * A request socket asks the kernel to filter dumps (Linux 4.20): the
	 * addresses of one interface, the routes of one table and interface,
	 * not the thousands of a big group read and dropped here.
	 */
	if (!groups)
		setsockopt(mnl_socket_get_fd(nl->sock), SOL_NETLINK, NETLINK_GET_STRICT_CHK,
			   &(int){ 1 }, sizeof(int));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = time(NULL);
	return 0;
}

void nl_close(struct nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

int nl_fd(const struct nl *nl)
{
	return mnl_socket_get_fd(nl->sock);
}

/*
 * Read and drop whatever an abandoned exchange left: the rest of a dump
 * that failed half way (each read makes the kernel produce its next part)
 * would otherwise be taken for the next request's reply.
 */
static void nl_drain(struct nl *nl)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	while (recv(mnl_socket_get_fd(nl->sock), buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

/*
 * Send one request and read until its ACK, or NLMSG_DONE for a dump (which
 * gets no ACK flag: a late ACK would be read as the next request's reply).
 */
static int nl_exchange_once(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
			    bool dump)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned seq = ++nl->seq;
	int ret;

	nl_drain(nl);
	nlh->nlmsg_seq = seq;
	if (!dump)
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		ret = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (ret < 0)
			return -errno;
		ret = mnl_cb_run(buf, ret, seq, nl->portid, cb, data);
	} while (ret == MNL_CB_OK);
	return ret < 0 ? -errno : 0;
}

/* A dump the kernel interrupted (the table changed under it, EINTR) is taken again. */
static int nl_exchange(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, bool dump)
{
	int ret, tries = 0;

	do
		ret = nl_exchange_once(nl, nlh, cb, data, dump);
	while (dump && ret == -EINTR && ++tries < 3);
	return ret;
}

int nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	return nl_exchange(nl, nlh, cb, data, false);
}

int nl_dump(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	nlh->nlmsg_flags |= NLM_F_DUMP;
	return nl_exchange(nl, nlh, cb, data, true);
}

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFLA_MAX) < 0)
		return MNL_CB_OK;
	tb[type] = attr;
	return MNL_CB_OK;
}

static int linkinfo_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, IFLA_INFO_MAX) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static int vlan_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, IFLA_VLAN_MAX) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static int link_parse(const struct nlmsghdr *nlh, struct nl_link *l)
{
	const struct nlattr *tb[IFLA_MAX + 1] = {}, *info[IFLA_INFO_MAX + 1] = {};
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	memset(l, 0, sizeof(*l));
	l->ifindex = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	l->deleted = nlh->nlmsg_type == RTM_DELLINK;
	mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, tb);
	if (tb[IFLA_IFNAME])
		snprintf(l->ifname, sizeof(l->ifname), "%s", mnl_attr_get_str(tb[IFLA_IFNAME]));
	if (tb[IFLA_MTU])
		l->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_LINK])
		l->link_ifindex = (int)mnl_attr_get_u32(tb[IFLA_LINK]);
	l->link_netns = tb[IFLA_LINK_NETNSID] != NULL;
	if (tb[IFLA_CARRIER_DOWN_COUNT])
		l->carrier_down_count = mnl_attr_get_u32(tb[IFLA_CARRIER_DOWN_COUNT]);
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == 6) {
		memcpy(l->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), 6);
		l->has_mac = true;
	}
	if (tb[IFLA_STATS64] &&
	    mnl_attr_get_payload_len(tb[IFLA_STATS64]) >= sizeof(struct rtnl_link_stats64)) {
		struct rtnl_link_stats64 st;

		memcpy(&st, mnl_attr_get_payload(tb[IFLA_STATS64]), sizeof(st));
		l->tx_packets = st.tx_packets;
	}
	if (tb[IFLA_LINKINFO]) {
		mnl_attr_parse_nested(tb[IFLA_LINKINFO], linkinfo_attr_cb, info);
		if (info[IFLA_INFO_KIND])
			snprintf(l->kind, sizeof(l->kind), "%s",
				 mnl_attr_get_str(info[IFLA_INFO_KIND]));
		if (!strcmp(l->kind, "vlan") && info[IFLA_INFO_DATA]) {
			const struct nlattr *vd[IFLA_VLAN_MAX + 1] = {};

			mnl_attr_parse_nested(info[IFLA_INFO_DATA], vlan_attr_cb, vd);
			if (vd[IFLA_VLAN_ID])
				l->vlan_id = mnl_attr_get_u16(vd[IFLA_VLAN_ID]);
		}
	}
	return 0;
}

int nl_link_stacked_lower(const struct nl_link *l)
{
	static const char *const kinds[] = { "macvlan", "macvtap", "vlan", "ipvlan", "ipvtap" };

	if (!l->link_ifindex || l->link_netns || l->link_ifindex == l->ifindex)
		return 0;
	for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(l->kind, kinds[i]))
			return l->link_ifindex;
	return 0;
}

static int link_get_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type == RTM_NEWLINK)
		link_parse(nlh, data);
	return MNL_CB_OK;
}

/*
 * A request in a zeroed buffer: libmnl pads attributes to 4 bytes without
 * clearing the padding, and no byte of ours goes to the kernel unset.
 */
struct nlmsghdr *nl_msg_new(char *buf)
{
	memset(buf, 0, MNL_SOCKET_BUFFER_SIZE);
	return mnl_nlmsg_put_header(buf);
}

void *nl_request(char *buf, int type, size_t hdrlen, struct nlmsghdr **nlh)
{
	*nlh = nl_msg_new(buf);
	(*nlh)->nlmsg_type = type;
	(*nlh)->nlmsg_flags = NLM_F_REQUEST;
	return mnl_nlmsg_put_extra_header(*nlh, hdrlen);
}

/* A link request for one ifindex, ready for attributes. */
static struct nlmsghdr *link_msg(char *buf, int type, int ifindex, struct ifinfomsg **ifi)
{
	struct nlmsghdr *nlh = nl_msg_new(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	*ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(**ifi));
	(*ifi)->ifi_family = AF_UNSPEC;
	(*ifi)->ifi_index = ifindex;
	return nlh;
}

int nl_link_get(struct nl *nl, const char *ifname, struct nl_link *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = link_msg(buf, RTM_GETLINK, 0, &ifi);
	int ret;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	memset(out, 0, sizeof(*out));
	ret = nl_talk(nl, nlh, link_get_cb, out);
	if (ret == -ENODEV || (!ret && !out->ifindex))
		return -ENODEV;
	return ret;
}

struct links_each {
	void (*fn)(const struct nl_link *l, void *ctx);
	void *ctx;
};

static int links_each_cb(const struct nlmsghdr *nlh, void *data)
{
	struct links_each *le = data;
	struct nl_link l;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	link_parse(nlh, &l);
	le->fn(&l, le->ctx);
	return MNL_CB_OK;
}

int nl_links_each(struct nl *nl, void (*fn)(const struct nl_link *l, void *ctx), void *ctx)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = link_msg(buf, RTM_GETLINK, 0, &ifi);
	struct links_each le = { .fn = fn, .ctx = ctx };

	return nl_dump(nl, nlh, links_each_cb, &le);
}

struct vlan_uppers {
	int lower;
	struct nl_link *out;
	unsigned max, n;
};

static int vlan_uppers_cb(const struct nlmsghdr *nlh, void *data)
{
	struct vlan_uppers *vu = data;
	struct nl_link l;

	if (nlh->nlmsg_type != RTM_NEWLINK || vu->n >= vu->max)
		return MNL_CB_OK;
	link_parse(nlh, &l);
	if (l.link_ifindex == vu->lower && !strcmp(l.kind, "vlan"))
		vu->out[vu->n++] = l;
	return MNL_CB_OK;
}

int nl_vlan_uppers(struct nl *nl, int lower, struct nl_link *out, unsigned max)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = link_msg(buf, RTM_GETLINK, 0, &ifi);
	struct vlan_uppers vu = { .lower = lower, .out = out, .max = max };
	int ret;

	ret = nl_dump(nl, nlh, vlan_uppers_cb, &vu);
	return ret ? ret : (int)vu.n;
}

int nl_veth_create(struct nl *nl, const char *ifname, const char *peer, const uint8_t *mac)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg_new(buf);
	struct nlattr *linkinfo, *data, *peer_info;
	struct ifinfomsg *ifi, *peer_ifi;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	if (mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer_info = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	peer_ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*peer_ifi));
	peer_ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_nest_end(nlh, peer_info);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_link_set(struct nl *nl, int ifindex, bool up, unsigned mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, ifindex, &ifi);

	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_link_flags(struct nl *nl, int ifindex, unsigned flags, unsigned change)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, ifindex, &ifi);

	ifi->ifi_change = change;
	ifi->ifi_flags = flags & change;
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_join_group(struct nl *nl, unsigned group)
{
	if (setsockopt(mnl_socket_get_fd(nl->sock), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
		       sizeof(group)))
		return -errno;
	return 0;
}

int nl_link_maddr(const char *ifname, const uint8_t mac[6], bool add)
{
	struct ifreq ifr = { .ifr_hwaddr.sa_family = AF_UNSPEC };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
	if (ioctl(fd, add ? SIOCADDMULTI : SIOCDELMULTI, &ifr))
		ret = -errno;
	close(fd);
	return ret;
}

int nl_link_del(struct nl *nl, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifinfomsg *ifi;

	return nl_talk(nl, link_msg(buf, RTM_DELLINK, ifindex, &ifi), NULL, NULL);
}

static int nl_addr(struct nl *nl, int type, unsigned flags, int ifindex, const struct ip_prefix *p,
		   bool noprefixroute)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg_new(buf);
	unsigned alen = ip_addr_len(p->family);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = p->family;
	ifa->ifa_prefixlen = p->plen;
	ifa->ifa_index = ifindex;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	mnl_attr_put(nlh, IFA_LOCAL, alen, p->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, p->addr);
	if (noprefixroute)
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NOPREFIXROUTE);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_addr_add(struct nl *nl, int ifindex, const struct ip_prefix *p, bool noprefixroute)
{
	return nl_addr(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, ifindex, p, noprefixroute);
}

int nl_addr_del(struct nl *nl, int ifindex, const struct ip_prefix *p)
{
	return nl_addr(nl, RTM_DELADDR, 0, ifindex, p, false);
}

struct addr_find {
	int ifindex;
	int family;
	int scope;
	const struct ip_prefix *match;	/* this address, any scope or state (else the first) */
	bool found;
	struct ip_prefix *out;
};

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, IFA_MAX) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static int addr_find_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFA_MAX + 1] = {};
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct addr_find *af = data;
	unsigned alen = ip_addr_len(af->family);

	if (af->found || nlh->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != af->ifindex ||
	    ifa->ifa_family != af->family)
		return MNL_CB_OK;
	if (!af->match && (ifa->ifa_scope != af->scope ||
			   (ifa->ifa_flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED))))
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, tb);
	if (!tb[IFA_LOCAL] && !tb[IFA_ADDRESS])
		return MNL_CB_OK;
	if (af->match && memcmp(mnl_attr_get_payload(tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS]),
				af->match->addr, alen))
		return MNL_CB_OK;
	memset(af->out, 0, sizeof(*af->out));
	af->out->family = af->family;
	af->out->plen = ifa->ifa_prefixlen;
	memcpy(af->out->addr, mnl_attr_get_payload(tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS]),
	       alen);
	af->found = true;
	return MNL_CB_OK;
}

static int addr_find(struct nl *nl, struct addr_find *af)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa = nl_request(buf, RTM_GETADDR, sizeof(*ifa), &nlh);
	int ret;

	ifa->ifa_family = af->family;
	ifa->ifa_index = af->ifindex;
	ret = nl_dump(nl, nlh, addr_find_cb, af);
	if (ret)
		return ret;
	return af->found ? 0 : -ENOENT;
}

struct addr_list {
	int ifindex;
	struct ip_prefix *out;
	bool *usable;
	unsigned max, n;
};

static int addr_list_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFA_MAX + 1] = {};
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct addr_list *al = data;
	const struct nlattr *a;
	__u32 flags = ifa->ifa_flags;

	if (nlh->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != al->ifindex ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) ||
	    ifa->ifa_scope == RT_SCOPE_HOST || al->n >= al->max)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, tb);
	if (tb[IFA_FLAGS])
		flags = mnl_attr_get_u32(tb[IFA_FLAGS]);
	if (flags & IFA_F_DADFAILED)
		return MNL_CB_OK;	/* never usable */
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!a || mnl_attr_get_payload_len(a) < ip_addr_len(ifa->ifa_family))
		return MNL_CB_OK;
	memset(&al->out[al->n], 0, sizeof(al->out[al->n]));
	al->out[al->n].family = ifa->ifa_family;
	al->out[al->n].plen = ifa->ifa_prefixlen;
	memcpy(al->out[al->n].addr, mnl_attr_get_payload(a), ip_addr_len(ifa->ifa_family));
	al->usable[al->n] = !(flags & IFA_F_TENTATIVE);	/* still in DAD: there, not usable yet */
	al->n++;
	return MNL_CB_OK;
}

int nl_addr_list(struct nl *nl, int ifindex, struct ip_prefix *out, bool *usable, unsigned max)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct addr_list al = { .ifindex = ifindex, .out = out, .usable = usable, .max = max };
	struct ifaddrmsg *ifa = nl_request(buf, RTM_GETADDR, sizeof(*ifa), &nlh);
	int ret;

	ifa->ifa_family = AF_UNSPEC;
	ifa->ifa_index = ifindex;
	ret = nl_dump(nl, nlh, addr_list_cb, &al);
	return ret ? ret : (int)al.n;
}

int nl_addr_first(struct nl *nl, int ifindex, int family, int scope, struct ip_prefix *out)
{
	struct addr_find af = { .ifindex = ifindex, .family = family, .scope = scope, .out = out };

	return addr_find(nl, &af);
}

int nl_addr_find(struct nl *nl, int ifindex, const struct ip_prefix *addr, struct ip_prefix *out)
{
	struct addr_find af = { .ifindex = ifindex, .family = addr->family, .match = addr,
				.out = out };

	return addr_find(nl, &af);
}

struct events_ctx {
	void (*fn)(const struct nl_link *l, void *ctx);
	void *ctx;
	unsigned changed;
};

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(*(unsigned *)data)++;
	return MNL_CB_OK;
}

int nl_tc_filter_count(struct nl *nl, int ifindex, bool egress)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct tcmsg *tcm;
	unsigned n = 0;
	int ret;

	nlh->nlmsg_type = RTM_GETTFILTER;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = TC_H_MAKE(TC_H_CLSACT, egress ? TC_H_MIN_EGRESS : TC_H_MIN_INGRESS);
	ret = nl_dump(nl, nlh, count_cb, &n);
	return ret ? ret : (int)n;
}

static int events_cb(const struct nlmsghdr *nlh, void *data)
{
	struct events_ctx *ec = data;
	struct nl_link l;

	if (nlh->nlmsg_type == RTM_NEWROUTE || nlh->nlmsg_type == RTM_DELROUTE) {
		const struct nlattr *tb[RTA_MAX + 1] = {};

		/* only routes through a router name targets; address routes come by the thousand */
		mnl_attr_parse(nlh, sizeof(struct rtmsg), nl_route_attr_cb, tb);
		if (tb[RTA_GATEWAY] || tb[RTA_MULTIPATH])
			ec->changed |= NL_CHANGED_ROUTES;
		if (((const struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_protocol != RTPROT_KERNEL)
			ec->changed |= NL_CHANGED_OTHER_ROUTES;
		return MNL_CB_OK;
	}
	if (nlh->nlmsg_type == RTM_NEWADDR || nlh->nlmsg_type == RTM_DELADDR) {
		ec->changed |= NL_CHANGED_ADDRS;	/* one look per read, however many */
		return MNL_CB_OK;
	}
	if (nlh->nlmsg_type == RTM_NEWMULTICAST || nlh->nlmsg_type == RTM_DELMULTICAST) {
		ec->changed |= NL_CHANGED_MULTICAST;
		return MNL_CB_OK;
	}
	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	link_parse(nlh, &l);
	ec->fn(&l, ec->ctx);
	return MNL_CB_OK;
}

int nl_events_read(struct nl *nl, void (*fn)(const struct nl_link *l, void *ctx), void *ctx,
		   unsigned *changed)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct events_ctx ec = { .fn = fn, .ctx = ctx };
	int ret;

	for (;;) {
		ret = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (ret < 0) {
			if (changed)
				*changed = ec.changed;
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		}
		mnl_cb_run(buf, ret, 0, 0, events_cb, &ec);
	}
}
