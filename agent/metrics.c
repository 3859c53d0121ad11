// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What the agent knows, as Prometheus metrics (names and labels in
 * docs/metrics.md). Families are written one at a time over every group
 * and member, so each has exactly one HELP and TYPE line.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"
#include "metrics.h"
#include "prom.h"
#include "snapshot.h"

#ifndef IPMP_VERSION
#define IPMP_VERSION	"0.1"
#endif

struct metrics {
	struct agent *a;
	char dir[PATH_MAX];
	int dirfd;		/* dir, once opened (-1 until then): names are relative to it */
	char path[PATH_MAX + 16];	/* for messages */
	char tmp[40];		/* .ipmp.prom.PID, or .ipmp.prom.PID.RANDOM */
	struct event *timer;	/* every metrics_interval */
	struct event *soon;	/* after a change, once per loop turn */
	bool write_failed;	/* logged once until a write works again */
};

static const char *const group_states[] = { "ok", "degraded", "failed" };
static const char *const member_states[] = { "ok", "failed", "offline", "unknown" };
static const char *const probe_states[] = { "ok", "failed", "unknown", "disabled" };
static const char *const drop_reasons[IPMP_DROP__MAX] = {
	[IPMP_DROP_NO_MEMBER] = "no_member",
	[IPMP_DROP_MALFORMED] = "malformed",
	[IPMP_DROP_UNSUPPORTED] = "unsupported",
	[IPMP_DROP_NOT_NOMINATED] = "not_nominated",
	[IPMP_DROP_REDIRECT] = "redirect_failed",
	[IPMP_DROP_LOOPED] = "looped",
};

static const char *const xdp_outcomes[IPMP_PROBE_STAT__MAX] = {
	[IPMP_PROBE_STAT_REPLIES] = "delivered",
	[IPMP_PROBE_STAT_SPOOFED] = "forged",
	[IPMP_PROBE_STAT_RINGBUF_FULL] = "ring_full",
	[IPMP_PROBE_STAT_RATELIMITED] = "rate_limited",
};

#define GROUP_LABELS(ag) { "group", (ag)->group.ifname }, { "groupname", (ag)->group.name }

#define for_each_group(a, ag) \
	for (unsigned gi_ = 0; gi_ < (a)->ngroups; gi_++) \
		for (struct agent_group *ag = (a)->groups[gi_]; ag; ag = NULL)

/* A state set: one sample per state, 1 for the current one. */
static void state_set(struct prom *p, const char *name, struct prom_label *labels, unsigned nl,
		      const char *const *states, unsigned n, const char *now)
{
	labels[nl] = (struct prom_label){ "state", NULL };
	labels[nl + 1] = (struct prom_label){ NULL, NULL };
	for (unsigned i = 0; i < n; i++) {
		labels[nl].value = states[i];
		prom_sample(p, name, labels, !strcmp(states[i], now));
	}
}

static void render_groups(struct agent *a, struct prom *p)
{
	prom_family(p, "ipmp_group_state", "gauge",
		    "Group state (spec 3.15): 1 for the current state, 0 for the others.");
	for_each_group(a, ag) {
		struct prom_label l[4] = { GROUP_LABELS(ag) };

		state_set(p, "ipmp_group_state", l, 2, group_states, 3,
			  group_state_names[ag->group.state]);
	}
	prom_family(p, "ipmp_group_failure_detection_time_seconds", "gauge",
		    "Failure detection time of the group's probing (possibly raised, spec 3.11).");
	for_each_group(a, ag) {
		struct prom_label l[3] = { GROUP_LABELS(ag) };

		prom_sample(p, "ipmp_group_failure_detection_time_seconds", l,
			    ag->group.probe.fdt_ms / 1000.0);
	}
	prom_family(p, "ipmp_group_failovers_total", "counter",
		    "Failovers: times addresses moved off a member that stopped carrying data.");
	for_each_group(a, ag) {
		struct prom_label l[3] = { GROUP_LABELS(ag) };

		prom_sample(p, "ipmp_group_failovers_total", l, (double)ag->metrics.failovers);
	}
	prom_family(p, "ipmp_group_last_failover_timestamp_seconds", "gauge",
		    "When the last failover was done, seconds since 1970; 0 if none yet.");
	for_each_group(a, ag) {
		struct prom_label l[3] = { GROUP_LABELS(ag) };

		prom_sample(p, "ipmp_group_last_failover_timestamp_seconds", l,
			    ag->metrics.last_failover_wall);
	}
	prom_family(p, "ipmp_group_failover_duration_seconds", "histogram",
		    "Failover duration: from the event that detected the failure to the maps "
		    "rebound and the first announcement sent.");
	for_each_group(a, ag) {
		struct prom_label l[3] = { GROUP_LABELS(ag) };

		prom_histogram_write(p, "ipmp_group_failover_duration_seconds", l,
				     &ag->metrics.failover_seconds);
	}
	prom_family(p, "ipmp_group_drops_total", "counter",
		    "Frames the data plane dropped, by reason (include/ipmp/maps.h).");
	for_each_group(a, ag) {
		__u64 drops[IPMP_DROP__MAX];
		struct prom_label l[4] = { GROUP_LABELS(ag), { "reason", NULL } };

		if (dataplane_drops(&ag->dp, drops))
			continue;
		for (unsigned r = 0; r < IPMP_DROP__MAX; r++) {
			l[2].value = drop_reasons[r];
			prom_sample(p, "ipmp_group_drops_total", l, (double)drops[r]);
		}
	}
	prom_family(p, "ipmp_group_probe_replies_total", "counter",
		    "Probe replies member_xdp recognised, by outcome: delivered to the agent, "
		    "forged (a tag not the probe's), rate_limited, ring_full.");
	for_each_group(a, ag) {
		__u64 st[IPMP_PROBE_STAT__MAX];
		struct prom_label l[4] = { GROUP_LABELS(ag), { "outcome", NULL } };

		if (dataplane_probe_stats(&ag->dp, st))
			continue;
		for (unsigned s = 0; s < IPMP_PROBE_STAT__MAX; s++) {
			l[2].value = xdp_outcomes[s];
			prom_sample(p, "ipmp_group_probe_replies_total", l, (double)st[s]);
		}
	}
}

