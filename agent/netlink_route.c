// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Routes over rtnetlink (agent/netlink.h): gateways that name probe targets, routes on a member. */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "netlink.h"
#include "netlink_int.h"

struct gateways {
	struct nl_gateway *out;
	unsigned max, n;
	int family;
};

int nl_route_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, RTA_MAX) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static void gateway_add(struct gateways *gw, const void *addr, int ifindex)
{
	struct nl_gateway g = {
		.addr = { .family = gw->family, .plen = gw->family == AF_INET ? 32 : 128 },
		.ifindex = ifindex,
	};

	memcpy(g.addr.addr, addr, ip_addr_len(gw->family));
	for (unsigned i = 0; i < gw->n; i++)
		if (gw->out[i].ifindex == ifindex && ip_prefix_same_addr(&gw->out[i].addr, &g.addr))
			return;
	if (gw->n < gw->max)
		gw->out[gw->n++] = g;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[RTA_MAX + 1] = {};
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct gateways *gw = data;

	if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_family != gw->family ||
	    rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*rtm), nl_route_attr_cb, tb);
	if (tb[RTA_GATEWAY] && mnl_attr_get_payload_len(tb[RTA_GATEWAY]) == ip_addr_len(gw->family))
		gateway_add(gw, mnl_attr_get_payload(tb[RTA_GATEWAY]),
			    tb[RTA_OIF] ? (int)mnl_attr_get_u32(tb[RTA_OIF]) : 0);
	if (tb[RTA_MULTIPATH]) {
		const struct rtnexthop *nh = mnl_attr_get_payload(tb[RTA_MULTIPATH]);
		int left = mnl_attr_get_payload_len(tb[RTA_MULTIPATH]);

		while (left >= (int)sizeof(*nh) && nh->rtnh_len >= sizeof(*nh) &&
		       nh->rtnh_len <= left) {
			const struct nlattr *a = (const void *)((const char *)nh + RTNH_ALIGN(sizeof(*nh)));
			int alen = nh->rtnh_len - RTNH_ALIGN(sizeof(*nh));

			while (alen >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) &&
			       a->nla_len <= alen) {
				if ((a->nla_type & NLA_TYPE_MASK) == RTA_GATEWAY &&
				    a->nla_len == NLA_HDRLEN + ip_addr_len(gw->family))
					gateway_add(gw, (const char *)a + NLA_HDRLEN, nh->rtnh_ifindex);
				alen -= NLA_ALIGN(a->nla_len);
				a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
			}
			left -= RTNH_ALIGN(nh->rtnh_len);
			nh = RTNH_NEXT(nh);
		}
	}
	return MNL_CB_OK;
}

struct routes_on {
	int ifindex;
	struct ip_prefix *out;
	unsigned max, n;
};

static int routes_on_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[RTA_MAX + 1] = {};
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct routes_on *ro = data;
	struct ip_prefix p = { .family = rtm->rtm_family, .plen = rtm->rtm_dst_len };

	/* the kernel's own (prefix routes, link-local, multicast) and other tables are not the point */
	if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_type != RTN_UNICAST ||
	    rtm->rtm_protocol == RTPROT_KERNEL || rtm->rtm_table != RT_TABLE_MAIN ||
	    (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6) || ro->n >= ro->max)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*rtm), nl_route_attr_cb, tb);
	if (!tb[RTA_OIF] || (int)mnl_attr_get_u32(tb[RTA_OIF]) != ro->ifindex)
		return MNL_CB_OK;
	if (tb[RTA_DST] && mnl_attr_get_payload_len(tb[RTA_DST]) == ip_addr_len(p.family))
		memcpy(p.addr, mnl_attr_get_payload(tb[RTA_DST]), ip_addr_len(p.family));
	ro->out[ro->n++] = p;
	return MNL_CB_OK;
}

int nl_routes_on(struct nl *nl, int ifindex, struct ip_prefix *out, unsigned max)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct routes_on ro = { .ifindex = ifindex, .out = out, .max = max };
	struct rtmsg *rtm = nl_request(buf, RTM_GETROUTE, sizeof(*rtm), &nlh);
	int ret;

	rtm->rtm_family = AF_UNSPEC;
	rtm->rtm_table = RT_TABLE_MAIN;		/* filtered by the kernel (strict dumps) */
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	ret = nl_dump(nl, nlh, routes_on_cb, &ro);
	return ret ? ret : (int)ro.n;
}

int nl_route_gateways(struct nl *nl, int family, struct nl_gateway *out, unsigned max)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct gateways gw = { .out = out, .max = max, .family = family };
	struct rtmsg *rtm = nl_request(buf, RTM_GETROUTE, sizeof(*rtm), &nlh);
	int ret;

	rtm->rtm_family = family;
	ret = nl_dump(nl, nlh, route_cb, &gw);
	return ret ? ret : (int)gw.n;
}
