// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ipmp-agent: options, startup, the event loop and signals. Wiring only;
 * the only place that exits.
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "admin.h"
#include "agent.h"
#include "control.h"
#include "kernel.h"
#include "log.h"
#include "notify.h"

#define DEFAULT_CONFIG	"/etc/ipmp/ipmp.conf"
#define DEFAULT_BPFFS	"/sys/fs/bpf/ipmp"

#ifndef IPMP_VERSION
#define IPMP_VERSION	"0.1"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: ipmp-agent [OPTIONS]\n"
		"IP multipathing agent: keeps a group's addresses reachable over its working NICs.\n"
		"\n"
		"  -c, --config FILE   configuration file (default " DEFAULT_CONFIG ")\n"
		"      --check         validate the configuration and exit (0 valid, 1 not)\n"
		"      --cleanup       undo what the agents recorded they changed, remove the\n"
		"                      pins, and exit\n"
		"      --bpffs DIR     where maps and programs are pinned (default " DEFAULT_BPFFS ");\n"
		"                      a bpffs is mounted there if none is\n"
		"      --socket PATH   control socket (default " IPMP_SOCKET_DEFAULT ")\n"
		"      --metrics-dir DIR  write Prometheus metrics to DIR/ipmp.prom (node_exporter's\n"
		"                      textfile collector); overrides metrics_dir in the config\n"
		"      --run-dir DIR   where the network managers' files go (default /run, or\n"
		"                      $IPMP_RUN_DIR)\n"
		"      --syslog        log to syslog (ident ipmp-agent, facility daemon)\n"
		"      --log-time      prefix log lines on stderr with the time (s.us since 1970)\n"
		"  -d, --debug         log debug messages too\n"
		"  -V, --version       print the version and exit\n"
		"  -h, --help          print this help and exit\n"
		"\n"
		"The agent runs in the foreground. SIGTERM or SIGINT stop it and leave the\n"
		"data plane forwarding; a new agent takes over where it left off.\n");
}

struct options {
	const char *config;
	const char *bpffs;
	const char *socket;
	const char *metrics_dir;
	const char *run_dir;
	bool check;
	bool cleanup;
	bool syslog;
	bool log_time;
	bool debug;
};

static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_CHECK = 256, OPT_CLEANUP, OPT_BPFFS, OPT_SYSLOG, OPT_LOG_TIME, OPT_SOCKET,
	       OPT_METRICS_DIR, OPT_RUN_DIR };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "cleanup", no_argument, NULL, OPT_CLEANUP },
		{ "bpffs", required_argument, NULL, OPT_BPFFS },
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "metrics-dir", required_argument, NULL, OPT_METRICS_DIR },
		{ "run-dir", required_argument, NULL, OPT_RUN_DIR },
		{ "syslog", no_argument, NULL, OPT_SYSLOG },
		{ "log-time", no_argument, NULL, OPT_LOG_TIME },
		{ "debug", no_argument, NULL, 'd' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	*o = (struct options){ .config = DEFAULT_CONFIG, .bpffs = DEFAULT_BPFFS,
			       .socket = IPMP_SOCKET_DEFAULT, .run_dir = getenv("IPMP_RUN_DIR") };
	while ((c = getopt_long(argc, argv, "c:dVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case OPT_CHECK: o->check = true; break;
		case OPT_CLEANUP: o->cleanup = true; break;
		case OPT_BPFFS: o->bpffs = optarg; break;
		case OPT_SOCKET: o->socket = optarg; break;
		case OPT_METRICS_DIR: o->metrics_dir = optarg; break;
		case OPT_RUN_DIR: o->run_dir = optarg; break;
		case OPT_SYSLOG: o->syslog = true; break;
		case OPT_LOG_TIME: o->log_time = true; break;
		case 'd': o->debug = true; break;
		case 'V': printf("ipmp-agent %s\n", IPMP_VERSION); exit(0);
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ipmp-agent: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return -EINVAL;
	}
	if (o->check && o->cleanup) {
		fprintf(stderr, "ipmp-agent: --check and --cleanup exclude each other\n");
		return -EINVAL;
	}
	return 0;
}

/* libbpf's own messages: detail for -d; we log each failure where we handle it. */
static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	if (n && line[n - 1] == '\n')
		line[n - 1] = '\0';
	pr_debug("%s", line);
	return 0;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct event_base *base = arg;

	pr_info("signal %d: stopping; the data plane keeps forwarding", (int)sig);
	event_base_loopbreak(base);
}

/* SIGHUP: re-read the config file, as ipmpadm reload does (in.mpathd re-execs). */
static void on_sighup(evutil_socket_t sig, short what, void *arg)
{
	struct admin_result r;

	pr_info("SIGHUP: rereading config file");
	notify_send("RELOADING=1");
	admin_result_init(&r);
	if (admin_reload(arg, &r))
		pr_err("reload: %s", r.msg);
	admin_result_free(&r);
	notify_send("READY=1");
}

/*
 * systemd's watchdog (WatchdogSec=): pinged from a timer of the event
 * loop, twice per interval, so a loop that hangs stops the pings and
 * systemd restarts the agent, which adopts the running data plane. It
 * runs at detection priority: a busy control socket must not make
 * systemd restart a healthy agent.
 */
static void on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	notify_send("WATCHDOG=1");
}