#define MEMBER_LABELS(ag, m) GROUP_LABELS(ag), { "interface", (m)->ifname }

static double probe_counter(const struct ipmp_member *m, size_t offset)
{
	return (double)(*(const uint64_t *)((const char *)&m->probe.counters + offset) +
			*(const uint64_t *)((const char *)&m->probe6.counters + offset));
}

static double traffic_counter(struct agent_group *ag, const struct ipmp_member *m, unsigned field)
{
	struct ipmp_member_stats st;

	if (dataplane_member_stats(&ag->dp, m->slot, &st))
		return NAN;
	return (double)(&st.tx_packets)[field];
}

static double v_active(struct agent_group *ag, const struct ipmp_member *m)
{
	return member_active(m);
}

static double v_link(struct agent_group *ag, const struct ipmp_member *m)
{
	return m->link_up;
}

static double v_sent(struct agent_group *ag, const struct ipmp_member *m)
{
	return probe_counter(m, offsetof(struct probe_counters, sent));
}

static double v_lost(struct agent_group *ag, const struct ipmp_member *m)
{
	return probe_counter(m, offsetof(struct probe_counters, lost));
}

static double v_spoofed(struct agent_group *ag, const struct ipmp_member *m)
{
	return probe_counter(m, offsetof(struct probe_counters, spoofed));
}

static double v_tx_packets(struct agent_group *ag, const struct ipmp_member *m)
{
	return traffic_counter(ag, m, 0);
}

static double v_tx_bytes(struct agent_group *ag, const struct ipmp_member *m)
{
	return traffic_counter(ag, m, 1);
}

static double v_rx_packets(struct agent_group *ag, const struct ipmp_member *m)
{
	return traffic_counter(ag, m, 2);
}

static double v_rx_bytes(struct agent_group *ag, const struct ipmp_member *m)
{
	return traffic_counter(ag, m, 3);
}

/* Per member: one value each (NaN: not available, left out). */
static const struct {
	const char *name, *type, *help;
	double (*value)(struct agent_group *ag, const struct ipmp_member *m);
} member_metrics[] = {
	{ "ipmp_member_active", "gauge", "1 if the member carries data.", v_active },
	{ "ipmp_member_link_up", "gauge", "1 if the member's link is up.", v_link },
	{ "ipmp_member_probes_sent_total", "counter", "Probes sent (both families).", v_sent },
	{ "ipmp_member_probes_lost_total", "counter", "Probes that got no valid reply in time.",
	  v_lost },
	{ "ipmp_member_probes_spoofed_total", "counter",
	  "Replies the agent refused (a sequence out of window, a wrong source, a duplicate).",
	  v_spoofed },
	{ "ipmp_member_transmit_packets_total", "counter",
	  "Packets the group sent through the member.", v_tx_packets },
	{ "ipmp_member_transmit_bytes_total", "counter", "Bytes the group sent through the member.",
	  v_tx_bytes },
	{ "ipmp_member_receive_packets_total", "counter", "Packets the member handed to the group.",
	  v_rx_packets },
	{ "ipmp_member_receive_bytes_total", "counter", "Bytes the member handed to the group.",
	  v_rx_bytes },
};

