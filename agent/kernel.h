/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the agent needs of the kernel, checked once at start so that a
 * kernel (or a service sandbox) without it gets one line naming what is
 * missing, not a verifier log or an errno from the tenth step.
 */
#ifndef IPMP_KERNEL_H
#define IPMP_KERNEL_H

/*
 * bpf() usable here, the program and map types the data plane loads (tc,
 * XDP, ring buffer): 0, or -errno after logging what is missing. An
 * older kernel than the minimum is said, not refused: what it lacks is
 * what the probes find.
 */
int kernel_check(void);

#endif
