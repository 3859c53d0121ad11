/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * member_xdp's maps, pinned by name next to the group's other maps
 * (maps.bpf.h). Kept apart from the program so that the layout hash
 * (IPMP_LAYOUT_HASH, see the Makefile) covers every map declaration and
 * nothing else: a change here makes a new agent re-attach (maps.h, abi).
 * Records: include/ipmp/probe.h.
 */
#ifndef IPMP_PROBE_MAPS_BPF_H
#define IPMP_PROBE_MAPS_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <ipmp/maps.h>
#include <ipmp/probe.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, IPMP_MAX_MEMBERS);
	__type(key, __u32);
	__type(value, struct ipmp_probe_cfg);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} probe_cfg SEC(".maps");

/*
 * How many probe_cfg entries say in_tc: member_ingress looks a member's
 * probe_cfg up (a hash lookup) only while some member takes its replies
 * at tc, so the common case (replies at XDP) pays one array read.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} probe_tc SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, IPMP_PROBE_RINGBUF_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} probe_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IPMP_PROBE_STAT__MAX);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} probe_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IPMP_MAX_MEMBERS);
	__type(key, __u32);
	__type(value, struct ipmp_probe_budget);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} probe_budget SEC(".maps");

#endif
