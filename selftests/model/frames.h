/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The malformed-traffic generator: well-formed frames of every kind the
 * programs look at (ARP, IPv4 with options and fragments, ICMP echo
 * replies with the probe's tag, another probe's, or random bytes, IPv6, every ND message with link-
 * layer options, VLAN stacks, other EtherTypes), built from a model
 * configuration's own addresses so bindings and test addresses are hit,
 * then mutated: cut short, bytes flipped, lengths and types set to edge
 * values, tags inserted, garbage appended. Deterministic for a seed.
 */
#ifndef IPMP_FRAMES_H
#define IPMP_FRAMES_H

#include <stdint.h>

#include "model.h"

struct rng {
	uint64_t s;
};

uint64_t rng_next(struct rng *r);
/* uniform in [0, n) */
uint32_t rng_below(struct rng *r, uint32_t n);

/* A model configuration drawn at random around one fixed group (lo is the member frames arrive on). */
void frames_config(struct rng *r, struct model_cfg *cfg);
/* A well-formed frame; returns its length (at most cap). */
uint32_t frames_build(struct rng *r, const struct model_cfg *cfg, uint8_t *buf, uint32_t cap);
/* Mutate a frame in place: 1 to 4 mutations; returns the new length. */
uint32_t frames_mutate(struct rng *r, uint8_t *buf, uint32_t len, uint32_t cap);

#endif
