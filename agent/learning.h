/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Switch tables stay fresh. A member that only receives (its addresses'
 * traffic comes in through it, the group's goes out through another) never
 * sources a frame, so a switch ages its MAC out of its table and floods
 * whatever is sent to it. Every learn_interval, a member with carrier
 * that sent nothing since the last look sends one learning frame: from
 * and to its own MAC (the switch learns the port and forwards it nowhere),
 * EtherType 0x9000 (loopback, as bonding's learning packets). Whether it
 * sent anything is its netdev's tx_packets (probes, data, ARP, anything).
 */
#ifndef IPMP_LEARNING_H
#define IPMP_LEARNING_H

struct agent;

/* Start (or, after a reload, restart with the new interval) the timer; 0 stops it. */
int learning_start(struct agent *a);
void learning_stop(struct agent *a);

#endif