static struct event *watchdog_start(struct event_base *base)
{
	uint64_t usec = notify_watchdog_usec() / 2;
	struct timeval tv = { .tv_sec = usec / 1000000, .tv_usec = usec % 1000000 };
	struct event *ev;

	if (!usec)
		return NULL;
	ev = event_new(base, -1, EV_PERSIST, on_watchdog, NULL);
	if (!ev || event_priority_set(ev, AGENT_PRIO_DETECT) || event_add(ev, &tv)) {
		pr_warn("cannot start the watchdog timer; systemd will restart the agent");
		return ev;
	}
	pr_debug("watchdog: pinging systemd every %llu ms", (unsigned long long)usec / 1000);
	notify_send("WATCHDOG=1");
	return ev;
}

/*
 * Room for every control client (CONTROL_CLIENTS_MAX) besides our own
 * sockets and maps: the soft descriptor limit is often 1024. Raised up
 * to the hard limit; a lower hard limit only means fewer clients.
 */
static void raise_fd_limit(void)
{
	rlim_t want = CONTROL_CLIENTS_MAX + 256;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		pr_warn("cannot raise the open file limit to %llu: %s", (unsigned long long)want,
			strerror(errno));
}

/*
 * libevent's timers otherwise run on CLOCK_MONOTONIC_COARSE, which trails
 * the real time by up to a tick: a timer due now looks a millisecond
 * away, and the loop wakes again and again for it.
 */
static struct event_base *event_base_precise(void)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base;

	if (!cfg)
		return NULL;
	event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return base;
}

int main(int argc, char **argv)
{
	struct agent a = { .clock = &clock_monotonic, .lock_fd = -1, .raw_fd = -1,
			   .undo = { .fd = -1 } };
	struct event *sigterm = NULL, *sigint = NULL, *sighup = NULL, *watchdog = NULL;
	struct options o;
	int ret;

	if (parse_options(argc, argv, &o))
		return 2;
	log_init(o.syslog, o.debug ? LOG_DEBUG : LOG_INFO, o.log_time);
	libbpf_set_print(libbpf_log);
	ret = config_load(o.config, &a.cfg);
	if (o.check) {
		if (!ret)
			printf("%s: ok (%u group%s)\n", o.config, a.cfg.ngroups,
			       a.cfg.ngroups == 1 ? "" : "s");
		config_free(&a.cfg);
		return ret ? 1 : 0;
	}
	if (ret)
		return 1;
	if (o.cleanup) {
		ret = agent_cleanup(&a.cfg, o.bpffs, o.run_dir);
		config_free(&a.cfg);
		return ret ? 1 : 0;
	}
	if (kernel_check()) {
		config_free(&a.cfg);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit();
	a.bpffs = o.bpffs;
	a.socket_path = o.socket;
	a.metrics_dir = o.metrics_dir;
	a.run_dir = o.run_dir;
	a.base = event_base_precise();
	if (!a.base || event_base_priority_init(a.base, AGENT_PRIORITIES)) {
		pr_err("cannot create the event loop");
		return 1;
	}
	sigterm = evsignal_new(a.base, SIGTERM, on_signal, a.base);
	sigint = evsignal_new(a.base, SIGINT, on_signal, a.base);
	sighup = evsignal_new(a.base, SIGHUP, on_sighup, &a);
	if (!sigterm || !sigint || !sighup || evsignal_add(sigterm, NULL) ||
	    evsignal_add(sigint, NULL) || evsignal_add(sighup, NULL)) {
		pr_err("cannot set up signal handling");
		ret = -ENOMEM;
		goto out;
	}
	ret = agent_start(&a);
	if (ret)
		goto out;
	pr_info("ipmp-agent %s running", IPMP_VERSION);
	watchdog = watchdog_start(a.base);
	notify_send("READY=1\nSTATUS=running");
	event_base_dispatch(a.base);
	notify_send("STOPPING=1");
out:
	if (watchdog)
		event_free(watchdog);
	agent_stop(&a);
	if (sigterm)
		event_free(sigterm);
	if (sigint)
		event_free(sigint);
	if (sighup)
		event_free(sighup);
	event_base_free(a.base);
	config_free(&a.cfg);
	return ret ? 1 : 0;
}
