// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * agent/prom.c: the Prometheus text format as node_exporter's textfile
 * collector reads it: escaping, one HELP and TYPE per family, histogram
 * buckets, numbers, and no timestamps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "prom.h"

static void test_label_values_are_escaped(void **state)
{
	struct prom p;
	struct prom_label l[] = { { "group", "ipmp0" }, { "target", "a\"b\\c\nd" }, { NULL } };

	prom_init(&p);
	prom_sample(&p, "ipmp_x", l, 1);
	assert_string_equal(p.buf, "ipmp_x{group=\"ipmp0\",target=\"a\\\"b\\\\c\\nd\"} 1\n");
	prom_free(&p);
}

static void test_help_escapes_backslash_and_newline_only(void **state)
{
	struct prom p;

	prom_init(&p);
	prom_family(&p, "ipmp_y_total", "counter", "a \"quoted\" \\ and\nnewline");
	assert_string_equal(p.buf, "# HELP ipmp_y_total a \"quoted\" \\\\ and\\nnewline\n"
				   "# TYPE ipmp_y_total counter\n");
	prom_free(&p);
}

static void test_numbers(void **state)
{
	struct prom p;

	prom_init(&p);
	prom_sample(&p, "a", NULL, 0);
	prom_sample(&p, "b", NULL, 12345678901234.0);
	prom_sample(&p, "c", NULL, 0.25);
	prom_sample(&p, "d", NULL, INFINITY);
	prom_sample(&p, "e", NULL, NAN);
	prom_sample(&p, "f", NULL, 1763900000.123456);
	prom_sample(&p, "g", NULL, 0.1 + 0.2);	/* 15 digits would not read back the same */
	prom_sample(&p, "h", NULL, 2.15e-05);
	assert_string_equal(p.buf, "a 0\nb 12345678901234\nc 0.25\nd +Inf\ne NaN\n"
				   "f 1763900000.123456\ng 0.30000000000000004\nh 2.15e-05\n");
	prom_free(&p);
}

static void test_histogram_buckets_are_cumulative(void **state)
{
	static const double bounds[] = { 0.001, 0.01, 0.1 };
	struct prom_label l[] = { { "group", "ipmp0" }, { NULL } };
	struct prom_histogram h;
	struct prom p;

	prom_histogram_init(&h, bounds, 3);
	prom_histogram_observe(&h, 0.0005);
	prom_histogram_observe(&h, 0.001);	/* on a bound: that bucket (le is <=) */
	prom_histogram_observe(&h, 0.05);
	prom_histogram_observe(&h, 3);
	prom_init(&p);
	prom_histogram_write(&p, "ipmp_d_seconds", l, &h);
	assert_string_equal(p.buf,
			    "ipmp_d_seconds_bucket{group=\"ipmp0\",le=\"0.001\"} 2\n"
			    "ipmp_d_seconds_bucket{group=\"ipmp0\",le=\"0.01\"} 2\n"
			    "ipmp_d_seconds_bucket{group=\"ipmp0\",le=\"0.1\"} 3\n"
			    "ipmp_d_seconds_bucket{group=\"ipmp0\",le=\"+Inf\"} 4\n"
			    "ipmp_d_seconds_sum{group=\"ipmp0\"} 3.0515\n"
			    "ipmp_d_seconds_count{group=\"ipmp0\"} 4\n");
	prom_free(&p);
}

static void test_no_timestamps(void **state)
{
	struct prom_label l[] = { { "interface", "m0" }, { NULL } };
	struct prom p;
	char *line, *save;

	prom_init(&p);
	prom_family(&p, "ipmp_member_active", "gauge", "1 if it carries data.");
	prom_sample(&p, "ipmp_member_active", l, 1);
	prom_sample(&p, "ipmp_member_active", NULL, 0);
	/* every sample line is "name[{labels}] value": exactly one space, none inside labels here */
	for (line = strtok_r(p.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		assert_non_null(strchr(line, ' '));
		assert_null(strchr(strchr(line, ' ') + 1, ' '));
	}
	prom_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_label_values_are_escaped),
		cmocka_unit_test(test_help_escapes_backslash_and_newline_only),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_histogram_buckets_are_cumulative),
		cmocka_unit_test(test_no_timestamps),
	};

	return cmocka_run_group_tests_name("prom", tests, NULL, NULL);
}
