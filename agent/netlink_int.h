/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Inside the rtnetlink module (netlink.c, netlink_route.c): one request, one dump, one message. */
#ifndef IPMP_NETLINK_INT_H
#define IPMP_NETLINK_INT_H

#include "netlink.h"

/* A request in a zeroed buffer of MNL_SOCKET_BUFFER_SIZE bytes. */
struct nlmsghdr *nl_msg_new(char *buf);
/* A request of type with its family header (hdrlen bytes, returned zeroed) in buf. */
void *nl_request(char *buf, int type, size_t hdrlen, struct nlmsghdr **nlh);
/* Send a request and read until its ACK: 0 or -errno. */
int nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);
/* Send a dump request and run cb on every message until NLMSG_DONE: 0 or -errno. */
int nl_dump(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);
/* mnl_attr_parse callback for a route message's attributes (tb[RTA_MAX + 1]). */
int nl_route_attr_cb(const struct nlattr *attr, void *data);

#endif
