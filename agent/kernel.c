// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The kernel's features the agent needs, probed at start (agent/kernel.h). */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kernel.h"
#include "log.h"

/* The oldest kernel the project states: make check-vm runs the suite on it (Debian 12). */
#define KERNEL_MIN_MAJOR	6
#define KERNEL_MIN_MINOR	1

/* libbpf's probes: 1 supported, 0 not, <0 could not tell (no bpf(), no permission). */
static int probe_failed(int ret, const char *what, const char *config)
{
	if (ret == -EPERM || ret == -EACCES) {
		pr_err("cannot use bpf(): %s (the agent needs CAP_BPF and CAP_NET_ADMIN, or "
		       "CAP_SYS_ADMIN; under systemd, see CapabilityBoundingSet=)", strerror(-ret));
		return ret;
	}
	if (ret == -ENOSYS) {
		pr_err("this kernel has no bpf() system call (%s)", "CONFIG_BPF_SYSCALL");
		return ret;
	}
	if (ret < 0) {
		pr_err("cannot tell whether the kernel has %s: %s", what, strerror(-ret));
		return ret;
	}
	pr_err("this kernel has no %s (%s)", what, config);
	return -EOPNOTSUPP;
}

int kernel_check(void)
{
	struct utsname u;
	unsigned major, minor;
	int ret;

	if (!uname(&u) && sscanf(u.release, "%u.%u", &major, &minor) == 2 &&
	    (major < KERNEL_MIN_MAJOR || (major == KERNEL_MIN_MAJOR && minor < KERNEL_MIN_MINOR)))
		pr_warn("kernel %s is older than %d.%d, the oldest this agent is tested on", u.release,
			KERNEL_MIN_MAJOR, KERNEL_MIN_MINOR);
	/* the probes below say "not supported" for any failure: permission first */
	ret = bpf_map_create(BPF_MAP_TYPE_ARRAY, "ipmp_probe", sizeof(int), sizeof(int), 1, NULL);
	if (ret < 0)
		return probe_failed(-errno, "BPF maps", "CONFIG_BPF_SYSCALL");
	close(ret);
	ret = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SCHED_CLS, NULL);
	if (ret != 1)
		return probe_failed(ret, "tc BPF programs", "CONFIG_NET_CLS_BPF, CONFIG_NET_SCH_INGRESS");
	ret = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_XDP, NULL);
	if (ret != 1)
		return probe_failed(ret, "XDP programs", "Linux 4.8, CONFIG_BPF_SYSCALL");
	ret = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL);
	if (ret != 1)
		return probe_failed(ret, "BPF ring buffer (Linux 5.8)", "CONFIG_BPF_SYSCALL");
	return 0;
}
