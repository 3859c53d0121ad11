/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Router targets from the routing table (spec 3.12, routes mode): the
 * next hops of routes become probe targets of the members on their
 * subnet. Read again from the event loop, once per turn, after members
 * start probing or routes change.
 */
#ifndef IPMP_ROUTES_H
#define IPMP_ROUTES_H

struct agent;

/* Read the routing table again once this turn of the event loop is over. */
void routes_rescan_soon(struct agent *a);

#endif
