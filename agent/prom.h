/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Prometheus text exposition format (version 0.0.4), written into a
 * growing buffer: one HELP and one TYPE line per metric family, samples
 * right after their family, label values escaped, no timestamps (the
 * textfile collector adds none and wants none). No I/O here.
 */
#ifndef IPMP_PROM_H
#define IPMP_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct prom {
	char *buf;
	size_t len, cap;
	bool failed;		/* out of memory: the text is incomplete */
};

/* Labels as a NULL-terminated list of name, value pairs. */
struct prom_label {
	const char *name;
	const char *value;
};

void prom_init(struct prom *p);
void prom_free(struct prom *p);
/* A family's header; type is counter, gauge, histogram. */
void prom_family(struct prom *p, const char *name, const char *type, const char *help);
/* name{labels} value; labels end with a { NULL } entry (or are NULL). */
void prom_sample(struct prom *p, const char *name, const struct prom_label *labels, double value);

#define PROM_BUCKETS_MAX	16

/* A histogram of observations (seconds), cumulative buckets as Prometheus counts them. */
struct prom_histogram {
	unsigned nbounds;
	double bounds[PROM_BUCKETS_MAX];	/* upper bounds, ascending; +Inf implied */
	uint64_t counts[PROM_BUCKETS_MAX + 1];	/* per bucket, not cumulative */
	double sum;
	uint64_t count;
};

void prom_histogram_init(struct prom_histogram *h, const double *bounds, unsigned n);
void prom_histogram_observe(struct prom_histogram *h, double v);
/* name_bucket{labels,le=...}, name_sum, name_count: the family header comes first. */
void prom_histogram_write(struct prom *p, const char *name, const struct prom_label *labels,
			  const struct prom_histogram *h);

#endif
