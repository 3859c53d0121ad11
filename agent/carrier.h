/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Early carrier loss (bpf/carrier_off.bpf.c): a member's carrier loss, or its
 * lower device's (macvlan, VLAN, ipvlan), taken as the driver reports it
 * instead of when linkwatch's netlink event arrives. The event is the
 * same one netlink brings later (agent/linkwatch.c handles both), so a
 * kernel without the hook (no BTF, no kprobes, no CAP_PERFMON) only loses
 * the head start. early_carrier = no in ipmp.conf(5) turns it off.
 * Implemented in dataplane_carrier.c.
 */
#ifndef IPMP_CARRIER_EARLY_H
#define IPMP_CARRIER_EARLY_H

#include <stdbool.h>

struct agent;
struct carrier;

/* Start or stop following as a->cfg.early_carrier says; false when it is not followed. */
bool carrier_follow(struct agent *a);
void carrier_close(struct agent *a);

#endif
