// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lossy PER_MILLE SECONDS IFNAME...: attach bench/lossy.bpf.c to each
 * interface (in the current network namespace) for SECONDS, then detach.
 */
#include <bpf/libbpf.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lossy.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

int main(int argc, char **argv)
{
	struct bpf_link *links[16] = {};
	struct lossy *skel;
	int n = 0, ret = 1;

	if (argc < 4 || argc - 3 > 16) {
		fprintf(stderr, "usage: lossy PER_MILLE SECONDS IFNAME...\n");
		return 2;
	}
	skel = lossy__open();
	if (!skel)
		return 1;
	skel->rodata->drop_per_mille = atoi(argv[1]);
	if (lossy__load(skel))
		goto out;
	for (int i = 3; i < argc; i++, n++) {
		links[n] = bpf_program__attach_xdp(skel->progs.lossy, if_nametoindex(argv[i]));
		if (!links[n]) {
			fprintf(stderr, "lossy: cannot attach to %s\n", argv[i]);
			goto out;
		}
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	for (int s = 0; s < atoi(argv[2]) * 10 && !stop; s++)
		usleep(100000);
	ret = 0;
out:
	for (int i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
	lossy__destroy(skel);
	return ret;
}