/* Per member: a state set, as ipmpstat -i shows the state. */
static const struct {
	const char *name, *help;
	const char *const *states;
	unsigned nstates;
	const char *(*now)(const struct ipmp_member *m);
} member_state_sets[] = {
	{ "ipmp_member_state", "Member state as ipmpstat -i shows it: 1 for the current state.",
	  member_states, 4, snapshot_member_state },
	{ "ipmp_member_probe_state", "Probe state as ipmpstat -i shows it: 1 for the current state.",
	  probe_states, 4, snapshot_member_probe },
};

static void render_members(struct agent *a, struct prom *p)
{
	for (unsigned i = 0; i < sizeof(member_state_sets) / sizeof(member_state_sets[0]); i++) {
		prom_family(p, member_state_sets[i].name, "gauge", member_state_sets[i].help);
		for_each_group(a, ag)
			group_for_each_member(&ag->group, m) {
				struct prom_label l[5] = { MEMBER_LABELS(ag, m) };

				state_set(p, member_state_sets[i].name, l, 3, member_state_sets[i].states,
					  member_state_sets[i].nstates, member_state_sets[i].now(m));
			}
	}
	for (unsigned i = 0; i < sizeof(member_metrics) / sizeof(member_metrics[0]); i++) {
		prom_family(p, member_metrics[i].name, member_metrics[i].type, member_metrics[i].help);
		for_each_group(a, ag)
			group_for_each_member(&ag->group, m) {
				struct prom_label l[4] = { MEMBER_LABELS(ag, m) };
				double v = member_metrics[i].value(ag, m);

				if (!isnan(v))
					prom_sample(p, member_metrics[i].name, l, v);
			}
	}
}

/* RTT average and deviation per target, as ipmpstat -t's targets and -p's columns. */
static void render_rtt(struct agent *a, struct prom *p, const char *name, const char *help,
		       bool deviation)
{
	char buf[IP_PREFIX_STRLEN];

	prom_family(p, name, "gauge", help);
	for_each_group(a, ag)
		group_for_each_member(&ag->group, m)
			for (int f = 0; f < 2; f++) {
				const struct probe_instance *pi = f ? &m->probe6 : &m->probe;

				for (unsigned i = 0; i < pi->ntargets; i++) {
					const struct probe_target *t = &pi->targets[i];
					struct prom_label l[5] = {
						MEMBER_LABELS(ag, m),
						{ "target", ip_prefix_str(&t->addr, false, buf,
									  sizeof(buf)) },
					};

					if (t->status != TG_ACTIVE || t->sa_ns <= 0)
						continue;
					prom_sample(p, name, l,
						    (deviation ? t->sv_ns / 4 : t->sa_ns / 8) / 1e9);
				}
			}
}

void metrics_render(struct agent *a, struct prom *p)
{
	struct prom_label build[] = { { "version", IPMP_VERSION }, { NULL, NULL } };

	prom_family(p, "ipmp_build_info", "gauge", "The agent's version; always 1.");
	prom_sample(p, "ipmp_build_info", build, 1);
	prom_family(p, "ipmp_agent_start_time_seconds", "gauge",
		    "When the agent started, seconds since 1970.");
	prom_sample(p, "ipmp_agent_start_time_seconds", NULL, a->start_wall);
	render_groups(a, p);
	render_members(a, p);
	render_rtt(a, p, "ipmp_probe_rtt_seconds", "Smoothed probe round-trip time per target.",
		   false);
	render_rtt(a, p, "ipmp_probe_rtt_deviation_seconds",
		   "Mean deviation of the probe round-trip time per target.", true);
}

/* Failover durations, seconds: 100 us to 1 s (the event to the first announcement). */
static const double failover_bounds[] = { 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
					  0.01,   0.025,   0.05,   0.1,   0.25,   1 };

void metrics_group_init(struct group_metrics *gm)
{
	memset(gm, 0, sizeof(*gm));
	prom_histogram_init(&gm->failover_seconds, failover_bounds,
			    sizeof(failover_bounds) / sizeof(failover_bounds[0]));
}

void metrics_failover(struct agent *a, struct agent_group *ag)
{
	struct group_metrics *gm = &ag->metrics;
	struct timespec wall;

	if (gm->last_failover_commit == ag->group.ncommits && gm->failovers)
		return;		/* another address of the same commit */
	clock_gettime(CLOCK_REALTIME, &wall);
	gm->last_failover_commit = ag->group.ncommits;
	gm->failovers++;
	gm->last_failover_wall = wall.tv_sec + wall.tv_nsec / 1e9;
	prom_histogram_observe(&gm->failover_seconds,
			       (clock_now_ns(a->clock) - a->handling_ns) / 1e9);
}

