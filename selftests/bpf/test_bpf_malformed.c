// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Malformed traffic: at least IPMP_MALFORMED_FRAMES (default 1,000,000)
 * mutated frames through each of the three programs with
 * BPF_PROG_TEST_RUN, every verdict held against the reference model
 * (selftests/model), every counter compared after each configuration.
 * The configuration changes every ROUND frames. The seed is printed;
 * IPMP_MALFORMED_SEED replays a run.
 */
#include "bpf_test.h"	/* first: it asks for _GNU_SOURCE */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frames.h"
#include "harness.h"

#define ROUND		16384
#define MISMATCHES_SHOWN 3

/* What the frames reached, by the model's account: every case must come up. */
enum outcome {
	EG_MALFORMED, EG_UNSUPPORTED, EG_NO_MEMBER, EG_FLOW, EG_NOMINEE, EG_ARP, EG_ND_OPTION,
	EG_DHCP,
	IN_PASS, IN_UNICAST, IN_MULTICAST, IN_LOOPED, IN_NOT_NOMINATED, IN_COPY, IN_PROBE,
	XDP_PASS_, XDP_ECHO4, XDP_ECHO6, XDP_ARP, XDP_NA, XDP_SPOOFED,
	OUTCOMES,
};

static const char *const outcome_names[] = {
	"egress malformed", "egress unsupported", "egress no member", "egress by flow",
	"egress by nominee", "egress ARP rewritten", "egress ND option rewritten",
	"egress DHCP broadcast flag set",
	"ingress passed", "ingress unicast to the group", "ingress multicast to the group",
	"ingress looped back", "ingress not nominated", "ingress copy to the group",
	"ingress probe reply (xdp = off)",
	"xdp passed", "xdp IPv4 echo reply", "xdp IPv6 echo reply", "xdp ARP reply",
	"xdp solicited NA", "xdp forged tag",
};

static void tally(const struct model_cfg *cfg, const uint8_t *f, uint32_t len, uint64_t *seen)
{
	struct model_verdict v;

	model_group_egress(cfg, f, len, &v);
	if (v.drop == IPMP_DROP_MALFORMED)
		seen[EG_MALFORMED]++;
	else if (v.drop == IPMP_DROP_UNSUPPORTED)
		seen[EG_UNSUPPORTED]++;
	else if (v.drop == IPMP_DROP_NO_MEMBER)
		seen[EG_NO_MEMBER]++;
	else if (v.by_flow)
		seen[EG_FLOW]++;
	else if (v.csum_off >= 0 && len >= 14 && f[12] == 0x08 && f[13] == 0x00)
		seen[EG_DHCP]++;
	else if (len > 14 && f[12] == 0x08 && f[13] == 0x00 && memcmp(v.out + 14, f + 14, len - 14))
		seen[EG_DHCP]++;	/* flag set, no checksum to move */
	else if (v.csum_off >= 0)
		seen[EG_ND_OPTION]++;
	else if (len >= 14 && f[12] == 0x08 && f[13] == 0x06)
		seen[EG_ARP]++;
	else
		seen[EG_NOMINEE]++;

	model_member_ingress(cfg, f, len, &v);
	if (v.probe_stat >= 0)
		seen[IN_PROBE]++;
	else if (v.drop == IPMP_DROP_LOOPED)
		seen[IN_LOOPED]++;
	else if (v.drop == IPMP_DROP_NOT_NOMINATED)
		seen[IN_NOT_NOMINATED]++;
	else if (v.drop == IPMP_DROP_REDIRECT)
		seen[IN_COPY]++;
	else if (v.ret == MODEL_TC_REDIRECT)
		seen[memcmp(v.out, f, 6) ? IN_UNICAST : IN_MULTICAST]++;
	else
		seen[IN_PASS]++;

	model_member_xdp(cfg, f, len, &v);
	if (v.probe_stat == IPMP_PROBE_STAT_SPOOFED)
		seen[XDP_SPOOFED]++;
	else if (!v.event)
		seen[XDP_PASS_]++;
	else if (v.ev.kind == IPMP_PROBE_ARP)
		seen[XDP_ARP]++;
	else if (v.ev.kind == IPMP_PROBE_NA)
		seen[XDP_NA]++;
	else
		seen[v.ev.family == IPMP_AF_INET ? XDP_ECHO4 : XDP_ECHO6]++;
}

