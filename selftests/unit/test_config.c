// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* agent/config.c: good files, every kind of bad one, in.mpathd's value rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "logcapture.h"

static const char good[] =
	"[global]\n"
	"failure_detection_time = 2000   ; ms\n"
	"failback = no\n"
	"garp_count = 5\n"
	"garp_interval = 50\n"
	"metrics_dir = /var/lib/node_exporter/textfile\n"
	"metrics_interval = 30\n"
	"early_carrier = no\n"
	"\n"
	"[group ipmp0]\n"
	"name = a\n"
	"interfaces = eth0 eth1\n"
	"  eth2\n"
	"standby = eth2\n"
	"addresses = 192.0.2.10/24 192.0.2.11/24\n"
	"\n"
	"[interface eth0]\n"
	"test_address = 192.0.2.21/24\n"
	"\n"
	"[group ipmp1]\n"
	"interfaces = eth3 eth4\n"
	"addresses = 198.51.100.10/24\n"
	"targets = 198.51.100.1, 198.51.100.2\n"
	"probe = arp\n"
	"[interface eth4]\n"
	"probe = icmp\n";

static void test_good_file(void **state)
{
	struct ipmp_config cfg;
	char buf[IP_PREFIX_STRLEN];

	log_capture_start();
	assert_int_equal(config_load_string(good, "good.conf", &cfg), 0);
	assert_int_equal(cfg.fdt_ms, 2000);
	assert_false(cfg.failback);
	assert_int_equal(cfg.garp_count, 5);
	assert_int_equal(cfg.garp_interval_ms, 50);
	assert_string_equal(cfg.metrics_dir, "/var/lib/node_exporter/textfile");
	assert_int_equal(cfg.metrics_interval_s, 30);
	assert_false(cfg.early_carrier);
	assert_int_equal(cfg.ngroups, 2);

	struct config_group *g = &cfg.groups[0];
	assert_string_equal(g->ifname, "ipmp0");
	assert_string_equal(g->name, "a");
	assert_string_equal(g->peer_ifname, "ipmp0-p");
	assert_int_equal(g->nmembers, 3);	/* the indented line continues the list */
	assert_string_equal(g->members[2].ifname, "eth2");
	assert_false(g->members[0].standby);
	assert_true(g->members[2].standby);
	assert_true(g->members[0].has_test_address);
	assert_string_equal(ip_prefix_str(&g->members[0].test_address, true, buf, sizeof(buf)),
			    "192.0.2.21/24");
	assert_false(g->members[1].has_test_address);
	assert_int_equal(g->naddrs, 2);
	assert_string_equal(ip_prefix_str(&g->addrs[1], true, buf, sizeof(buf)), "192.0.2.11/24");

	/* the group name defaults to the interface name */
	assert_string_equal(cfg.groups[1].name, "ipmp1");
	assert_int_equal(g->probe, PROBE_METHOD_ICMP);
	assert_int_equal(cfg.groups[1].probe, PROBE_METHOD_ARP);
	assert_int_equal(cfg.groups[1].members[0].probe, PROBE_METHOD_DEFAULT);
	assert_int_equal(cfg.groups[1].members[1].probe, PROBE_METHOD_ICMP);
	assert_int_equal(cfg.groups[1].ntargets, 2);
	assert_string_equal(ip_prefix_str(&cfg.groups[1].targets[1], false, buf, sizeof(buf)),
			    "198.51.100.2");
	assert_string_equal(captured_log, "");
	config_free(&cfg);
}

static void test_defaults(void **state)
{
	struct ipmp_config cfg;

	log_capture_start();
	assert_int_equal(config_load_string("[group g]\ninterfaces = e0\n", "d.conf", &cfg), 0);
	assert_int_equal(cfg.fdt_ms, 10000);
	assert_true(cfg.failback);
	assert_int_equal(cfg.garp_count, 3);
	assert_int_equal(cfg.garp_interval_ms, 100);
	assert_string_equal(cfg.metrics_dir, "");	/* no metrics file */
	assert_int_equal(cfg.metrics_interval_s, 15);
	assert_true(cfg.early_carrier);	/* carrier losses from the driver where it can */
	config_free(&cfg);
}

