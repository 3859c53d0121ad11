/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What every eBPF test does before its tests: root, and a namespace of its own. */
#ifndef IPMP_BPF_TEST_H
#define IPMP_BPF_TEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <bpf/libbpf.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

/*
 * 0: go on, in a fresh network namespace where lo is ifindex 1 and nothing
 * real is touched. 1: skip (not root; TAP skip line printed). -1: failed.
 */
static inline int bpf_test_enter(void)
{
	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root to load eBPF programs\n");
		return 1;
	}
	if (unshare(CLONE_NEWNET)) {
		perror("unshare(CLONE_NEWNET)");
		return -1;
	}
	libbpf_set_print(NULL);
	return 0;
}

#endif
