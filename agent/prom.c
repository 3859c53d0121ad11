// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The Prometheus text format: escaping, families, samples, histograms. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prom.h"

void prom_init(struct prom *p)
{
	memset(p, 0, sizeof(*p));
}

void prom_free(struct prom *p)
{
	free(p->buf);
	prom_init(p);
}

static void put(struct prom *p, const char *s, size_t n)
{
	if (p->failed)
		return;
	if (p->len + n + 1 > p->cap) {
		size_t cap = p->cap ? p->cap : 4096;
		char *grown;

		while (p->len + n + 1 > cap)
			cap *= 2;
		grown = realloc(p->buf, cap);
		if (!grown) {
			p->failed = true;
			return;
		}
		p->buf = grown;
		p->cap = cap;
	}
	memcpy(p->buf + p->len, s, n);
	p->len += n;
	p->buf[p->len] = '\0';
}

static void puts_(struct prom *p, const char *s)
{
	put(p, s, strlen(s));
}

/* Label values escape \, " and newline; HELP text escapes \ and newline only. */
static void put_escaped(struct prom *p, const char *s, bool quotes)
{
	for (; *s; s++) {
		if (*s == '\\')
			puts_(p, "\\\\");
		else if (*s == '\n')
			puts_(p, "\\n");
		else if (*s == '"' && quotes)
			puts_(p, "\\\"");
		else
			put(p, s, 1);
	}
}

/* The shortest of %.15g and %.17g that reads back as the same double. */
static void put_value(struct prom *p, double v)
{
	char buf[32];

	if (isnan(v))
		snprintf(buf, sizeof(buf), "NaN");
	else if (isinf(v))
		snprintf(buf, sizeof(buf), v > 0 ? "+Inf" : "-Inf");
	else if (v == (double)(long long)v && fabs(v) < 1e15)
		snprintf(buf, sizeof(buf), "%lld", (long long)v);
	else if (snprintf(buf, sizeof(buf), "%.15g", v), strtod(buf, NULL) != v)
		snprintf(buf, sizeof(buf), "%.17g", v);
	puts_(p, buf);
}

void prom_family(struct prom *p, const char *name, const char *type, const char *help)
{
	puts_(p, "# HELP ");
	puts_(p, name);
	puts_(p, " ");
	put_escaped(p, help, false);
	puts_(p, "\n# TYPE ");
	puts_(p, name);
	puts_(p, " ");
	puts_(p, type);
	puts_(p, "\n");
}

static void put_labels(struct prom *p, const struct prom_label *labels, const char *le)
{
	bool any = false;

	for (; labels && labels->name; labels++) {
		puts_(p, any ? "," : "{");
		puts_(p, labels->name);
		puts_(p, "=\"");
		put_escaped(p, labels->value, true);
		puts_(p, "\"");
		any = true;
	}
	if (le) {
		puts_(p, any ? ",le=\"" : "{le=\"");
		puts_(p, le);
		puts_(p, "\"");
		any = true;
	}
	if (any)
		puts_(p, "}");
}

void prom_sample(struct prom *p, const char *name, const struct prom_label *labels, double value)
{
	puts_(p, name);
	put_labels(p, labels, NULL);
	puts_(p, " ");
	put_value(p, value);
	puts_(p, "\n");
}

void prom_histogram_init(struct prom_histogram *h, const double *bounds, unsigned n)
{
	memset(h, 0, sizeof(*h));
	h->nbounds = n < PROM_BUCKETS_MAX ? n : PROM_BUCKETS_MAX;
	memcpy(h->bounds, bounds, h->nbounds * sizeof(*bounds));
}

void prom_histogram_observe(struct prom_histogram *h, double v)
{
	unsigned i = 0;

	while (i < h->nbounds && v > h->bounds[i])
		i++;
	h->counts[i]++;
	h->sum += v;
	h->count++;
}

void prom_histogram_write(struct prom *p, const char *name, const struct prom_label *labels,
			  const struct prom_histogram *h)
{
	char sample[128], le[32];
	uint64_t cumulative = 0;

	snprintf(sample, sizeof(sample), "%s_bucket", name);
	for (unsigned i = 0; i <= h->nbounds; i++) {
		cumulative += h->counts[i];
		if (i < h->nbounds)
			snprintf(le, sizeof(le), "%g", h->bounds[i]);
		else
			snprintf(le, sizeof(le), "+Inf");
		puts_(p, sample);
		put_labels(p, labels, le);
		puts_(p, " ");
		put_value(p, (double)cumulative);
		puts_(p, "\n");
	}
	snprintf(sample, sizeof(sample), "%s_sum", name);
	prom_sample(p, sample, labels, h->sum);
	snprintf(sample, sizeof(sample), "%s_count", name);
	prom_sample(p, sample, labels, (double)h->count);
}