static void test_interface_section_before_group(void **state)
{
	struct ipmp_config cfg;

	log_capture_start();
	assert_int_equal(config_load_string("[interface e1]\ntest_address = 192.0.2.5/24\n"
					    "[group g]\ninterfaces = e0 e1\n", "o.conf", &cfg), 0);
	assert_true(cfg.groups[0].members[1].has_test_address);
	config_free(&cfg);
}

struct bad_case {
	const char *text;
	const char *message;	/* the exact file:line: message expected */
};

static const struct bad_case bad_cases[] = {
	{ "[global]\nfoo = 1\n[group g]\ninterfaces = e0\n",
	  "bad.conf:2: unknown key 'foo' in [global]" },
	{ "[group g]\ninterfaces = e0\nbogus = 1\n", "bad.conf:3: unknown key 'bogus' in [group g]" },
	{ "[group g]\ninterfaces = e0\n[frobnicate]\nx = 1\n",
	  "bad.conf:3: unknown section [frobnicate] (expected [global], [group IFNAME] or "
	  "[interface IFNAME])" },
	/* a section without keys is looked at too */
	{ "[group g]\ninterfaces = e0\n[groups h]\n",
	  "bad.conf:3: unknown section [groups h] (expected [global], [group IFNAME] or "
	  "[interface IFNAME])" },
	{ "[group g]\ninterfaces = e0\n\n[group h]\n", "bad.conf:4: [group h] has no interfaces" },
	{ "[group g]\ninterfaces = e0\naddresses = 192.0.2.300/24\n",
	  "bad.conf:3: address '192.0.2.300/24': not an IP address" },
	{ "[group g]\ninterfaces = e0\naddresses = 192.0.2.3\n",
	  "bad.conf:3: address '192.0.2.3': missing prefix length (ADDR/PLEN)" },
	{ "[group g]\ninterfaces = e0\naddresses = 192.0.2.3/33\n",
	  "bad.conf:3: address '192.0.2.3/33': bad prefix length" },
	{ "[group g]\ninterfaces = e0\naddresses = 2001:db8::1/64 fe80::1/64\n",
	  "bad.conf:3: address fe80::1/64 cannot be a data address: link-local (the group "
	  "interface has its own, from the kernel)" },
	{ "[group g]\ninterfaces = e0\naddresses = 224.0.0.5/32\n",
	  "bad.conf:3: address 224.0.0.5/32 cannot be a data address: multicast or reserved" },
	{ "[group g]\ninterfaces = e0 e1 e0\n", "bad.conf:2: e0 is listed twice in interfaces" },
	{ "[group g]\ninterfaces = e0\n[group h]\ninterfaces = e1\n  e0\n",
	  "bad.conf:5: e0 is already a member of group g (line 2)" },
	{ "[group g]\ninterfaces = e0\nstandby = e1\n",
	  "bad.conf:3: standby interface e1 is not in interfaces of group g" },
	{ "[global]\nfailback = yes\n[group g]\nname = x\n", "bad.conf:3: [group g] has no interfaces" },
	{ "[group g]\ninterfaces = e0\ninterfaces = e1\n", "bad.conf:3: 'interfaces' is set twice in [group g]" },
	{ "[group g]\ninterfaces = e0\n[interface e9]\ntest_address = 192.0.2.9/24\n",
	  "bad.conf:3: [interface e9]: e9 is not in the interfaces of any group" },
	{ "[group g]\ninterfaces = averyveryverylongname\n",
	  "bad.conf:2: 'averyveryverylongname' is not a valid interface name" },
	{ "[group g]\ninterfaces = e0\nname = aaaaaaaaaaaaaaaa\n",
	  "bad.conf:3: group name 'aaaaaaaaaaaaaaaa' must be 1 to 15 letters, digits, '-', '_' or "
	  "'.', and not '.' or '..' (it names the pin directory)" },
	{ "[group g]\ninterfaces = e0\nname = ..\n", "bad.conf:3: group name '..' must be 1 to 15" },
	{ "[group g]\ninterfaces = e0\nname = a/b\n", "bad.conf:3: group name 'a/b' must be 1 to 15" },
	{ "[global]\nadmin_group = no-such-group-ipmp\n[group g]\ninterfaces = e0\n",
	  "bad.conf:2: admin_group 'no-such-group-ipmp': no such group" },
	{ "[global]\ngarp_count = 0\n[group g]\ninterfaces = e0\n",
	  "bad.conf:2: garp_count must be a whole number from 1 to 100, not '0'" },
	{ "[global]\ngarp_interval = 10ms\n[group g]\ninterfaces = e0\n",
	  "bad.conf:2: garp_interval must be a whole number from 1 to 60000, not '10ms'" },
	{ "[global]\nmetrics_dir = textfile\n[group g]\ninterfaces = e0\n",
	  "bad.conf:2: metrics_dir 'textfile' is not an absolute path" },
	{ "[global]\nearly_carrier = on\n[group g]\ninterfaces = e0\n",
	  "bad.conf:2: early_carrier must be yes or no, not 'on'" },
	{ "[global]\nmetrics_interval = 0\n[group g]\ninterfaces = e0\n",
	  "bad.conf:2: metrics_interval must be a whole number from 1 to 3600, not '0'" },
	{ "[group g]\ninterfaces = e0\naddresses = 192.0.2.1/24\n[group h]\ninterfaces = e1\n"
	  "addresses = 192.0.2.1/25\n",
	  "bad.conf:6: address 192.0.2.1 is listed twice (group g)" },
	{ "stray = 1\n[group g]\ninterfaces = e0\n", "bad.conf:1: 'stray' is outside any section" },
	{ "[group g]\ninterfaces = e0\nthis line has no equals sign\n",
	  "bad.conf:3: syntax error (expected [section], key = value or a comment)" },
	{ "[group g]\ninterfaces = e0 e0-p\n[group e0]\ninterfaces = e1\n",
	  "bad.conf:3: [group e0]: e0 is already a member of a group" },
	{ "[group g]\ninterfaces = g\n", "bad.conf:2: group interface g cannot be its own member" },
	{ "[global]\n", "bad.conf:1: no [group IFNAME] section" },
	{ "[group g]\ninterfaces = e0\n[group h]\nname = g\ninterfaces = e1\n",
	  "bad.conf:3: group name g is used twice (also line 1)" },
	{ "[group g]\ninterfaces = e0\n[interface e0]\ntest_address = nope\n",
	  "bad.conf:4: test_address 'nope': not an IP address" },
	{ "[group g]\ninterfaces = e0\nprobe = udp\n", "bad.conf:3: probe must be icmp, arp or off, not 'udp'" },
	{ "[group g]\ninterfaces = e0\ntargets = 192.0.2.1/24\n",
	  "bad.conf:3: target 192.0.2.1/24: must be an IPv4 host address" },
	{ "[group g]\ninterfaces = e0\ntargets = 192.0.2.1 192.0.2.1\n",
	  "bad.conf:3: target 192.0.2.1 is listed twice" },
};