/* All of buf to fd, across short writes. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * The temporary file, created new: O_EXCL and O_NOFOLLOW, so a symlink or
 * file planted under its name is never opened. What is there is removed
 * and the name tried again; where it cannot be removed (a sticky
 * directory, without CAP_FOWNER), a random name is tried instead.
 */
static int metrics_create_tmp(struct metrics *mx)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	int fd;

	snprintf(mx->tmp, sizeof(mx->tmp), ".ipmp.prom.%d", (int)getpid());
	fd = openat(mx->dirfd, mx->tmp, flags, 0644);
	if (fd >= 0 || errno != EEXIST)
		return fd;
	if (!unlinkat(mx->dirfd, mx->tmp, 0)) {
		fd = openat(mx->dirfd, mx->tmp, flags, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	for (int i = 0; i < 3; i++) {
		uint32_t r;

		if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
			r = (uint32_t)clock_now_ns(mx->a->clock);
		snprintf(mx->tmp, sizeof(mx->tmp), ".ipmp.prom.%d.%08x", (int)getpid(), r);
		fd = openat(mx->dirfd, mx->tmp, flags, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

/*
 * A new file beside the old one, fsynced, then renamed over it, so
 * readers (the node exporter) see the old or the new, never half, even
 * across a crash. The directory may be writable by others: the temporary
 * file is created new (above), and renameat() replaces a planted
 * ipmp.prom symlink rather than writing through it.
 */
static int metrics_write_file(struct metrics *mx, const char *buf, size_t len)
{
	struct stat st;
	int fd, ret;

	/*
	 * Opened once it exists, then kept until it is removed: a symlink put
	 * in its place meanwhile is not followed.
	 */
	if (mx->dirfd >= 0 && !fstat(mx->dirfd, &st) && st.st_nlink == 0) {
		close(mx->dirfd);
		mx->dirfd = -1;
	}
	if (mx->dirfd < 0)
		mx->dirfd = open(mx->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mx->dirfd < 0)
		return -errno;
	fd = metrics_create_tmp(mx);
	if (fd < 0)
		return -errno;
	ret = write_all(fd, buf, len);
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && renameat(mx->dirfd, mx->tmp, mx->dirfd, "ipmp.prom"))
		ret = -errno;
	if (ret)
		unlinkat(mx->dirfd, mx->tmp, 0);
	return ret;
}

static void metrics_write(struct metrics *mx)
{
	struct prom p;
	int ret;

	prom_init(&p);
	metrics_render(mx->a, &p);
	ret = p.failed ? -ENOMEM : metrics_write_file(mx, p.buf, p.len);
	if (ret && !mx->write_failed)
		pr_err("cannot write %s: %s", mx->path, strerror(-ret));
	else if (!ret && mx->write_failed)
		pr_info("%s is written again", mx->path);
	mx->write_failed = ret != 0;
	prom_free(&p);
}

static void write_cb(evutil_socket_t fd, short what, void *arg)
{
	metrics_write(arg);
}

void metrics_changed(struct agent *a)
{
	if (a->metrics && !evtimer_pending(a->metrics->soon, NULL))
		event_active(a->metrics->soon, EV_TIMEOUT, 0);
}

int metrics_start(struct agent *a)
{
	const char *dir = a->metrics_dir ? a->metrics_dir : a->cfg.metrics_dir;
	struct timeval tv = { .tv_sec = a->cfg.metrics_interval_s };
	struct metrics *mx;

	if (!dir || !*dir)
		return 0;
	if (strlen(dir) >= PATH_MAX)
		return -ENAMETOOLONG;
	mx = calloc(1, sizeof(*mx));
	if (!mx)
		return -ENOMEM;
	mx->a = a;
	snprintf(mx->path, sizeof(mx->path), "%s/ipmp.prom", dir);
	snprintf(mx->dir, sizeof(mx->dir), "%s", dir);
	mx->dirfd = -1;
	mx->timer = event_new(a->base, -1, EV_PERSIST, write_cb, mx);
	mx->soon = evtimer_new(a->base, write_cb, mx);
	if (!mx->timer || !mx->soon || event_add(mx->timer, &tv)) {
		if (mx->timer)
			event_free(mx->timer);
		if (mx->soon)
			event_free(mx->soon);
		free(mx);
		return -ENOMEM;
	}
	a->metrics = mx;
	pr_info("writing metrics to %s every %u s and on every change", mx->path,
		a->cfg.metrics_interval_s);
	metrics_write(mx);
	return 0;
}

void metrics_stop(struct agent *a)
{
	struct metrics *mx = a->metrics;

	if (!mx)
		return;
	event_free(mx->timer);
	event_free(mx->soon);
	if (mx->dirfd >= 0)
		close(mx->dirfd);
	free(mx);
	a->metrics = NULL;
}
