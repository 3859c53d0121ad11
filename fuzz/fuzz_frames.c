// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: fuzzer-chosen frames through the three eBPF programs with
 * BPF_PROG_TEST_RUN, each verdict held against the reference model
 * (selftests/model). The first byte picks one of eight configurations,
 * the rest is the frame. Coverage guides through the model's branches,
 * which follow the programs' (the kernel's BPF code is not
 * instrumented). Needs root: it runs in a network namespace of its own.
 */
#include "bpf_test.h"	/* first: it asks for _GNU_SOURCE */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "frames.h"
#include "harness.h"

#define CONFIGS	8

static struct harness *h;
static struct model_cfg configs[CONFIGS];
static int current = -1;
static uint64_t runs;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct rng r = { .s = 0x1905 };

	(void)argc;
	(void)argv;
	if (bpf_test_enter()) {
		fprintf(stderr, "fuzz_frames: needs root to load eBPF programs\n");
		exit(1);
	}
	h = harness_open();
	if (!h) {
		fprintf(stderr, "fuzz_frames: cannot load the programs\n");
		exit(1);
	}
	for (int i = 0; i < CONFIGS; i++)
		frames_config(&r, &configs[i]);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[4096];
	int c;

	if (size < 1 || size - 1 > MODEL_FRAME_MAX)
		return 0;
	c = data[0] % CONFIGS;
	if (c != current) {
		if (harness_config(h, &configs[c]))
			abort();
		current = c;
	}
	if (harness_run(h, data + 1, (uint32_t)(size - 1), why, sizeof(why))) {
		fprintf(stderr, "fuzz_frames: configuration %d: %s\n", c, why);
		abort();
	}
	if (++runs % 4096 == 0 && harness_counters(h, why, sizeof(why))) {
		fprintf(stderr, "fuzz_frames: %s\n", why);
		abort();
	}
	return 0;
}