static void test_bad_files(void **state)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct ipmp_config cfg;

		log_capture_start();
		int ret = config_load_string(bad_cases[i].text, "bad.conf", &cfg);
		if (ret != -EINVAL)
			fail_msg("case %zu was accepted:\n%s", i, bad_cases[i].text);
		assert_logged(bad_cases[i].message);
		assert_logged("configuration rejected");
		/* nothing is left allocated for the caller to misuse */
		assert_null(cfg.groups);
		assert_int_equal(cfg.ngroups, 0);
	}
}

static void test_long_line(void **state)
{
	size_t len = 80000;
	char *text = malloc(len);
	struct ipmp_config cfg;
	unsigned n = 0;

	/* a long list on one line is fine: 254 addresses, ~4 KB */
	snprintf(text, len, "[group g]\ninterfaces = e0\naddresses =");
	for (int i = 1; i <= 254; i++, n++)
		snprintf(text + strlen(text), len - strlen(text), " 198.51.100.%d/24", i);
	strcat(text, "\n");
	log_capture_start();
	assert_int_equal(config_load_string(text, "long.conf", &cfg), 0);
	assert_int_equal(cfg.groups[0].naddrs, n);
	config_free(&cfg);

	/* past 64 KiB it is refused, once, with the line number */
	snprintf(text, len, "[group g]\ninterfaces = e0\n; ");
	memset(text + strlen(text), 'x', 70000);
	strcpy(text + 70000 + 28, "\n");
	log_capture_start();
	assert_int_equal(config_load_string(text, "long.conf", &cfg), -EINVAL);
	assert_logged("long.conf:3: line too long (at most 65533 characters)");
	assert_null(strstr(strstr(captured_log, "line too long") + 1, "line too long"));
	free(text);
}

