// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * agent/log.c's held lines: while held, nothing reaches stderr; at release
 * every line does, in order, with the time it was logged at, not the time
 * it was written; a hold that outgrows its buffer writes what it holds and
 * loses nothing; lines held at exit are written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static char out[1 << 16];
static int saved_stderr = -1;

/* each test's stderr is a file of its own; cmocka's is given back after it */
static int setup(void **state)
{
	saved_stderr = dup(STDERR_FILENO);
	return saved_stderr < 0;
}

static int teardown(void **state)
{
	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	return 0;
}

/* stderr into a temporary file for the test; what it holds so far, into out */
static FILE *redirect(void)
{
	FILE *f = tmpfile();

	assert_non_null(f);
	fflush(stderr);
	assert_true(dup2(fileno(f), STDERR_FILENO) >= 0);
	return f;
}

static const char *written(FILE *f)
{
	size_t n;

	fflush(stderr);
	rewind(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fseek(f, 0, SEEK_END);
	return out;
}

static void held_until_release_in_order(void **state)
{
	FILE *f = redirect();

	log_init(false, LOG_INFO, false);
	pr_info("before");
	log_hold();
	pr_info("first %d", 1);
	pr_warn("second");
	pr_debug("not at this level");
	assert_string_equal(written(f), "before\n");
	log_release();
	assert_string_equal(written(f), "before\nfirst 1\nsecond\n");
	log_hold();		/* nested: only the outermost release writes */
	log_hold();
	pr_info("nested");
	log_release();
	assert_string_equal(written(f), "before\nfirst 1\nsecond\n");
	log_release();
	assert_string_equal(written(f), "before\nfirst 1\nsecond\nnested\n");
	pr_info("after");	/* released: straight out again */
	assert_string_equal(written(f), "before\nfirst 1\nsecond\nnested\nafter\n");
	log_release();		/* nothing held: nothing written */
	assert_string_equal(written(f), "before\nfirst 1\nsecond\nnested\nafter\n");
	fclose(f);
}

static void held_lines_keep_their_time(void **state)
{
	FILE *f = redirect();
	struct timespec t0;
	double stamp;

	log_init(false, LOG_INFO, true);
	clock_gettime(CLOCK_REALTIME, &t0);
	log_hold();
	pr_info("stamped");
	usleep(300000);
	log_release();
	assert_int_equal(sscanf(written(f), "%lf stamped", &stamp), 1);
	/* the time of pr_info(), not of the write 300 ms later */
	assert_true(stamp - (t0.tv_sec + t0.tv_nsec / 1e9) < 0.2);
	fclose(f);
}

static void overflow_writes_what_it_holds(void **state)
{
	FILE *f = redirect();
	char line[200], want[16];
	const char *p;
	int n = 0;

	log_init(false, LOG_INFO, false);
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	log_hold();
	for (int i = 0; i < 100; i++)	/* about 20 KB: more than the hold keeps */
		pr_info("%03d %s", i, line);
	assert_true(strlen(written(f)) > 0);	/* some already out, to make room */
	log_release();
	p = written(f);
	for (int i = 0; i < 100; i++) {	/* every line, each once, in order */
		snprintf(want, sizeof(want), "%03d x", i);
		p = strstr(p, want);
		assert_non_null(p);
		p++;
		n++;
	}
	assert_int_equal(n, 100);
	assert_int_equal(strlen(written(f)), 100 * (4 + sizeof(line)));
	fclose(f);
}

static void held_lines_are_written_at_exit(void **state)
{
	FILE *f = redirect();
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (!pid) {
		log_init(false, LOG_INFO, false);
		log_hold();
		pr_err("said before exiting");
		exit(3);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 3);
	assert_string_equal(written(f), "said before exiting\n");
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(held_until_release_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(held_lines_keep_their_time, setup, teardown),
		cmocka_unit_test_setup_teardown(overflow_writes_what_it_holds, setup, teardown),
		cmocka_unit_test_setup_teardown(held_lines_are_written_at_exit, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