int main(void)
{
	const char *env = getenv("IPMP_MALFORMED_FRAMES");
	uint64_t want = env ? strtoull(env, NULL, 10) : 1000000, frames = 0, seen[OUTCOMES] = {};
	uint64_t seed;
	unsigned mismatches[HARNESS_NPROGS + 1] = {}, rounds = 0, bad_counters = 0;
	char why[4096];
	struct harness *h;
	struct model_cfg cfg;
	struct rng r;
	uint8_t buf[MODEL_FRAME_MAX];
	int n = 0, failed = 0, entered = bpf_test_enter();
	struct timespec t0, t1;

	if (entered)
		return entered > 0 ? 0 : 1;
	env = getenv("IPMP_MALFORMED_SEED");
	seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL) * 2654435761u;
	r.s = seed ? seed : 1;
	printf("1..5\n# seed %#llx (IPMP_MALFORMED_SEED=%#llx replays this run)\n",
	       (unsigned long long)seed, (unsigned long long)seed);
	h = harness_open();
	if (!h) {
		printf("not ok 1 - load the three programs\n");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (harness_ran(h, HARNESS_EGRESS) < want || harness_ran(h, HARNESS_INGRESS) < want ||
	       harness_ran(h, HARNESS_XDP) < want) {
		frames_config(&r, &cfg);
		if (harness_config(h, &cfg)) {
			printf("not ok 1 - write a configuration into the maps\n");
			return 1;
		}
		for (unsigned i = 0; i < ROUND; i++, frames++) {
			uint32_t len = frames_build(&r, &cfg, buf, sizeof(buf));

			if (rng_below(&r, 10))	/* one in ten goes out well-formed */
				len = frames_mutate(&r, buf, len, sizeof(buf));
			tally(&cfg, buf, len, seen);
			if (harness_run(h, buf, len, why, sizeof(why))) {
				enum harness_prog p = !strncmp(why, "group_egress", 12) ? HARNESS_EGRESS :
						      !strncmp(why, "member_ingress", 14) ? HARNESS_INGRESS :
						      HARNESS_XDP;

				if (mismatches[p]++ < MISMATCHES_SHOWN)
					printf("# mismatch (round %u): %s\n", rounds, why);
			}
		}
		if (harness_counters(h, why, sizeof(why)) && bad_counters++ < MISMATCHES_SHOWN)
			printf("# counters after round %u: %s\n", rounds, why);
		rounds++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# %llu frames in %u configurations, %.1f s\n", (unsigned long long)frames, rounds,
	       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	for (int p = 0; p < HARNESS_NPROGS; p++) {
		bool ok = !mismatches[p] && harness_ran(h, p) >= want;

		failed |= !ok;
		printf("%s %d - %s: %llu frames ran, every verdict as the model's (%u mismatches; %llu refused by test_run)\n",
		       ok ? "ok" : "not ok", ++n, harness_prog_name(p),
		       (unsigned long long)harness_ran(h, p), mismatches[p],
		       (unsigned long long)harness_refused(h, p));
	}
	printf("%s %d - every counter as the model's after each of %u configurations\n",
	       bad_counters ? "not ok" : "ok", ++n, rounds);
	failed |= bad_counters != 0;

	bool all = true;

	for (int o = 0; o < OUTCOMES; o++) {
		printf("#   %-34s %9llu\n", outcome_names[o], (unsigned long long)seen[o]);
		all &= seen[o] > 0;
	}
	printf("%s %d - the frames reached every verdict of every program\n", all ? "ok" : "not ok",
	       ++n);
	failed |= !all;
	harness_close(h);
	return failed;
}