/* spec 3.1: in.mpathd corrects bad values and says so; it does not reject them. */
static void test_fdt_rules(void **state)
{
	static const struct {
		const char *value;
		unsigned fdt_ms;
		const char *message;
	} cases[] = {
		{ "0", 10000, "f.conf:2: Invalid failure detection time 0, assuming default of 10000 ms" },
		{ "abc", 10000, "Invalid failure detection time abc, assuming default of 10000 ms" },
		{ "-5", 10000, "Invalid failure detection time -5, assuming default of 10000 ms" },
		{ "50", 100, "f.conf:2: Too small failure detection time of 50, assuming minimum of 100 ms" },
		{ "0x3e8", 1000, NULL },
		{ "100", 100, NULL },
		{ "1500ms", 1500, NULL },	/* strtol: trailing junk ignored */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[128];
		struct ipmp_config cfg;

		snprintf(text, sizeof(text), "[global]\nfailure_detection_time = %s\n"
			 "[group g]\ninterfaces = e0\n", cases[i].value);
		log_capture_start();
		assert_int_equal(config_load_string(text, "f.conf", &cfg), 0);
		assert_int_equal(cfg.fdt_ms, cases[i].fdt_ms);
		if (cases[i].message)
			assert_logged(cases[i].message);
		else
			assert_string_equal(captured_log, "");
		config_free(&cfg);
	}
}

static void test_failback_invalid(void **state)
{
	struct ipmp_config cfg;

	log_capture_start();
	assert_int_equal(config_load_string("[global]\nfailback = maybe\n[group g]\ninterfaces = e0\n",
					    "fb.conf", &cfg), 0);
	assert_true(cfg.failback);
	assert_logged("fb.conf:2: Invalid value for FAILBACK maybe");
	config_free(&cfg);
}

static void test_file_errors(void **state)
{
	char path[] = "/tmp/ipmp-test-config-XXXXXX";
	struct ipmp_config cfg;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_true(write(fd, good, sizeof(good) - 1) == (ssize_t)sizeof(good) - 1);
	close(fd);
	log_capture_start();
	assert_int_equal(config_load(path, &cfg), 0);
	assert_int_equal(cfg.ngroups, 2);
	config_free(&cfg);
	unlink(path);
	assert_int_equal(config_load(path, &cfg), -ENOENT);
	assert_logged("cannot open: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_interface_section_before_group),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_fdt_rules),
		cmocka_unit_test(test_failback_invalid),
		cmocka_unit_test(test_file_errors),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
