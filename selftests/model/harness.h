/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Runs frames through the three eBPF programs with BPF_PROG_TEST_RUN and
 * holds each result against the reference model (model.h): return code,
 * the frame left behind, the probe event, and (harness_counters) every
 * counter the programs keep. Shared by the malformed-traffic test and
 * the frame fuzzer. Needs root; call from a network namespace of its own
 * (frames "arrive" on lo, ifindex 1).
 */
#ifndef IPMP_HARNESS_H
#define IPMP_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

enum harness_prog { HARNESS_EGRESS, HARNESS_INGRESS, HARNESS_XDP, HARNESS_NPROGS };

struct harness;

struct harness *harness_open(void);
void harness_close(struct harness *h);
/* Write cfg into every program's maps (flow latches forgotten). 0 or -errno. */
int harness_config(struct harness *h, const struct model_cfg *cfg);
/*
 * One frame through every program. 0: all agree with the model; -1: a
 * mismatch, described in why. Frames the kernel's test run refuses (too
 * short for the headers it pulls) are counted as refused, and must be
 * exactly those the kernel documents refusing.
 */
int harness_run(struct harness *h, const uint8_t *frame, uint32_t len, char *why, size_t whylen);
/* The programs' counters against the model's totals so far. */
int harness_counters(struct harness *h, char *why, size_t whylen);
/* Frames each program really ran, and refused. */
uint64_t harness_ran(const struct harness *h, enum harness_prog p);
uint64_t harness_refused(const struct harness *h, enum harness_prog p);
const char *harness_prog_name(enum harness_prog p);

#endif
